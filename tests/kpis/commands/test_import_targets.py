"""``manage.py import_targets``."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from kpis.imports import BAND_ORDER, TOO_MANY_DECIMALS, UNKNOWN_KPI, WRONG_TYPE
from kpis.models import Target
from tests.kpis.imports.cases import BAD_TARGETS, err, snapshot

TARGETS = "kpi,valid_from,target,lower,upper\n"


def _run(*args):
    out = io.StringIO()
    call_command("import_targets", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _file(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return str(path)


def test_it_imports_targets_and_prints_a_summary(seeds, tmp_path):
    path = _file(
        tmp_path, "t.csv", TARGETS + "KPI1,2019-04-01,90,80,95\nKPI2,2018-04-01,21,17,24\n"
    )
    assert _run(path, "--organisation", "birmingham") == (
        f"{path}: 1 new, 0 changed, 1 unchanged; saved\n"
    )
    target = Target.objects.get(kpi__code="KPI1", valid_from=dt.date(2019, 4, 1))
    assert (target.value, target.lower, target.upper) == (90, 80, 95)
    assert target.history.get().history_change_reason == "import t.csv"


def test_a_dry_run_previews_and_saves_nothing(seeds, tmp_path):
    path = _file(tmp_path, "t.csv", TARGETS + "KPI2,2018-04-01,20,17,24\n")
    before = snapshot()
    assert _run(path, "--organisation", "birmingham", "--dry-run").splitlines() == [
        "  changed  row 2: KPI2 from 2018-04-01 21 (17–24) → 20 (17–24)",
        f"{path}: 0 new, 1 changed, 0 unchanged; dry run: nothing saved",
    ]
    assert snapshot() == before


@pytest.mark.parametrize(
    "text, expected", [pytest.param(*case[1:], id=case[0]) for case in BAD_TARGETS]
)
def test_it_prints_every_bad_row_and_exits_non_zero(seeds, tmp_path, text, expected):
    path = _file(tmp_path, "t.csv", text)
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        _run(path, "--organisation", "birmingham")
    assert str(raised.value).splitlines()[1:] == expected
    assert snapshot() == before


def test_it_lists_every_bad_row_in_the_error(seeds, tmp_path):
    path = _file(
        tmp_path,
        "t.csv",
        TARGETS
        + "KPI1,2019-04-01,85,90,95\nKPI11,2019-04-01,36.15,30,40\nKPI99,2019-04-01,1,1,1\n",
    )
    with pytest.raises(CommandError) as raised:
        _run(path, "--organisation", "birmingham")
    assert str(raised.value) == "\n".join([
        f"3 bad rows in {path}; nothing was saved:",
        err(2, BAND_ORDER.format(lower="90", target="85", upper="95")),
        err(3, TOO_MANY_DECIMALS.format(text="36.15", what="KPI11", precision=1), "C (target)"),
        err(4, UNKNOWN_KPI.format(code="KPI99", organisation="Birmingham Children's Trust"), "A (kpi)"),
    ])  # fmt: skip


def test_it_needs_the_organisation(seeds, tmp_path):
    path = _file(tmp_path, "t.csv", TARGETS + "KPI1,2019-04-01,90,80,95\n")
    with pytest.raises(CommandError, match="--organisation"):
        _run(path)


def test_it_refuses_a_wrong_file_type(seeds, tmp_path):
    path = _file(tmp_path, "t.pdf", b"%PDF-1.7\n")
    with pytest.raises(CommandError) as raised:
        _run(path, "--organisation", "birmingham")
    assert str(raised.value) == f"{path}: {WRONG_TYPE.format(name='t.pdf')}"
