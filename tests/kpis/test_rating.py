"""The RAG rules, the monthly series and the 12-month counts. No database.

Every expected status below is written out by hand from PRODUCT.md's table
(T target, L and U the band, v the reading):

    higher  green v ≥ T       amber L ≤ v < T   red v < L
    lower   green v ≤ T       amber T < v ≤ U   red v > U
    within  green L ≤ v ≤ U   —                 red otherwise
"""

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpis.rating import (
    AMBER,
    AWAITING,
    GREEN,
    HIGHER,
    IMPROVING,
    LOWER,
    MISSING,
    NO_TARGET,
    RED,
    STABLE,
    WITHIN,
    WORSENING,
    as_date,
    build_series,
    last_overdue_month,
    met_or_within_label,
    met_or_within_percent,
    rate,
    rate_series,
)

D = Decimal


def _frame(rows) -> pd.DataFrame:
    """A rating frame from (polarity, target, lower, upper, value) text tuples."""
    return pd.DataFrame(
        [
            {
                "value": None if value is None else D(value),
                "target": None if target is None else D(target),
                "lower": None if lower is None else D(lower),
                "upper": None if upper is None else D(upper),
                "polarity": polarity,
            }
            for polarity, target, lower, upper, value in rows
        ],
        columns=["value", "target", "lower", "upper", "polarity"],
    )


def _rate_one(polarity, target, lower, upper, value):
    return rate(_frame([(polarity, target, lower, upper, value)])).iloc[0]


# --- 1. The boundary table ------------------------------------------------------

# T = 85, band 75–95, entered to one decimal place: each edge and one tenth
# either side of it, for every polarity.
BAND = ("85", "75", "95")
BOUNDARY_TABLE = [
    # higher is better: green v ≥ 85, amber 75 ≤ v < 85, red v < 75
    (HIGHER, "74.9", RED, "just-below-lower-edge"),
    (HIGHER, "75", AMBER, "on-lower-edge"),
    (HIGHER, "75.1", AMBER, "just-above-lower-edge"),
    (HIGHER, "84.9", AMBER, "just-below-target"),
    (HIGHER, "85", GREEN, "on-target"),
    (HIGHER, "85.1", GREEN, "just-above-target"),
    (HIGHER, "94.9", GREEN, "just-below-upper-edge"),
    (HIGHER, "95", GREEN, "on-upper-edge"),
    (HIGHER, "95.1", GREEN, "beyond-upper-edge"),
    # lower is better: green v ≤ 85, amber 85 < v ≤ 95, red v > 95
    (LOWER, "74.9", GREEN, "beyond-lower-edge"),
    (LOWER, "75", GREEN, "on-lower-edge"),
    (LOWER, "75.1", GREEN, "just-above-lower-edge"),
    (LOWER, "84.9", GREEN, "just-below-target"),
    (LOWER, "85", GREEN, "on-target"),
    (LOWER, "85.1", AMBER, "just-above-target"),
    (LOWER, "94.9", AMBER, "just-below-upper-edge"),
    (LOWER, "95", AMBER, "on-upper-edge"),
    (LOWER, "95.1", RED, "just-above-upper-edge"),
    # within band: green 75 ≤ v ≤ 95, red otherwise
    (WITHIN, "74.9", RED, "just-below-lower-edge"),
    (WITHIN, "75", GREEN, "on-lower-edge"),
    (WITHIN, "75.1", GREEN, "just-above-lower-edge"),
    (WITHIN, "84.9", GREEN, "just-below-target"),
    (WITHIN, "85", GREEN, "on-target"),
    (WITHIN, "85.1", GREEN, "just-above-target"),
    (WITHIN, "94.9", GREEN, "just-below-upper-edge"),
    (WITHIN, "95", GREEN, "on-upper-edge"),
    (WITHIN, "95.1", RED, "just-above-upper-edge"),
]


@pytest.mark.parametrize(
    ("polarity", "value", "expected"),
    [pytest.param(p, v, e, id=f"{p}-{v}-{name}") for p, v, e, name in BOUNDARY_TABLE],
)
def test_it_rates_each_band_edge_and_one_unit_either_side(polarity, value, expected):
    assert _rate_one(polarity, *BAND, value) == expected


