"""Each question rule fires when the data warrants it, and only then."""

import datetime as dt
from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from kpis import questions, spc


def _row(**changes):
    row = dict(
        kpi=SimpleNamespace(pk=2, code="KPI2", unit="percent", polarity="lower"),
        value=D("22"), target=D("21"), lower=D("17"), upper=D("24"),
        status="amber", months_off_target=0, variation=spc.COMMON_CAUSE, comparison=None,
    )  # fmt: skip
    row.update(changes)
    return SimpleNamespace(**row)


def _ask(rows, targets_year_before=None, overdue=None, return_month=None):
    return questions.questions(
        rows=rows, targets_year_before=targets_year_before or {},
        overdue_red_actions=overdue or {}, return_month=return_month,
    )  # fmt: skip


def test_no_question_when_the_data_does_not_warrant_one():
    assert _ask([_row()]) == []


@pytest.mark.parametrize(("months", "asked"), [(2, False), (3, True), (7, True)])
def test_it_asks_after_three_months_off_target(months, asked):
    found = _ask([_row(status="red", value=D("25"), months_off_target=months)])
    assert [q.rule for q in found] == (["off_target"] if asked else [])
    if asked:
        assert f"off target for {months} months running" in found[0].text
        assert "25%" in found[0].evidence and "17–24" in found[0].evidence


def test_it_asks_about_special_cause_concerning_variation():
    [question] = _ask([_row(variation=spc.CONCERNING)])
    assert question.rule == "spc_concern" and question.code == "KPI2"
    assert _ask([_row(variation=spc.IMPROVING)]) == []


def test_it_asks_when_worse_than_statistical_neighbours_read_with_polarity():
    worse = questions.compare(D("69.2"), D("57.9"), "lower", "statistical neighbours (2018)")
    [question] = _ask([_row(comparison=worse, kpi=SimpleNamespace(
        pk=102, code="PI2", unit="rate_per_10k", polarity="lower"))])  # fmt: skip
    assert question.rule == "worse_than_neighbours"
    assert "worse than statistical neighbours (2018) by 11.3 per 10,000" in question.text
    better = questions.compare(D("50"), D("57.9"), "lower", "statistical neighbours (2018)")
    assert _ask([_row(comparison=better)]) == []


def test_comparisons_read_with_polarity_and_say_points_for_percentages():
    higher = questions.compare(D("82.1"), D("81.5"), "higher", "statistical neighbours")
    assert (higher.verdict, higher.sentence("percent")) == (
        "better",
        "better than statistical neighbours by 0.6 points",
    )
    assert questions.compare(D("5"), D("5"), "lower", "England").verdict == "same"
    assert questions.compare(D("5"), D("6"), "within", "England") is None


def test_it_asks_about_a_breach_after_a_target_change_only():
    red = _row(status="red", value=D("25"), target=D("20"))
    [question] = _ask([red], targets_year_before={2: D("21")})
    assert question.rule == "breach_after_target_change"
    assert "from 21% to 20%" in question.text
    assert _ask([red], targets_year_before={2: D("20")}) == []  # same target: no question
    assert _ask([_row(target=D("20"))], targets_year_before={2: D("21")}) == []  # not red


def test_it_asks_about_overdue_red_actions_on_linked_findings():
    [question] = _ask([_row()], overdue={2: [("3", "Consistency of written plans.")]})
    assert question.rule == "overdue_red_actions"
    assert question.text.startswith("1 Red action on Ofsted findings about KPI2's area is overdue")
    assert "Consistency of written plans." in question.evidence


@pytest.mark.parametrize(("overdue", "late", "asked"), [(True, False, True), (False, True, True),
                                                        (False, False, False)])  # fmt: skip
def test_it_asks_about_a_late_or_missing_return(overdue, late, asked):
    month = SimpleNamespace(period=dt.date(2018, 11, 1), due=dt.date(2018, 12, 17),
                            overdue=overdue, late=late)  # fmt: skip
    found = _ask([_row()], return_month=month)
    assert [q.rule for q in found] == (["return_late"] if asked else [])
