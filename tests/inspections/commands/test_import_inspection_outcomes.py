"""``manage.py import_inspection_outcomes PATH`` over small files and the real one."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from inspections import outcomes
from inspections.models import AuthorityInspection, Grade, OutcomesRelease
from tests.inspections.ofsted_files import TEST_HISTORY, TEST_LATEST, ods
from tests.inspections.test_outcomes_file import OFSTED_FILE


def run(path) -> str:
    out = io.StringIO()
    call_command("import_inspection_outcomes", str(path), stdout=out)
    return out.getvalue()


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "outcomes.ods"
    path.write_bytes(ods())
    return path


def _rows():
    return sorted(
        AuthorityInspection.objects.values_list("la_code", "inspection_date", "latest_row")
    )


def test_it_imports_the_file_and_says_what_it_read(db, small):
    assert run(small) == (
        f"{small}: 5 ILACS inspections of 3 local authorities, 3 of them the latest "
        "judgements as at 31 March 2025.\n"
    )
    release = OutcomesRelease.objects.get()
    assert (release.as_at, release.published_on, release.file_name) == (
        dt.date(2025, 3, 31), dt.date(2025, 9, 25), "outcomes.ods",
    )  # fmt: skip
    assert _rows() == [
        ("330", dt.date(2018, 12, 3), None), ("330", dt.date(2023, 2, 20), 4),
        ("332", dt.date(2019, 3, 4), None), ("332", dt.date(2024, 6, 3), 6),
        ("333", dt.date(2022, 5, 9), 5),
    ]  # fmt: skip
    latest = AuthorityInspection.objects.get(la_code="330", latest_row__isnull=False)
    assert (latest.new_la_code, latest.la_name, latest.history_row) == (
        "E08000025", "TEST Birmingham", 5,
    )  # fmt: skip
    assert latest.care_leavers == Grade.GOOD


def test_it_replaces_the_earlier_import(db, small, tmp_path):
    run(small)
    smaller = tmp_path / "smaller.ods"
    smaller.write_bytes(ods(latest=TEST_LATEST[1:2], history=TEST_HISTORY[2:3]))
    out = run(smaller)
    assert "1 ILACS inspections of 1 local authorities" in out
    assert out.endswith("; replaced the earlier import's 5 rows.\n")
    assert _rows() == [("333", dt.date(2022, 5, 9), 4)]
    assert OutcomesRelease.objects.get().file_name == "smaller.ods"


def test_it_saves_nothing_from_a_file_with_bad_rows_and_names_them(db, small, tmp_path):
    run(small)
    before = _rows()
    history = [list(r) for r in TEST_HISTORY]
    history[0][8] = "Goood"
    history[3][5] = "March 2019"
    bad = tmp_path / "bad.ods"
    bad.write_bytes(ods(history=history))
    with pytest.raises(CommandError) as raised:
        run(bad)
    assert str(raised.value) == (
        f"{bad}: 2 bad rows; nothing was saved:\n"
        "  ILACS_inspection_history row 4, column I (Overall effectiveness): 'Goood' is not an "
        "ILACS judgement (Ofsted's words are Outstanding, Good, Requires improvement to be "
        "good, Inadequate)\n"
        "  ILACS_inspection_history row 7, column F (Inspection date): "
        + outcomes.NOT_A_DATE.format(text="March 2019")
    )
    assert _rows() == before
    assert OutcomesRelease.objects.get().file_name == "outcomes.ods"


def test_it_refuses_a_file_without_the_expected_sheets(db, tmp_path):
    path = tmp_path / "other.ods"
    path.write_bytes(ods(sheets=("Cover", "Inspections_as_at_31_March")))
    with pytest.raises(CommandError) as raised:
        run(path)
    assert str(raised.value) == f"{path}: " + outcomes.MISSING_SHEETS.format(
        missing="'ILACS_inspection_history'", sheets="Cover, Inspections_as_at_31_March"
    )
    assert not AuthorityInspection.objects.exists()


def test_it_refuses_a_path_it_cannot_read(db, tmp_path):
    with pytest.raises(CommandError, match=r"^Cannot read .*missing\.ods: No such file"):
        run(tmp_path / "missing.ods")


def test_it_imports_ofsteds_file(db):
    out = run(OFSTED_FILE)
    assert out.endswith(
        "271 ILACS inspections of 156 local authorities, 153 of them the latest judgements "
        "as at 31 March 2025.\n"
    )
    birmingham = list(AuthorityInspection.objects.filter(la_code="330").order_by("inspection_date"))
    assert [(i.inspection_date, i.overall_effectiveness, i.is_latest) for i in birmingham] == [
        (dt.date(2018, 12, 3), Grade.REQUIRES_IMPROVEMENT, False),
        (dt.date(2023, 2, 20), Grade.GOOD, True),
    ]
    assert AuthorityInspection.objects.filter(latest_row__isnull=False).count() == 153