@pytest.mark.parametrize(
    ("polarity", "target", "lower", "upper", "value", "expected"),
    [
        pytest.param(HIGHER, "85", "75", "95", "85", GREEN, id="KPI1-85-on-target-is-green"),
        pytest.param(LOWER, "21", "17", "24", "24", AMBER, id="KPI2-24-on-upper-edge-is-amber"),
        pytest.param(LOWER, "21", "17", "24", "24.1", RED, id="KPI2-24.1-beyond-edge-is-red"),
        pytest.param(
            LOWER, "240", "220", "260", "168", GREEN, id="KPI10-168-beyond-favourable-edge"
        ),
    ],
)
def test_it_rates_the_seeds_examples(polarity, target, lower, upper, value, expected):
    assert _rate_one(polarity, target, lower, upper, value) == expected


@pytest.mark.parametrize(
    ("polarity", "lower", "upper", "value", "expected"),
    [
        # No tolerance on the adverse side: the band's edge is the target itself.
        pytest.param(HIGHER, "85", "95", "85", GREEN, id="higher-lower-equals-target-on-target"),
        pytest.param(HIGHER, "85", "95", "84.9", RED, id="higher-lower-equals-target-just-below"),
        pytest.param(LOWER, "75", "85", "85", GREEN, id="lower-upper-equals-target-on-target"),
        pytest.param(LOWER, "75", "85", "85.1", RED, id="lower-upper-equals-target-just-above"),
        pytest.param(WITHIN, "85", "85", "85", GREEN, id="within-a-band-of-one-value-on-it"),
        pytest.param(WITHIN, "85", "85", "85.1", RED, id="within-a-band-of-one-value-beside-it"),
        pytest.param(WITHIN, "85", "85", "84.9", RED, id="within-a-band-of-one-value-below-it"),
    ],
)
def test_it_rates_a_band_edge_that_is_the_target_itself(polarity, lower, upper, value, expected):
    assert _rate_one(polarity, "85", lower, upper, value) == expected


def test_it_rates_green_beyond_the_favourable_edge_when_lower_is_better():
    """KPI10, time to match: 168 days "exceeds both target and tolerance"."""
    assert _rate_one(LOWER, "240", "220", "260", "168") == GREEN


def test_it_rates_green_beyond_the_favourable_edge_when_higher_is_better():
    assert _rate_one(HIGHER, "85", "75", "95", "100") == GREEN


def test_it_rates_amber_at_upper_band_edge_when_lower_is_better():
    assert _rate_one(LOWER, "21", "17", "24", "24") == AMBER


def test_it_rates_red_one_tenth_beyond_upper_band_edge_when_lower_is_better():
    assert _rate_one(LOWER, "21", "17", "24", "24.1") == RED


@pytest.mark.parametrize(
    ("polarity", "target", "lower", "upper", "value", "expected"),
    [
        # precision 2
        pytest.param(LOWER, "21", "17", "24", "23.99", AMBER, id="p2-lower-just-inside-upper"),
        pytest.param(LOWER, "21", "17", "24", "24.00", AMBER, id="p2-lower-on-upper"),
        pytest.param(LOWER, "21", "17", "24", "24.01", RED, id="p2-lower-just-beyond-upper"),
        pytest.param(LOWER, "21.00", "17.00", "24.00", "21.01", AMBER, id="p2-lower-above-target"),
        pytest.param(HIGHER, "85", "75", "95", "84.99", AMBER, id="p2-higher-just-below-target"),
        pytest.param(HIGHER, "85", "75", "95", "74.99", RED, id="p2-higher-just-below-lower"),
        pytest.param(WITHIN, "50", "40", "60", "39.99", RED, id="p2-within-just-below-lower"),
        pytest.param(WITHIN, "50", "40", "60", "60.00", GREEN, id="p2-within-on-upper"),
        # precision 4
        pytest.param(LOWER, "21", "17", "24", "24.0001", RED, id="p4-lower-just-beyond-upper"),
        pytest.param(LOWER, "21", "17", "24", "23.9999", AMBER, id="p4-lower-just-inside-upper"),
        pytest.param(LOWER, "21", "17", "24", "21.0001", AMBER, id="p4-lower-just-above-target"),
        pytest.param(LOWER, "21", "17", "24", "20.9999", GREEN, id="p4-lower-just-below-target"),
        pytest.param(HIGHER, "85", "75", "95", "74.9999", RED, id="p4-higher-just-below-lower"),
        pytest.param(HIGHER, "85", "75", "95", "84.9999", AMBER, id="p4-higher-just-below-target"),
        pytest.param(HIGHER, "0.5", "0.25", "1", "0.5000", GREEN, id="p4-higher-on-small-target"),
        pytest.param(WITHIN, "50", "40", "60", "60.0001", RED, id="p4-within-just-above-upper"),
        pytest.param(WITHIN, "50", "40", "60", "39.9999", RED, id="p4-within-just-below-lower"),
        pytest.param(
            HIGHER, "999999.9999", "0", "1000000", "999999.9998", AMBER, id="p4-large-magnitude"
        ),
    ],
)
def test_it_decides_edges_at_finer_precisions_exactly(
    polarity, target, lower, upper, value, expected
):
    assert _rate_one(polarity, target, lower, upper, value) == expected


