"""``manage.py import_readings``: the same cases as the service, through the command."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from kpis.imports import RETURN_ACCEPTED
from kpis.management.commands.import_readings import NAME_THE_ORGANISATION
from kpis.models import MonthlyReturn, Reading, ReturnState
from tests.kpis.imports.cases import BAD_FILES, BAD_ROWS, LONG, err, snapshot, xlsx

# The trust enters or imports the seed months here: they have no return yet.
pytestmark = pytest.mark.usefixtures("unreturned_seeds")

OCT = dt.date(2018, 10, 1)


def _run(*args):
    out, err_ = io.StringIO(), io.StringIO()
    call_command("import_readings", *args, stdout=out, stderr=err_)
    return out.getvalue(), err_.getvalue()


def _file(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize(
    "organisation, name, data, expected",
    [pytest.param(*case[1:], id=case[0]) for case in BAD_ROWS],
)
def test_it_prints_every_bad_row_and_exits_non_zero(
    seeds, tmp_path, organisation, name, data, expected
):
    path = _file(tmp_path, name, data)
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        _run(path, "--organisation", organisation)
    count = len(expected)
    assert str(raised.value) == "\n".join(
        [f"{count} bad row{'s' if count != 1 else ''} in {path}; nothing was saved:", *expected]
    )
    assert snapshot() == before


@pytest.mark.parametrize(
    "name, data, message", [pytest.param(*case[1:], id=case[0]) for case in BAD_FILES]
)
def test_it_refuses_a_bad_file(seeds, tmp_path, name, data, message):
    path = _file(tmp_path, name, data)
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        _run(path, "--organisation", "birmingham")
    assert str(raised.value) == f"{path}: {message}"
    assert snapshot() == before


def test_it_refuses_a_change_to_an_accepted_month(seeds, tmp_path):
    MonthlyReturn.objects.create(
        organisation=seeds["birmingham"], period=OCT, state=ReturnState.ACCEPTED
    )
    path = _file(tmp_path, "r.csv", (LONG + "KPI2,2018-10,23\n").encode())
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        _run(path)
    assert err(2, RETURN_ACCEPTED.format(period="2018-10")) in str(raised.value)
    assert snapshot() == before


def test_it_imports_and_prints_a_summary(seeds, tmp_path):
    path = _file(
        tmp_path, "r.csv", (LONG + "KPI1,2018-10,85\nKPI2,2018-10,23\nKPI1,2018-11,80\n").encode()
    )
    out, _ = _run(path, "--organisation", "birmingham")
    assert out == f"{path}: 1 new, 1 changed, 1 unchanged; saved\n"
    reading = Reading.objects.get(kpi__code="KPI2", period=OCT)
    assert (reading.value, reading.source, reading.entered_by) == (Decimal("23"), "upload", None)
    [record] = reading.history.all()
    assert (record.history_user, record.history_change_reason) == (None, "import r.csv")


def test_a_dry_run_previews_and_saves_nothing(seeds, tmp_path):
    path = _file(
        tmp_path, "r.csv", (LONG + "KPI1,2018-10,85\nKPI2,2018-10,23\nKPI1,2018-11,80\n").encode()
    )
    before = snapshot()
    out, _ = _run(path, "--organisation", "birmingham", "--dry-run")
    assert out.splitlines() == [
        "  new      row 4: KPI1 2018-11 80",
        "  changed  row 3: KPI2 2018-10 24 → 23",
        f"{path}: 1 new, 1 changed, 1 unchanged; dry run: nothing saved",
    ]
    assert snapshot() == before


def test_it_reads_an_xlsx(seeds, tmp_path):
    data = xlsx([["kpi", dt.datetime(2019, 1, 1)], ["PI1", 19.1], ["PI5", 81]])
    out, _ = _run(_file(tmp_path, "appendix.xlsx", data))
    assert out.endswith("2 new, 0 changed, 0 unchanged; saved\n")


def test_it_infers_the_organisation_from_the_kpi_codes(seeds, tmp_path):
    path = _file(tmp_path, "r.csv", b"kpi,Jan-19\nPI1,19.1\n")
    _run(path)
    assert (
        Reading.objects.get(kpi__code="PI1", period=dt.date(2019, 1, 1)).kpi.organisation
        == seeds["sandwell"]
    )


def test_it_asks_for_the_organisation_when_the_codes_are_two_organisations(seeds, tmp_path):
    path = _file(tmp_path, "r.csv", (LONG + "KPI1,2018-11,80\nPI1,2018-11,70\n").encode())
    with pytest.raises(CommandError) as raised:
        _run(path)
    assert str(raised.value) == NAME_THE_ORGANISATION.format(
        reason="the KPI codes in the file belong to birmingham and sandwell",
        known="birmingham, sandwell",
    )


def test_it_asks_for_the_organisation_when_no_organisation_has_the_codes(seeds, tmp_path):
    path = _file(tmp_path, "r.csv", (LONG + "XYZ1,2018-11,80\n").encode())
    with pytest.raises(CommandError) as raised:
        _run(path)
    assert str(raised.value) == NAME_THE_ORGANISATION.format(
        reason="no organisation has the KPI codes in the file", known="birmingham, sandwell"
    )


def test_it_refuses_an_unknown_organisation_and_a_missing_file(seeds, tmp_path):
    path = _file(tmp_path, "r.csv", (LONG + "KPI1,2018-11,80\n").encode())
    with pytest.raises(CommandError, match="No organisation with slug 'nowhere'"):
        _run(path, "--organisation", "nowhere")
    with pytest.raises(CommandError, match="Cannot read .*missing.csv: No such file"):
        _run(str(tmp_path / "missing.csv"), "--organisation", "birmingham")


def test_it_tells_progress_on_long_files_to_stderr(seeds, tmp_path):
    lines = [
        f"KPI{k},{2000 + m // 12}-{m % 12 + 1:02d},50" for m in range(70) for k in range(1, 16)
    ]
    path = _file(tmp_path, "r.csv", (LONG + "\n".join(lines)).encode())
    out, progress = _run(path, "--organisation", "birmingham")
    assert progress == "Reading 1,050 rows…\nSaving 1,050 readings…\n"
    assert out.endswith("1,050 new, 0 changed, 0 unchanged; saved\n")
    assert Reading.history.filter(history_change_reason="import r.csv").count() == 1050
