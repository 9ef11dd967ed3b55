"""``manage.py import_readings`` reads Sandwell's Appendix 1 unedited."""

import io

import pytest
from django.core.management import CommandError, call_command

from kpis.imports.files import _read_table
from kpis.imports.mapping import detect
from kpis.imports.messages import MAPPING_UNKNOWN_HEADING, NOT_A_NUMBER
from kpis.imports.remembered import import_mapping_remember
from kpis.imports.rows import RowError
from kpis.models import Comparator, Reading
from tests.kpis.imports.appendix import appendix_csv, appendix_xlsx, printed_rows, seed_readings
from tests.kpis.imports.cases import snapshot

# The trust enters or imports the seed months here: they have no return yet.
pytestmark = pytest.mark.usefixtures("unreturned_seeds")


def _run(*args):
    out = io.StringIO()
    call_command("import_readings", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _file(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_it_imports_the_appendix_into_a_fresh_sandwell_and_prints_the_mapping(seeds, tmp_path):
    sandwell = seeds["sandwell"]
    Reading.objects.filter(kpi__organisation=sandwell).delete()
    Comparator.objects.filter(kpi__organisation=sandwell).delete()
    path = _file(tmp_path, "appendix.xlsx", appendix_xlsx())
    out = _run(path, "--organisation", "sandwell", "--comparators")
    assert "Mapping (found from the headings; headings in row 3):" in out
    assert "  B 'DESCRIPTION OF KPI': The KPI's title" in out
    assert (
        "  H 'West Midlands Average (where available)': Comparator: the region (West Midlands)"
        in out
    )
    assert "  W 'Direction vs SN': Ignored: worked out from the months" in out
    assert (
        "Rows skipped: 1 (a title above the heading row), 2 (a title above the heading row), "
        "4 (a sub-heading row), 20 (a note under the table)"
    ) in out
    assert "Comparators for 2018: 15 new, 0 changed, 0 unchanged; saved" in out
    assert f"{path}: 180 new, 0 changed, 0 unchanged; saved" in out
    saved = {
        (r.kpi.code, r.period): r.value
        for r in Reading.objects.filter(kpi__organisation=sandwell).select_related("kpi")
    }
    assert saved == seed_readings()
    assert Comparator.objects.filter(kpi__organisation=sandwell).count() == 15


def test_a_dry_run_of_the_csv_over_the_seeded_sandwell_changes_nothing(seeds, tmp_path):
    before = snapshot()
    out = _run(
        _file(tmp_path, "appendix.csv", appendix_csv()), "--organisation", "sandwell", "--dry-run"
    )
    assert "0 new, 0 changed, 180 unchanged; dry run: nothing saved" in out
    assert (
        "Comparators for 2018: 0 new, 0 changed, 15 unchanged; not saved (add --comparators to save them)"
        in out
    )
    assert snapshot() == before


def test_it_names_a_bad_row_and_saves_nothing(seeds, tmp_path):
    rows = printed_rows()
    rows[6][9] = "abc"
    path = _file(tmp_path, "appendix.csv", appendix_csv(rows))
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        _run(path, "--organisation", "sandwell", "--comparators")
    assert str(raised.value) == (
        f"1 bad row in {path}; nothing was saved:\n"
        + str(RowError(7, NOT_A_NUMBER.format(text="abc"), "J (Feb-18)"))
    )
    assert snapshot() == before


def test_an_unknown_heading_prints_the_mapping_and_fails(seeds, tmp_path):
    rows = printed_rows()
    rows[2][3] = "Portfolio"
    path = _file(tmp_path, "appendix.csv", appendix_csv(rows))
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_readings", path, "--organisation", "sandwell", stdout=out)
    assert str(raised.value) == f"{path}: " + MAPPING_UNKNOWN_HEADING.format(
        column="D", text="Portfolio", row=3
    )
    assert "  D 'Portfolio': Ignored: not a heading this import knows" in out.getvalue()


def test_it_uses_the_mapping_remembered_for_the_organisation(seeds, tmp_path, sandwell_officer):
    rows = printed_rows()
    rows[2][3] = "Portfolio"
    data = appendix_csv(rows)
    table = _read_table("a.csv", data)
    mapping = detect([(1, table.header), *table.rows], chosen=[{"index": 3, "role": "ignore"}])
    import_mapping_remember(organisation=seeds["sandwell"], mapping=mapping, user=sandwell_officer)
    out = _run(_file(tmp_path, "appendix.csv", data), "--organisation", "sandwell", "--dry-run")
    assert "Mapping (remembered for these headings; headings in row 3):" in out
    assert "  D 'Portfolio': Ignored: chosen to be ignored" in out
    assert "180 unchanged" in out