def test_it_does_not_let_display_rounding_change_a_status():
    """84.99 prints as 85.0 at one decimal place but is still below target."""
    assert _rate_one(HIGHER, "85", "75", "95", "84.99") == AMBER


def test_it_treats_trailing_zeros_as_the_same_number():
    assert _rate_one(LOWER, "21", "17", "24", "24.000") == AMBER


@pytest.mark.parametrize("polarity", [HIGHER, LOWER, WITHIN])
def test_it_rates_no_target_when_no_target_is_in_force(polarity):
    assert _rate_one(polarity, None, None, None, "85") == NO_TARGET


@pytest.mark.parametrize("polarity", [HIGHER, LOWER, WITHIN])
def test_it_gives_no_status_without_a_value(polarity):
    assert _rate_one(polarity, "85", "75", "95", None) is None


def test_it_gives_no_status_without_a_value_or_a_target():
    assert _rate_one(HIGHER, None, None, None, None) is None


def test_it_rates_a_mixed_frame_row_by_row_keeping_its_index():
    frame = _frame(
        [
            (HIGHER, "85", "75", "95", "85"),
            (LOWER, "21", "17", "24", "24.1"),
            (WITHIN, "50", "40", "60", "61"),
            (HIGHER, None, None, None, "3"),
            (LOWER, "21", "17", "24", None),
        ]
    )
    frame.index = [10, 11, 12, 13, 14]

    statuses = rate(frame)

    assert statuses.tolist() == [GREEN, RED, RED, NO_TARGET, None]
    assert statuses.index.tolist() == [10, 11, 12, 13, 14]


# --- 2. Property: rate() agrees with a scalar Decimal reference ------------------


def reference_rate(value, target, lower, upper, polarity):
    """PRODUCT.md's table, one reading at a time, in Decimal comparisons only."""
    if value is None:
        return None
    if target is None:
        return NO_TARGET
    if polarity == HIGHER:
        if value >= target:
            return GREEN
        return AMBER if value >= lower else RED
    if polarity == LOWER:
        if value <= target:
            return GREEN
        return AMBER if value <= upper else RED
    return GREEN if lower <= value <= upper else RED


MAX_MAGNITUDE = 10**6


@st.composite
def rating_rows(draw):
    band_places = draw(st.integers(0, 4))
    value_places = draw(st.integers(0, 4))
    value_unit = D(1).scaleb(-value_places)

    def decimal(places):
        limit = MAX_MAGNITUDE * 10**places
        return D(draw(st.integers(-limit, limit))).scaleb(-places)

    polarity = draw(st.sampled_from([HIGHER, LOWER, WITHIN]))
    has_target = draw(st.integers(0, 9)) > 0
    if has_target:
        lower, target, upper = sorted(decimal(band_places) for _ in range(3))
        # Collapse the band now and then: L = T, T = U, or all three equal.
        collapse = draw(st.sampled_from(["none", "none", "lower", "upper", "all"]))
        if collapse in ("lower", "all"):
            lower = target
        if collapse in ("upper", "all"):
            upper = target
        edges = [edge + step * value_unit for edge in (lower, target, upper) for step in (-1, 0, 1)]
        # Bias toward the edges: half the values sit on T, L or U or one unit off.
        on_edge = draw(st.booleans())
        value = draw(st.sampled_from(edges)) if on_edge else decimal(value_places)
    else:
        target = lower = upper = None
        value = decimal(value_places)
    if draw(st.integers(0, 19)) == 0:
        value = None
    return value, target, lower, upper, polarity


