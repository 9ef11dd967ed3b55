"""``manage.py import_statistics``."""

import csv
import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from national.models import Measure, MeasureValue

HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name,category,rate\n"
)
ROWS = (
    "2025,Reporting year,National,E92000001,England,,,,,,Referrals,14.2\n"
    "2025,Reporting year,Local authority,E92000001,England,E12000005,West Midlands,330,"
    "E08000025,Birmingham,Referrals,17.1\n"
    "2025,Reporting year,Local authority,E92000001,England,E12000005,West Midlands,333,"
    "E08000028,Sandwell,Referrals,u\n"
    "2025,Reporting year,Local authority,E92000001,England,E12000005,West Midlands,333,"
    "E08000028,Sandwell,Assessments,99\n"
)


def _file(tmp_path, text, name="stats.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return str(path)


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_statistics", *args, stdout=out, stderr=err)
    return out.getvalue()


@pytest.mark.django_db
def test_it_imports_a_filtered_indicator_and_says_what_it_saved(tmp_path):
    path = _file(tmp_path, HEADER + ROWS)
    out = _run(
        path, "--measure", "referrals", "--indicator", "rate", "--where", "category=Referrals",
        "--title", "Referral rate", "--polarity", "lower",
    )  # fmt: skip
    assert out == (
        "referrals: 3 values imported (1 National, 0 Regional, 2 Local authority; "
        "2025, Reporting year); 1 rows at other levels or filtered out.\n"
    )
    measure = Measure.objects.get(slug="referrals")
    assert (measure.title, measure.indicator, measure.filters, measure.polarity) == (
        "Referral rate",
        "rate",
        {"category": "Referrals"},
        "lower",
    )
    assert (measure.source, measure.time_identifier) == ("stats.csv", "Reporting year")
    values = {v.area_name: (v.value, v.suppression) for v in measure.values.all()}
    assert values == {
        "England": (Decimal("14.2"), ""),
        "Birmingham": (Decimal("17.1"), ""),
        "Sandwell": (None, "u"),
    }
    sandwell = measure.values.get(area_name="Sandwell")
    assert sandwell.get_suppression_display() == "Low reliability"


@pytest.mark.django_db
def test_reimporting_replaces_the_measures_values_and_keeps_its_polarity(tmp_path):
    path = _file(tmp_path, HEADER + ROWS)
    _run(path, "--measure", "r", "--indicator", "rate", "--where", "category=Referrals",
         "--polarity", "higher")  # fmt: skip
    smaller = _file(tmp_path, HEADER + ROWS.splitlines(keepends=True)[0], name="b.csv")
    out = _run(smaller, "--measure", "r", "--indicator", "rate")
    assert out.endswith("replacing 3.\n")
    measure = Measure.objects.get(slug="r")
    assert list(measure.values.values_list("area_name", flat=True)) == ["England"]
    assert (measure.polarity, measure.filters, measure.source) == ("higher", {}, "b.csv")


@pytest.mark.django_db
def test_a_bad_row_saves_nothing_and_names_every_bad_row(tmp_path):
    good = _file(tmp_path, HEADER + ROWS)
    _run(good, "--measure", "r", "--indicator", "rate", "--where", "category=Referrals")
    before = list(MeasureValue.objects.values_list("area_name", "value"))
    lines = ROWS.splitlines(keepends=True)
    bad = _file(
        tmp_path,
        HEADER
        + lines[0]
        + lines[1].replace("17.1", "n/a")
        + lines[2].replace("Local authority", "County")
        + lines[0],
        name="bad.csv",
    )
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_statistics", bad, "--measure", "r", "--indicator", "rate",
            "--where", "category=Referrals", stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    assert str(caught.value) == f"{bad}: 3 bad rows; nothing was imported."
    assert err.getvalue().splitlines() == [
        f"{bad}: nothing imported, 3 bad rows:",
        "  row 3: rate 'n/a' is not a number or a suppression code (c, x, z, u, low)",
        "  row 4: geographic_level 'County' is not a level EES publishes (National, Regional, "
        "Local authority, …)",
        "  row 5: England (National) for 2025 is also in row 2",
    ]
    assert list(MeasureValue.objects.values_list("area_name", "value")) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--indicator", "vacancy"], "Row 1 has no vacancy column (--indicator)"),
        (["--indicator", "rate", "--where", "phase=All"], "Row 1 has no phase column (--where"),
        (["--indicator", "rate", "--where", "category"], "--where 'category' is not COLUMN=VALUE"),
    ],
)
def test_it_refuses_a_missing_column_or_a_malformed_filter(tmp_path, args, message):
    path = _file(tmp_path, HEADER + ROWS)
    with pytest.raises(CommandError) as caught:
        _run(path, "--measure", "r", *args)
    assert message in str(caught.value)
    assert not Measure.objects.exists()


@pytest.mark.django_db
def test_it_imports_the_real_csww_file_in_full():
    out = _run(
        "data/dfe/csww_indicators_2017_to_2025.csv", "--measure", "vacancy",
        "--indicator", "vacancy_rate_fte", "--polarity", "lower",
    )  # fmt: skip
    assert out == (
        "vacancy: 1463 values imported (9 National, 99 Regional, 1355 Local authority; "
        "2017–2025, Reporting year).\n"
    )
    with open("data/dfe/csww_indicators_2017_to_2025.csv", encoding="utf-8-sig") as handle:
        published = Counter(
            row["vacancy_rate_fte"]
            for row in csv.DictReader(handle)
            if not row["vacancy_rate_fte"].replace(".", "").isdigit()
        )
    stored = Counter(
        MeasureValue.objects.filter(value__isnull=True).values_list("suppression", flat=True)
    )
    # Every published symbol kept as itself (none read as 0 or lost).
    assert stored == published
    assert set(stored) <= {"c", "x", "z", "u", "low"}
