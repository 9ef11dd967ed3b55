"""``manage.py benchmark`` on DfE's real files, checked by a different route:
the csv module, statistics.mean and statistics.quantiles, not the app's code."""

import csv
import io
import json
import statistics
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from national.selectors import BENCHMARK_COLUMNS

CSWW = "data/dfe/csww_indicators_2017_to_2025.csv"
C1 = "data/dfe/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
D3 = "data/dfe/d3_cpps_subsequent_plan_2013_to_2025.csv"
SN_2021 = "data/dfe/New_Statistical_Neighbour_Groupings_April_2021.csv"
SN_2025 = "data/dfe/sn_model_2025_wide.csv"


def _published(path, indicator):
    with open(path, encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _neighbours(path, la, code_column, sn_format):
    with open(path, encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            if row[code_column] == la:
                return [row[sn_format.format(k)] for k in range(1, 11)]
    raise AssertionError(la)


def _number(text):
    try:
        return Decimal(text)
    except ArithmeticError:
        return None


def _expected(rows, indicator, year, la, neighbours, polarity):
    """The year's figures, worked out straight from the CSV rows."""
    this_year = [r for r in rows if r["time_period"] == year]
    own = next(r for r in this_year if r["old_la_code"] == la)
    value = _number(own[indicator])
    england = next(r for r in this_year if r["geographic_level"] == "National")
    region = next(
        r
        for r in this_year
        if r["geographic_level"] == "Regional" and r["region_code"] == own["region_code"]
    )
    las = [r for r in this_year if r["geographic_level"] == "Local authority"]
    numbers = [n for n in (_number(r[indicator]) for r in las) if n is not None]
    sn = [
        _number(r[indicator])
        for r in las
        if set(r["old_la_code"].split(" / ")) & set(neighbours)
        and _number(r[indicator]) is not None
    ]
    best_first = sorted(numbers, reverse=polarity == "higher")
    q1, q2, q3 = statistics.quantiles(numbers, n=4, method="inclusive")  # R's type 7
    if value is None:  # suppressed: no rank, no band
        rank = quartile = None
    else:
        quarter = next(i for i, q in enumerate([q1, q2, q3, max(numbers)]) if value <= q)
        rank = best_first.index(value) + 1
        quartile = "ABCD"[quarter] if polarity == "lower" else "DCBA"[quarter]
    return {
        "year": year,
        "value": None if value is None else float(value),
        "england": float(Decimal(england[indicator])),
        "region": float(Decimal(region[indicator])),
        "statistical_neighbours": round(float(statistics.mean(sn)), 4),
        "neighbours_with_value": len(sn),
        "rank": rank,
        "of": len(numbers),
        "quartile": quartile,
    }


def _benchmark(*args):
    out = io.StringIO()
    call_command("benchmark", *args, stdout=out)
    return out.getvalue()


def _load(path, slug, indicator, *extra):
    call_command(
        "import_statistics", path, "--measure", slug, "--indicator", indicator,
        "--polarity", "lower", *extra, stdout=io.StringIO(),
    )  # fmt: skip


@pytest.fixture
def models(seeds):
    call_command("import_neighbours", SN_2021, "--model", "2021", stdout=io.StringIO())
    call_command("import_neighbours", SN_2025, "--model", "2025", stdout=io.StringIO())


def test_birminghams_2025_vacancy_rate_agrees_with_the_published_rows(models):
    _load(CSWW, "vacancy", "vacancy_rate_fte")
    rows = _published(CSWW, "vacancy_rate_fte")
    for model, path, column, sn_format in [
        ("2021", SN_2021, "LA num", "SN{}"),
        ("2025", SN_2025, "old_la_code", "SN_{}"),
    ]:
        printed = json.loads(
            _benchmark(
                "birmingham", "--measure", "vacancy", "--neighbours", model, "--format", "json"
            )
        )
        neighbours = _neighbours(path, "330", column, sn_format)
        assert printed[-1] == _expected(
            rows, "vacancy_rate_fte", "2025", "330", neighbours, "lower"
        )
        assert [r["year"] for r in printed] == [str(y) for y in range(2017, 2026)]


def test_the_figures_agree_for_every_year_and_both_trusts(models):
    _load(CSWW, "caseload", "caseload_fte")
    rows = _published(CSWW, "caseload_fte")
    for slug, la in [("birmingham", "330"), ("sandwell", "333")]:
        printed = json.loads(_benchmark(slug, "--measure", "caseload", "--format", "json"))
        neighbours = _neighbours(SN_2025, la, "old_la_code", "SN_{}")
        expected = [
            _expected(rows, "caseload_fte", str(year), la, neighbours, "lower")
            for year in range(2017, 2026)
        ]
        assert printed == expected


def test_the_d3_and_c1_files_benchmark_too(models):
    _load(D3, "cpp", "CPP_subsequent_percent")
    _load(C1, "rereferrals", "rereferral_percent", "--where", "category=Referrals and Re-referrals")
    for path, slug, indicator in [
        (D3, "cpp", "CPP_subsequent_percent"),
        (C1, "rereferrals", "rereferral_percent"),
    ]:
        printed = json.loads(_benchmark("sandwell", "--measure", slug, "--format", "json"))
        neighbours = _neighbours(SN_2025, "333", "old_la_code", "SN_{}")
        assert printed[-1] == _expected(
            _published(path, indicator), indicator, "2025", "333", neighbours, "lower"
        )
        assert len(printed) == 13


def test_csv_has_exactly_the_contracts_columns(models):
    _load(CSWW, "vacancy", "vacancy_rate_fte")
    lines = _benchmark("birmingham", "--measure", "vacancy", "--format", "csv").splitlines()
    assert lines[0] == ",".join(BENCHMARK_COLUMNS)
    assert lines[0] == (
        "year,value,england,region,statistical_neighbours,neighbours_with_value,rank,of,quartile"
    )
    assert len(lines) == 10
    assert lines[-1].startswith("2025,17.1,14.2,14,")


def test_the_table_names_the_trust_and_the_measure(models):
    _load(CSWW, "vacancy", "vacancy_rate_fte")
    table = _benchmark("birmingham", "--measure", "vacancy").splitlines()
    assert table[0] == "Birmingham Children's Trust (LA 330) — vacancy_rate_fte [lower]"
    assert table[1].split() == list(BENCHMARK_COLUMNS)
    assert table[-1].split()[:4] == ["2025", "17.1", "14.2", "14"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere", "--measure", "vacancy"], "No organisation with slug 'nowhere'"),
        (["birmingham", "--measure", "nothing"], "No national measure 'nothing' (known: vacancy)"),
        (
            ["birmingham", "--measure", "vacancy", "--neighbours", "1999"],
            "No neighbour model '1999' (known: 2025, 2021)",
        ),
    ],
)
def test_it_refuses_what_it_does_not_know(models, args, message):
    _load(CSWW, "vacancy", "vacancy_rate_fte")
    with pytest.raises(CommandError) as caught:
        _benchmark(*args)
    assert message in str(caught.value)


def test_it_refuses_an_organisation_without_la_codes(seeds):
    _load(CSWW, "vacancy", "vacancy_rate_fte")
    seeds["birmingham"].__class__.objects.filter(slug="birmingham").update(
        old_la_code="", new_la_code=""
    )
    with pytest.raises(CommandError) as caught:
        _benchmark("birmingham", "--measure", "vacancy")
    assert "has no local authority code" in str(caught.value)
