"""data/ofsted/la_codes.csv: the join from Ofsted's ONS codes to DfE's 3-digit codes."""

import csv

from django.conf import settings

from inspections import outcomes

TABLE = settings.BASE_DIR / "data/ofsted/la_codes.csv"
DFE = settings.BASE_DIR / "data/dfe"
EES_FILES = [
    "csww_indicators_2017_to_2025.csv",
    "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
    "d3_cpps_subsequent_plan_2013_to_2025.csv",
]


def _rows():
    with open(TABLE, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_it_knows_the_two_trusts_authorities():
    codes = outcomes.read_la_codes(TABLE)
    assert codes["E08000025"] == "330"  # Birmingham
    assert codes["E08000028"] == "333"  # Sandwell


def test_it_lists_each_ons_code_once_with_a_three_digit_code():
    rows = _rows()
    assert len({r["new_la_code"] for r in rows}) == len(rows) == 163
    assert all(len(r["old_la_code"]) == 3 and r["old_la_code"].isdigit() for r in rows)


def test_it_is_what_dfes_open_data_files_give():
    expected = set()
    for name in EES_FILES:
        with open(DFE / name, newline="", encoding="utf-8-sig") as handle:
            expected |= {
                (r["new_la_code"], r["old_la_code"], r["la_name"])
                for r in csv.DictReader(handle)
                # Two pairs of authorities also report jointly ("E09000021 /
                # E09000027"); each is listed alone too, so the pair is left out.
                if r["geographic_level"] == "Local authority" and " / " not in r["new_la_code"]
            }
    assert {(r["new_la_code"], r["old_la_code"], r["la_name"]) for r in _rows()} == expected