@settings(max_examples=500, deadline=None)
@given(rows=st.lists(rating_rows(), min_size=1, max_size=30))
def test_it_agrees_with_a_decimal_reference_on_random_frames(rows):
    frame = pd.DataFrame(rows, columns=["value", "target", "lower", "upper", "polarity"])

    expected = [reference_rate(*row) for row in rows]

    assert rate(frame).tolist() == expected


# --- 3. Monthly series: targets in force, awaiting/missing, 12-month counts -------

CONTRACT_2018 = (dt.date(2018, 4, 1), "85", "75", "95")
CONTRACT_2019 = (dt.date(2019, 4, 1), "90", "80", "95")


def _month(text: str) -> dt.date:
    year, month = text.split("-")
    return dt.date(int(year), int(month), 1)


def _inputs(readings, *, polarity=HIGHER, targets=(CONTRACT_2018,), kpi="KPI1"):
    kpis = pd.DataFrame({"kpi": [kpi], "polarity": [polarity]})
    reading_frame = pd.DataFrame(
        [
            {"kpi": kpi, "period": _month(period), "value": D(value)}
            for period, value in readings
            if value is not None
        ],
        columns=["kpi", "period", "value"],
    )
    target_frame = pd.DataFrame(
        [
            {
                "kpi": kpi,
                "valid_from": valid_from,
                "target": D(target),
                "lower": D(lower),
                "upper": D(upper),
            }
            for valid_from, target, lower, upper in targets
        ],
        columns=["kpi", "valid_from", "target", "lower", "upper"],
    )
    return {"kpis": kpis, "readings": reading_frame, "targets": target_frame}


def _rated(readings, *, today=dt.date(2020, 1, 1), until=None, **inputs):
    series = build_series(**_inputs(readings, **inputs), until=until)
    return rate_series(series, today=today)


def _monthly(start: str, values) -> list[tuple[str, str | None]]:
    """Consecutive months from ``start`` with the given values."""
    first = _month(start)
    months = pd.date_range(first, periods=len(values), freq="MS").date
    return [(f"{m:%Y-%m}", v) for m, v in zip(months, values, strict=True)]


def _column(frame, name):
    if name == "period":
        return [as_date(period) for period in frame[name]]
    return frame[name].tolist()


def test_it_leaves_last_years_ratings_unchanged_when_a_new_years_target_arrives():
    # 86 is green against 2018/19's 85 and amber against 2019/20's 90.
    readings = _monthly("2018-04", ["86", "74", "80", None, "86", "90"] * 2 + ["86", "86"])
    before = _rated(readings, targets=(CONTRACT_2018,))
    after = _rated(readings, targets=(CONTRACT_2018, CONTRACT_2019))

    last_year = before["period"].map(as_date) < dt.date(2019, 4, 1)
    assert last_year.sum() == 12
    for column in ("target", "lower", "upper", "status", "met_12m", "rated_12m"):
        assert after.loc[last_year, column].tolist() == before.loc[last_year, column].tolist()
    assert _column(after, "status")[12:] == [AMBER, AMBER]
    assert _column(before, "status")[12:] == [GREEN, GREEN]


def test_it_rates_each_month_against_the_target_in_force_that_month():
    readings = _monthly("2019-02", ["86", "86", "86", "86"])

    rated = _rated(readings, targets=(CONTRACT_2019, CONTRACT_2018))

    assert _column(rated, "period") == [
        dt.date(2019, 2, 1),
        dt.date(2019, 3, 1),
        dt.date(2019, 4, 1),
        dt.date(2019, 5, 1),
    ]
    assert _column(rated, "target") == [D("85"), D("85"), D("90"), D("90")]
    assert _column(rated, "lower") == [D("75"), D("75"), D("80"), D("80")]
    assert _column(rated, "status") == [GREEN, GREEN, AMBER, AMBER]


def test_it_rates_no_target_before_the_first_target_comes_into_force():
    readings = _monthly("2018-02", ["90", "90", "90"])

    rated = _rated(readings)

    assert _column(rated, "status") == [NO_TARGET, NO_TARGET, GREEN]


def test_it_rates_no_target_for_a_kpi_with_no_targets_at_all():
    """Sandwell's PIs had no targets agreed in 2018/19."""
    rated = _rated(_monthly("2018-01", ["12.5", "13"]), targets=(), kpi="PI1")

    assert _column(rated, "status") == [NO_TARGET, NO_TARGET]
    assert _column(rated, "rated_12m") == [0, 0]


