"""``import_readings`` refuses a file with values unusual for their KPI
(kpis/plausibility.py), listing each with its row and reason, unless
``--accept-unusual``."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from kpis.models import Reading

JAN_19 = dt.date(2019, 1, 1)
FILE = b"kpi,period,value\nPI1,2019-01,0.9\nPI3,2019-01,80\nPI5,2019-01,812\n"


def _run(path, *args):
    out = io.StringIO()
    call_command("import_readings", path, "--organisation", "sandwell", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def path(tmp_path):
    file = tmp_path / "sandwell-jan-19.csv"
    file.write_bytes(FILE)
    return str(file)


def test_it_refuses_and_lists_each_unusual_row(seeds, path):
    with pytest.raises(CommandError) as raised:
        _run(path)
    message = str(raised.value)
    assert message.startswith(f"2 unusual values in {path}; nothing was saved.")
    assert "Row 2 (PI1 Jan 2019): 0.9 is unusual for PI1: it looks like a fraction" in message
    assert "Did you mean 90%?" in message
    assert (
        "Row 4 (PI5 Jan 2019): 812 is unusual for PI5: it is more than ten times the median "
        "of its readings (21)." in message
    )
    assert "Row 3" not in message
    assert not Reading.objects.filter(period=JAN_19).exists()


def test_a_dry_run_lists_them_too(seeds, path):
    with pytest.raises(CommandError, match="2 unusual values"):
        _run(path, "--dry-run")


def test_accept_unusual_saves_them_as_they_are(seeds, path):
    out = _run(path, "--accept-unusual")
    assert "unusual, accepted: Row 2 (PI1 Jan 2019)" in out
    assert "3 new, 0 changed, 0 unchanged; saved" in out
    assert Reading.objects.get(kpi__code="PI1", period=JAN_19).value == Decimal("0.9")
    assert Reading.objects.get(kpi__code="PI5", period=JAN_19).value == Decimal("812")


def test_birmingham_with_one_reading_has_nothing_unusual(seeds, tmp_path):
    file = tmp_path / "b.csv"
    file.write_bytes(b"kpi,period,value\nKPI1,2018-11,0.9\n")
    out = call_command_out(str(file))
    assert out.endswith("1 new, 0 changed, 0 unchanged; saved\n")


def call_command_out(path):
    out = io.StringIO()
    call_command("import_readings", path, "--organisation", "birmingham", stdout=out)
    return out.getvalue()
