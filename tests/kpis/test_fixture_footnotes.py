"""Every footnote the seeds print against a KPI is in the fixtures, word for
word, and no fixture carries one the seeds do not print.

Read from the seed text itself (``../shared/seeds``, beside the repository),
and from the copy of Sandwell's Appendix 1 the import tests keep, so the
check runs where the seeds are not.
"""

import re

import pytest
from django.core.management import call_command

from kpis.models import KPI
from tests.kpis.imports.appendix import SEED_TSV
from tests.seed_files import seed_dir

# A footnote line: its mark (asterisks) first, then the PI it is for.
FOOTNOTE = re.compile(r"^(\*+)\s*PI\s*(\d+)\b")


@pytest.fixture
def loaded(db):
    call_command("loaddata", "birmingham", "sandwell", verbosity=0)


def _seed(prefix: str) -> str:
    return next(seed_dir().glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def _section(text: str, heading: str, end: str) -> list[str]:
    """The lines from ``heading`` up to the first line matching ``end``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(heading))
    rest = lines[start + 1 :]
    stop = next((i for i, line in enumerate(rest) if re.match(end, line)), len(rest))
    return rest[:stop]


def _footnotes(lines: list[str]) -> dict[str, str]:
    """PI code → footnote line as printed (trailing empty cells trimmed)."""
    found = {}
    for line in lines:
        text = line.rstrip()
        if match := FOOTNOTE.match(text):
            found[f"PI{int(match[2])}"] = text
    return found


def _carried(slug: str) -> dict[str, str]:
    return {
        k.code: k.footnote for k in KPI.objects.filter(organisation__slug=slug).exclude(footnote="")
    }


def test_sandwell_carries_every_footnote_of_appendix_1_verbatim(loaded):
    # Appendix 1 runs from its heading to the letter that follows it.
    table = _section(_seed("003"), "Appendix 1 - Performance Dataset", r"^Nadhim Zahawi")
    printed = _footnotes(table)
    assert printed == {
        "PI13": "** PI 13 PLEASE NOTE ESTABLISHMENT WAS INCREASED IN FEBRUARY 2018 TO 220 "
        "STAFF FROM 184"
    }
    assert _carried("sandwell") == printed


def test_each_footnote_is_marked_in_its_kpis_title(loaded):
    for code, footnote in _carried("sandwell").items():
        mark = FOOTNOTE.match(footnote)[1]
        assert KPI.objects.get(organisation__slug="sandwell", code=code).title.endswith(
            f" {mark}"
        ), code
    # And the other way: a title with a mark has its footnote.
    for kpi in KPI.objects.filter(title__contains="*"):
        assert kpi.footnote, kpi.code


def test_the_kept_copy_of_appendix_1_has_the_same_footnotes(loaded):
    assert _footnotes(SEED_TSV.splitlines()) == _carried("sandwell")


def test_birminghams_kpi_table_prints_no_footnote_and_the_fixture_carries_none(loaded):
    table = _section(
        _seed("000"), "### 15 Key Performance Indicators (KPI) in the contract", r"^#+ "
    )
    assert any(line.startswith("KPI 15") for line in table)
    assert not any("*" in line or "†" in line for line in table)
    assert _carried("birmingham") == {}