def test_it_makes_no_rows_for_months_before_the_first_reading():
    rated = _rated([("2018-10", "85")], until=dt.date(2018, 12, 1), today=dt.date(2019, 6, 1))

    assert _column(rated, "period") == [
        dt.date(2018, 10, 1),
        dt.date(2018, 11, 1),
        dt.date(2018, 12, 1),
    ]
    assert _column(rated, "status") == [GREEN, MISSING, MISSING]


def test_a_kpi_with_no_reading_yet_gets_one_row_for_the_month_asked_for():
    """A KPI added this month is on the dashboard, Awaiting, not left off."""
    inputs = _inputs([("2018-09", "85"), ("2018-10", "86")])
    inputs["kpis"] = pd.DataFrame({"kpi": ["KPI1", "KPI9"], "polarity": [HIGHER, LOWER]})

    rated = rate_series(
        build_series(**inputs, until=dt.date(2018, 10, 1)), today=dt.date(2018, 11, 5)
    )

    assert _column(rated, "kpi") == ["KPI1", "KPI1", "KPI9"]
    assert _column(rated, "period")[-1] == dt.date(2018, 10, 1)
    assert _column(rated, "status") == [GREEN, GREEN, AWAITING]


def test_without_a_month_asked_for_a_kpi_with_no_readings_has_no_rows():
    """The series end at each KPI's latest reading; a KPI with none has none."""
    inputs = _inputs([("2018-09", "85"), ("2018-10", "86")])
    inputs["kpis"] = pd.DataFrame({"kpi": ["KPI1", "KPI9"], "polarity": [HIGHER, LOWER]})

    rated = rate_series(build_series(**inputs), today=dt.date(2018, 11, 5))

    assert _column(rated, "kpi") == ["KPI1", "KPI1"]
    assert _column(rated, "status") == [GREEN, GREEN]


def test_it_fills_a_gap_between_readings_with_a_row():
    rated = _rated([("2018-09", "85"), ("2018-11", "85")], today=dt.date(2019, 6, 1))

    assert _column(rated, "period") == [
        dt.date(2018, 9, 1),
        dt.date(2018, 10, 1),
        dt.date(2018, 11, 1),
    ]
    assert _column(rated, "status") == [GREEN, MISSING, GREEN]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        pytest.param(dt.date(2018, 11, 1), AWAITING, id="month-just-ended"),
        pytest.param(dt.date(2018, 11, 17), AWAITING, id="on-the-due-date"),
        pytest.param(dt.date(2018, 11, 18), MISSING, id="day-after-the-due-date"),
        pytest.param(dt.date(2019, 1, 1), MISSING, id="long-overdue"),
    ],
)
def test_it_awaits_a_return_until_17_days_after_month_end_then_marks_it_missing(today, expected):
    rated = _rated([("2018-09", "85")], until=dt.date(2018, 10, 1), today=today)

    assert _column(rated, "status") == [GREEN, expected]


def test_a_reading_entered_before_its_due_date_is_rated_not_awaiting():
    # October's reading is in on 5 November, twelve days before it is due.
    rated = _rated([("2018-09", "85"), ("2018-10", "74")], until=dt.date(2018, 10, 1),
                   today=dt.date(2018, 11, 5))  # fmt: skip
    assert _column(rated, "status") == [GREEN, RED]


def test_the_month_asked_for_keeps_its_own_reading():
    rated = _rated([("2018-09", "85"), ("2018-10", "80")], until=dt.date(2018, 10, 1))
    assert _column(rated, "period") == [dt.date(2018, 9, 1), dt.date(2018, 10, 1)]
    assert _column(rated, "status") == [GREEN, AMBER]


def test_it_flags_each_month_met_and_rated_for_the_compliance_table():
    # Green, Amber, Red, then a month due without a reading (Missing).
    rated = _rated(_monthly("2018-04", ["86", "80", "70", None]), until=dt.date(2018, 7, 1))
    assert _column(rated, "status") == [GREEN, AMBER, RED, MISSING]
    assert _column(rated, "met") == [True, True, False, False]
    assert _column(rated, "rated") == [True, True, True, True]


def test_three_month_direction_uses_only_the_months_there_are():
    # The second month has one month before it: 87 compared with 86 alone.
    rated = _rated(_monthly("2018-04", ["86", "87"]))
    assert _column(rated, "direction_3m")[1] == _column(rated, "direction")[1]
    assert _column(rated, "direction_3m")[1] is not None


