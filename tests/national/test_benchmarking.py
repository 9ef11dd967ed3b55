"""national/benchmarking.py: LAIT's rank, quartile band and SN mean, without a database."""

import random
from decimal import Decimal

import numpy
import pytest

from national.benchmarking import mean, quartile_band, quartiles, rank


def D(*values):
    return [Decimal(str(v)) for v in values]


def test_it_ranks_one_as_best_by_polarity_and_ties_share_the_best_rank():
    values = D(10, 12, 12, 15, 20)
    assert [rank(v, values, "lower") for v in values] == [1, 2, 2, 4, 5]
    assert [rank(v, values, "higher") for v in values] == [5, 3, 3, 2, 1]


def test_it_gives_no_rank_or_band_without_a_polarity():
    values = D(10, 12, 15)
    assert rank(Decimal("12"), values, "") is None
    assert quartile_band(Decimal("12"), values, "") is None


def test_it_takes_quartiles_as_r_type_7_does():
    # R: quantile(c(1, 2, 4, 7, 11, 16)) → 25% 2.5, 50% 5.5, 75% 10.0
    assert quartiles(D(16, 1, 7, 2, 11, 4)) == (Decimal("2.50"), Decimal("5.5"), Decimal("10.00"))


def test_it_agrees_with_numpy_linear_percentiles_on_published_style_values():
    generator = random.Random(12)
    for _ in range(50):
        values = D(*(round(generator.uniform(0, 40), 1) for _ in range(generator.randint(1, 160))))
        expected = numpy.percentile([float(v) for v in values], [25, 50, 75], method="linear")
        assert [float(q) for q in quartiles(values)] == pytest.approx(list(expected), abs=1e-9)


@pytest.mark.parametrize(
    ("value", "lower", "higher"),
    [
        # values 10, 20, 30, 40, 50: Q1 20, Q2 30, Q3 40
        ("10", "A", "D"),
        ("20", "A", "D"),  # exactly on Q1: still the first quarter
        ("20.1", "B", "C"),
        ("30", "B", "C"),
        ("30.1", "C", "B"),
        ("40", "C", "B"),
        ("40.1", "D", "A"),
        ("50", "D", "A"),
    ],
)
def test_it_bands_a_value_with_boundaries_belonging_to_the_lower_quarter(value, lower, higher):
    values = D(10, 20, 30, 40, 50)
    assert quartile_band(Decimal(value), values, "lower") == lower
    assert quartile_band(Decimal(value), values, "higher") == higher


def test_a_value_on_an_interpolated_quartile_is_not_moved_by_float_noise():
    # Q1 of 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7 is 0.1 + 0.5 × 0.1 … exactly 0.25
    # in decimal; in binary floats 0.1 + 0.5 × (0.2 − 0.1) is 0.15000000000000002.
    values = D(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
    q1, _, _ = quartiles(values)
    assert q1 == Decimal("0.3")
    assert quartile_band(Decimal("0.3"), values, "lower") == "A"
    tricky = D(0.1, 0.2, 0.3, 0.4, 0.5, 0.6)  # h = 1.25: 0.2 + 0.25 × 0.1 = 0.225
    assert quartiles(tricky)[0] == Decimal("0.225")
    assert quartile_band(Decimal("0.225"), tricky, "lower") == "A"
    assert quartile_band(Decimal("0.2250001"), tricky, "lower") == "B"


def test_it_takes_the_simple_mean_to_four_places_and_none_of_nothing():
    assert mean(D(14.2, 9.1, 12)) == Decimal("11.7667")
    assert mean(D(10, 20)) == Decimal("15")
    assert mean([]) is None
