"""Selectors on a small SYNTHETIC set (bench/synthetic.py): the fast paths of
issue 7 give what the plain ones give."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from kpis import rating, selectors, spc
from kpis.models import KPI, Organisation, Reading
from reports.selectors import monthly_report


@pytest.fixture
def synthetic(db):
    call_command(
        "generate_synthetic_national",
        organisations=2, kpis=6, months=30, last="2026-10", stdout=io.StringIO(),
    )  # fmt: skip
    return Organisation.objects.get(slug="synthetic-national-001")


def _decimal_analysis(kpi, period):
    """SPC over the readings as Decimals from the database (the old path)."""
    values = kpi.readings.filter(period__lte=period).order_by("period")
    return spc.analyse(list(values.values_list("value", flat=True)))


def test_it_gives_the_icons_of_the_decimal_readings(synthetic):
    table = selectors.status_table(organisation=synthetic)
    assert len(table.rows) == 6
    for row in table.rows:
        expected = _decimal_analysis(row.kpi, table.period)
        assert row.spc == expected
        assert str(row.spc.upper_limit) == str(expected.upper_limit)
        assert row.variation == spc.variation(expected, row.kpi.polarity)
        assert row.assurance == spc.assurance(expected, row.kpi.polarity, row.target)
        assert row.latest_reading == table.period


def test_it_rates_one_kpi_as_the_whole_table_does(synthetic):
    table = selectors.status_table(organisation=synthetic)
    assert len(table.rows) == 6
    for row in table.rows:
        # Not only the same as the other path: right, by the one RAG rule, on
        # the reading and target in the database.
        reading = Reading.objects.get(kpi=row.kpi, period=table.period)
        target = row.kpi.targets.filter(valid_from__lte=table.period).order_by("valid_from").last()
        assert (row.value, row.target) == (reading.value, target.value)
        assert row.status == rating.rate_one(
            value=reading.value, target=target.value, lower=target.lower, upper=target.upper,
            polarity=row.kpi.polarity,
        )  # fmt: skip
        only = selectors.status_table(organisation=synthetic, only=row.kpi)
        assert only.rows == [row]
        trend = selectors.trend_frame(kpi=row.kpi)
        reused = selectors.status_table(organisation=synthetic, only=row.kpi, trend=trend)
        assert reused.rows == [row]
        assert reused.rows[0].spc == row.spc


def test_it_builds_a_kpis_questions_from_its_own_trend(synthetic):
    kpi = KPI.objects.filter(organisation=synthetic).first()
    asked = selectors.kpi_questions(kpi=kpi)
    assert asked == selectors.kpi_questions(kpi=kpi, trend=selectors.kpi_trend(kpi=kpi))
    # and they are the questions of that KPI's own row of the status table
    table = selectors.status_table(organisation=synthetic, only=kpi)
    assert asked == selectors.member_questions(table=table)
    assert {q.code for q in asked} <= {kpi.code, ""}


def test_it_does_not_reuse_a_trend_that_ends_before_the_month(synthetic):
    kpi = KPI.objects.filter(organisation=synthetic).first()
    trend = selectors.trend_frame(kpi=kpi)
    Reading.objects.filter(kpi=kpi, period=selectors.latest_period(synthetic)).delete()
    short = selectors.trend_frame(kpi=kpi)
    assert len(short) == len(trend) - 1
    row = selectors.status_table(organisation=synthetic, only=kpi, trend=short).rows[0]
    assert row.status == "missing"
    assert row == selectors.status_table(organisation=synthetic).rows[0]


def test_the_report_shows_the_spc_of_the_status_table(synthetic):
    period = selectors.latest_period(synthetic)
    report = monthly_report(organisation=synthetic, period=period)
    for line in report.indicators:
        expected = _decimal_analysis(line.row.kpi, period)
        assert line.spc.readings == 30
        assert line.spc.latest == period
        assert (line.spc.mean, line.spc.lower_limit, line.spc.upper_limit) == (
            expected.mean, expected.lower_limit, expected.upper_limit,
        )  # fmt: skip
        assert line.spc.variation == spc.variation(expected, line.row.kpi.polarity)


def test_the_home_page_summary_takes_each_organisations_latest_month(synthetic):
    Reading.objects.filter(
        kpi__organisation__slug="synthetic-national-002", period__year=2026, period__month=10
    ).delete()
    summaries = {s["organisation"].slug: s for s in selectors.organisation_summaries()}
    assert summaries["synthetic-national-001"]["period"].isoformat() == "2026-10-01"
    assert summaries["synthetic-national-002"]["period"].isoformat() == "2026-09-01"
    assert sum(summaries["synthetic-national-002"]["counts"].values()) == 6


def test_it_rates_a_month_before_any_reading_without_spc(synthetic):
    table = selectors.status_table(organisation=synthetic, period=dt.date(2020, 1, 1))
    assert {row.status for row in table.rows} == {"missing"}
    assert {(row.variation, row.latest_reading, row.spc.count) for row in table.rows} == {
        (None, None, 0)
    }