def test_a_period_reads_as_the_same_date_from_a_timestamp_or_a_date():
    # Series carry Timestamps; charts and tests also hand in plain dates.
    assert as_date(pd.Timestamp("2018-10-01")) == dt.date(2018, 10, 1)
    assert as_date(dt.date(2018, 10, 1)) == dt.date(2018, 10, 1)


def test_it_names_the_latest_month_whose_return_is_overdue():
    assert last_overdue_month(dt.date(2018, 11, 17)) == dt.date(2018, 9, 1)
    assert last_overdue_month(dt.date(2018, 11, 18)) == dt.date(2018, 10, 1)


def test_it_counts_met_or_within_over_exactly_twelve_months():
    # 13 months, the first red: the 12th month's window includes it, the 13th's does not.
    readings = _monthly("2018-04", ["70"] + ["85"] * 12)

    rated = _rated(readings)

    assert _column(rated, "met_12m")[11:] == [11, 12]
    assert _column(rated, "rated_12m")[11:] == [12, 12]


def test_it_counts_amber_as_met_or_within():
    rated = _rated(_monthly("2018-04", ["85", "80", "70"]))

    assert _column(rated, "status") == [GREEN, AMBER, RED]
    assert _column(rated, "met_12m") == [1, 2, 2]
    assert _column(rated, "rated_12m") == [1, 2, 3]


def test_it_leaves_no_target_months_out_of_both_counts():
    readings = _monthly("2018-02", ["90", "70", "90", "90"])

    rated = _rated(readings)

    assert _column(rated, "status") == [NO_TARGET, NO_TARGET, GREEN, GREEN]
    assert _column(rated, "met_12m") == [0, 0, 1, 2]
    assert _column(rated, "rated_12m") == [0, 0, 1, 2]


def test_it_leaves_awaiting_months_out_of_both_counts():
    rated = _rated([("2018-09", "85")], until=dt.date(2018, 10, 1), today=dt.date(2018, 11, 17))

    assert _column(rated, "status") == [GREEN, AWAITING]
    assert (rated["met_12m"].iloc[-1], rated["rated_12m"].iloc[-1]) == (1, 1)


def test_it_counts_missing_months_in_the_denominator_only():
    rated = _rated([("2018-09", "85"), ("2018-11", "80")], today=dt.date(2019, 6, 1))

    assert _column(rated, "status") == [GREEN, MISSING, AMBER]
    assert (rated["met_12m"].iloc[-1], rated["rated_12m"].iloc[-1]) == (2, 3)


def test_it_gives_birminghams_seed_kpi1_one_month_met_out_of_one():
    """The Birmingham seed has one month, Oct 2018: KPI1 at 85% against 85%."""
    rated = _rated([("2018-10", "85")], today=dt.date(2019, 1, 15))

    row = rated.iloc[-1]
    assert row["status"] == GREEN
    assert (row["met_12m"], row["rated_12m"]) == (1, 1)
    assert met_or_within_label(row["met_12m"], row["rated_12m"]) == "1/1"


def test_it_keeps_each_kpis_counts_and_directions_apart():
    kpis = pd.DataFrame({"kpi": ["KPI1", "KPI2"], "polarity": [HIGHER, LOWER]})
    readings = pd.DataFrame(
        {
            "kpi": ["KPI1", "KPI1", "KPI2", "KPI2"],
            "period": [_month("2018-09"), _month("2018-10")] * 2,
            "value": [D("70"), D("70"), D("20"), D("24.1")],
        }
    )
    targets = pd.DataFrame(
        {
            "kpi": ["KPI1", "KPI2"],
            "valid_from": [dt.date(2018, 4, 1)] * 2,
            "target": [D("85"), D("21")],
            "lower": [D("75"), D("17")],
            "upper": [D("95"), D("24")],
        }
    )

    rated = rate_series(
        build_series(kpis=kpis, readings=readings, targets=targets),
        today=dt.date(2019, 1, 1),
    )

    kpi2 = rated[rated["kpi"] == "KPI2"]
    assert kpi2["status"].tolist() == [GREEN, RED]
    assert kpi2["met_12m"].tolist() == [1, 1]
    assert kpi2["rated_12m"].tolist() == [1, 2]
    assert kpi2["months_off_target"].tolist() == [0, 1]
    assert kpi2["direction"].tolist() == [None, WORSENING]


def test_it_counts_consecutive_months_off_target_resetting_on_green_or_amber():
    readings = [
        ("2018-04", "85"),  # green
        ("2018-05", "70"),  # red
        # 2018-06 missing
        ("2018-07", "60"),  # red
        ("2018-08", "80"),  # amber: resets
        ("2018-09", "70"),  # red
        ("2018-10", "90"),  # green: resets
    ]

    rated = _rated(readings)

    assert _column(rated, "status") == [GREEN, RED, MISSING, RED, AMBER, RED, GREEN]
    assert _column(rated, "months_off_target") == [0, 1, 2, 3, 0, 1, 0]


def test_it_counts_a_missing_latest_month_as_off_target():
    rated = _rated([("2018-09", "70")], until=dt.date(2018, 10, 1), today=dt.date(2019, 1, 1))

    assert _column(rated, "months_off_target") == [1, 2]


@pytest.mark.parametrize(
    ("polarity", "previous", "current", "expected"),
    [
        pytest.param(HIGHER, "80", "82", IMPROVING, id="higher-up-improves"),
        pytest.param(HIGHER, "82", "80", WORSENING, id="higher-down-worsens"),
        pytest.param(HIGHER, "80", "80.0", STABLE, id="higher-equal-is-stable"),
        pytest.param(LOWER, "82", "80", IMPROVING, id="lower-down-improves"),
        pytest.param(LOWER, "80", "82", WORSENING, id="lower-up-worsens"),
        pytest.param(LOWER, "80", "80", STABLE, id="lower-equal-is-stable"),
        pytest.param(WITHIN, "93", "88", IMPROVING, id="within-nearer-target-from-above"),
        pytest.param(WITHIN, "78", "84", IMPROVING, id="within-nearer-target-from-below"),
        pytest.param(WITHIN, "86", "90", WORSENING, id="within-further-from-target"),
        pytest.param(WITHIN, "80", "90", STABLE, id="within-same-distance-other-side"),
        pytest.param(WITHIN, "85", "85", STABLE, id="within-equal-is-stable"),
        pytest.param(HIGHER, "80.0001", "80.0002", IMPROVING, id="higher-smallest-step"),
    ],
)
def test_it_reads_direction_against_last_month_with_polarity(polarity, previous, current, expected):
    rated = _rated(_monthly("2018-09", [previous, current]), polarity=polarity)

    assert _column(rated, "direction") == [None, expected]


def test_it_gives_no_direction_without_a_reading_last_month():
    rated = _rated([("2018-09", "80"), ("2018-11", "85")], today=dt.date(2019, 6, 1))

    assert _column(rated, "direction") == [None, None, None]


def test_it_counts_sandwell_pi8s_three_months_worsening():
    # fixtures/sandwell.json, PI8 Aug–Dec 2018 (higher is better).
    rated = _rated(_monthly("2018-08", ["58.6", "69.9", "69.6", "58.4", "44.3"]))

    assert _column(rated, "months_worsening") == [0, 0, 1, 2, 3]


@pytest.mark.parametrize(
    ("polarity", "values", "expected"),
    [
        pytest.param(LOWER, ["20", "21", "22", "23"], [0, 1, 2, 3], id="lower-rising-worsens"),
        pytest.param(LOWER, ["23", "22", "22", "23"], [0, 0, 0, 1], id="lower-stable-breaks"),
        # Target 85: 86, 88, 80 (5 away), 91 (6 away) each further from it.
        pytest.param(WITHIN, ["86", "88", "80", "91"], [0, 1, 2, 3], id="within-further-away"),
        pytest.param(WITHIN, ["86", "88", "82", "91"], [0, 1, 0, 1], id="within-nearer-breaks"),
    ],
)
def test_it_counts_consecutive_months_worsening_read_with_polarity(polarity, values, expected):
    rated = _rated(_monthly("2018-06", values), polarity=polarity)

    assert _column(rated, "months_worsening") == expected


def test_a_month_without_a_reading_ends_a_worsening_run():
    rated = _rated(
        [("2018-06", "80"), ("2018-07", "70"), ("2018-09", "60"), ("2018-10", "50")],
        today=dt.date(2019, 6, 1),
    )

    assert _column(rated, "months_worsening") == [0, 1, 0, 0, 1]


def test_a_worsening_run_never_crosses_from_one_kpi_into_the_next():
    kpis = pd.DataFrame({"kpi": [1, 2], "polarity": [HIGHER, HIGHER]})
    readings = pd.DataFrame(
        {
            "kpi": [1, 1, 2, 2],
            "period": [_month("2018-09"), _month("2018-10")] * 2,
            "value": [D("80"), D("70"), D("60"), D("50")],
        }
    )
    targets = pd.DataFrame(columns=["kpi", "valid_from", "target", "lower", "upper"])

    rated = rate_series(
        build_series(kpis=kpis, readings=readings, targets=targets), today=dt.date(2019, 1, 1)
    )

    assert _column(rated, "months_worsening") == [0, 1, 0, 1]


@pytest.mark.parametrize(
    ("polarity", "current", "expected"),
    [
        pytest.param(HIGHER, "20", STABLE, id="higher-exact-tie-is-stable"),
        pytest.param(HIGHER, "20.1", IMPROVING, id="higher-above-mean-improves"),
        pytest.param(HIGHER, "19.9", WORSENING, id="higher-below-mean-worsens"),
        pytest.param(LOWER, "20", STABLE, id="lower-exact-tie-is-stable"),
        pytest.param(LOWER, "19.9", IMPROVING, id="lower-below-mean-improves"),
        pytest.param(LOWER, "20.1", WORSENING, id="lower-above-mean-worsens"),
    ],
)
def test_it_reads_three_month_direction_against_the_previous_three_months_mean(
    polarity, current, expected
):
    # Previous 10, 20, 30: mean 20. Last month was 30, so month-on-month differs.
    rated = _rated(
        _monthly("2018-06", ["10", "20", "30", current]),
        polarity=polarity,
        targets=((dt.date(2018, 4, 1), "20", "10", "30"),),
    )

    assert rated["direction_3m"].iloc[-1] == expected


def test_it_finds_an_exact_three_month_tie_that_binary_floats_would_miss():
    # (0.1 + 0.2 + 0.3) / 3 is 0.20000000000000004 in floats.
    rated = _rated(_monthly("2018-06", ["0.1", "0.2", "0.3", "0.2"]))

    assert rated["direction_3m"].iloc[-1] == STABLE


def test_it_reads_three_month_direction_within_band_as_distance_from_target():
    # Target 85: previous mean 85 (distance 0), current 87 (distance 2).
    rated = _rated(_monthly("2018-06", ["80", "85", "90", "87"]), polarity=WITHIN)

    assert rated["direction_3m"].iloc[-1] == WORSENING


def test_it_reads_within_band_nearer_the_target_than_the_three_month_mean_as_improving():
    # Target 85: previous mean 80 (distance 5), current 84 (distance 1).
    rated = _rated(_monthly("2018-06", ["80", "80", "80", "84"]), polarity=WITHIN)

    assert rated["direction_3m"].iloc[-1] == IMPROVING


def test_it_uses_only_the_three_months_before_for_the_three_month_mean():
    # The 100 four months back is outside the window: mean of 10, 20, 30 is 20.
    rated = _rated(_monthly("2018-05", ["100", "10", "20", "30", "20"]))

    assert rated["direction_3m"].iloc[-1] == STABLE


def test_it_leaves_a_month_without_a_reading_out_of_the_three_month_mean():
    # 10, no return, 30: the mean is 20 (two readings), not 13.3 (a blank read as 0).
    rated = _rated(_monthly("2018-06", ["10", None, "30", "20"]))

    assert rated["direction_3m"].iloc[-1] == STABLE


def test_it_gives_no_three_month_direction_for_the_first_month():
    rated = _rated([("2018-10", "85")])

    assert rated["direction_3m"].iloc[0] is None


# --- 4. The annual report's notation ----------------------------------------------


def test_it_writes_met_or_within_as_the_annual_report_does():
    assert met_or_within_label(10, 12) == "10/12"


def test_it_writes_met_or_within_with_a_percentage():
    assert met_or_within_percent(10, 12) == "10/12 — 83%"


def test_it_writes_a_full_year_as_one_hundred_percent():
    assert met_or_within_percent(12, 12) == "12/12 — 100%"
    assert met_or_within_percent(0, 12) == "0/12 — 0%"


def test_it_leaves_met_or_within_blank_when_nothing_was_rated():
    assert met_or_within_label(0, 0) == ""
    assert met_or_within_percent(0, 0) == ""


def test_it_rounds_met_or_within_percentages_half_up_as_committee_papers_do():
    assert met_or_within_percent(5, 8) == "5/8 — 63%"
    assert met_or_within_percent(1, 8) == "1/8 — 13%"
