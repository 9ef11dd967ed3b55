"""Each question rule fires when the data warrants it, and only then."""

import datetime as dt
from decimal import Decimal as D
from types import SimpleNamespace

import pandas as pd
import pytest

from kpis import questions, rating, spc

OCT = dt.date(2018, 10, 1)


def _row(**changes):
    row = dict(
        kpi=SimpleNamespace(pk=2, code="KPI2", unit="percent", polarity="lower"),
        period=OCT, value=D("22"), target=D("21"), lower=D("17"), upper=D("24"),
        status="amber", months_off_target=0, variation=spc.COMMON_CAUSE, comparison=None,
        months_worsening=0, worsening=(),
    )  # fmt: skip
    row.update(changes)
    return SimpleNamespace(**row)


def _ask(rows, targets_year_before=None, overdue=None, return_month=None, findings=None):
    return questions.questions(
        rows=rows, targets_year_before=targets_year_before or {},
        overdue_red_actions=overdue or {}, return_month=return_month, findings=findings,
    )  # fmt: skip


def _rated_row(polarity, values, *, start="2018-09", target=None):
    """The latest month of a KPI rated by the rating engine, as a status row:
    its direction and worsening run are the engine's, not the test's. No
    target unless given, as Sandwell's seeds (a ``within`` KPI needs one)."""
    months = list(pd.date_range(start, periods=len(values), freq="MS").date)
    readings = [D(v) for v in values]
    if polarity == "within":
        target = target or ("85", "75", "95")
    value, lower, upper = (D(t) for t in target) if target else (None, None, None)
    targets = [(dt.date(2018, 4, 1), value, lower, upper)] if target else []
    frame = rating.rate_series(
        rating.build_series(
            kpis=pd.DataFrame({"kpi": [1], "polarity": [polarity]}),
            readings=pd.DataFrame({"kpi": 1, "period": months, "value": readings}),
            targets=pd.DataFrame.from_records(
                [(1, *t) for t in targets],
                columns=["kpi", "valid_from", "target", "lower", "upper"],
            ),
        ),
        today=dt.date(2020, 1, 1),
    )
    last = frame.iloc[-1]
    run = int(last["months_worsening"])
    return _row(
        kpi=SimpleNamespace(pk=1, code="KPI1", unit="percent", polarity=polarity),
        period=months[-1], value=readings[-1], target=value, lower=lower, upper=upper,
        status=last["status"], months_off_target=int(last["months_off_target"]),
        months_worsening=run,
        worsening=tuple(zip(months, readings, strict=True))[-run - 1:] if run else (),
    )  # fmt: skip


def test_no_question_when_the_data_does_not_warrant_one():
    assert _ask([_row()]) == []


@pytest.mark.parametrize(("months", "asked"), [(2, False), (3, True), (7, True)])
def test_it_asks_after_three_months_off_target(months, asked):
    found = _ask([_row(status="red", value=D("25"), months_off_target=months)])
    # Below three months the Red month is asked about on its own (next tests).
    assert [q.rule for q in found] == (["off_target"] if asked else ["red_this_month"])
    if asked:
        assert f"off target for {months} months running" in found[0].text
        assert found[0].evidence == (
            "Red this month at 25% against a target of 21% (tolerance 17–24%)."
        )


@pytest.mark.parametrize("months", [1, 2])
def test_it_asks_about_a_kpi_red_this_month_citing_its_figures(months):
    # The seeds' KPI2 boundary: 24.1% is Red against 21% (band 17–24%).
    [question] = _ask([_row(status="red", value=D("24.1"), months_off_target=months)])
    assert (question.rule, question.code) == ("red_this_month", "KPI2")
    assert question.text == (
        "KPI2 was Red in October 2018: 24.1% against a target of 21% (lower is better). "
        "What is being done?"
    )
    assert question.evidence == (
        f"Tolerance 17–24%; off target {months} month{'s' if months > 1 else ''} running."
    )


def test_red_this_month_reads_a_higher_is_better_kpi():
    kpi = SimpleNamespace(pk=1, code="KPI1", unit="percent", polarity="higher")
    [question] = _ask([_row(kpi=kpi, status="red", value=D("74"), target=D("85"),
                            lower=D("75"), upper=D("95"), months_off_target=1)])  # fmt: skip
    assert question.text.startswith(
        "KPI1 was Red in October 2018: 74% against a target of 85% (higher is better)."
    )


def test_red_this_month_says_a_within_kpi_is_outside_its_band():
    kpi = SimpleNamespace(pk=1, code="W1", unit="days", polarity="within")
    [question] = _ask([_row(kpi=kpi, status="red", value=D("30"), target=D("20"),
                            lower=D("15"), upper=D("25"), months_off_target=1)])  # fmt: skip
    assert question.text == (
        "W1 was Red in October 2018: 30 days, outside its band of 15–25 days "
        "(target 20 days). What is being done?"
    )


@pytest.mark.parametrize("status", ["amber", "green", "missing", "no_target"])
def test_it_does_not_ask_about_a_month_that_is_not_red(status):
    assert _ask([_row(status=status, months_off_target=1 if status == "missing" else 0)]) == []


def test_one_question_for_a_red_kpi_the_three_month_rule_supersedes():
    found = _ask([_row(status="red", value=D("25"), months_off_target=3)])
    assert [q.rule for q in found] == ["off_target"]


def test_one_question_for_a_red_kpi_the_target_change_rule_supersedes():
    red = _row(status="red", value=D("25"), target=D("20"), months_off_target=1)
    assert [q.rule for q in _ask([red], targets_year_before={2: D("21")})] == [
        "breach_after_target_change"
    ]


# --- Worsening in each of the last three months (the rating engine's direction) ---


def test_it_asks_about_sandwell_pi8s_three_months_worsening():
    # fixtures/sandwell.json, PI8 Sep–Dec 2018; the trust's report highlights it.
    row = _rated_row("higher", ["69.9", "69.6", "58.4", "44.3"])
    [question] = _ask([row])
    assert (question.rule, question.code) == ("worsening_run", "KPI1")
    assert question.text == (
        "KPI1 has worsened in each of the last 3 months: 69.9% in Sep 2018, 69.6% in Oct 2018, "
        "58.4% in Nov 2018 and 44.3% in Dec 2018 (higher is better). What lies behind this, "
        "and what is being done?"
    )


@pytest.mark.parametrize(
    ("polarity", "values", "asked"),
    [
        pytest.param("higher", ["80", "79", "78", "77"], True, id="higher-three-falls"),
        pytest.param("higher", ["79", "78", "77"], False, id="higher-two-falls"),
        pytest.param("higher", ["80", "80", "79", "78"], False, id="higher-stable-first"),
        pytest.param("higher", ["81", "80", "80", "79", "78"], False, id="higher-stable-breaks"),
        pytest.param("higher", ["80", "81", "79", "78"], False, id="higher-rise-breaks"),
        pytest.param("higher", ["80", "79", "78", "77", "76"], True, id="higher-four-falls"),
        pytest.param("lower", ["20", "21", "22", "23"], True, id="lower-three-rises"),
        pytest.param("lower", ["23", "22", "21", "20"], False, id="lower-three-falls-improve"),
        pytest.param("lower", ["21", "22", "23"], False, id="lower-two-rises"),
        # Target 85: each reading further from it, on either side.
        pytest.param("within", ["86", "88", "80", "91"], True, id="within-further-each-month"),
        pytest.param("within", ["86", "88", "82", "91"], False, id="within-nearer-breaks"),
        pytest.param("within", ["86", "88", "82", "88"], False, id="within-same-distance"),
    ],
)
def test_it_asks_after_three_months_worsening_read_with_polarity(polarity, values, asked):
    found = _ask([_rated_row(polarity, values)])
    assert [q.rule for q in found if q.rule == "worsening_run"] == (
        ["worsening_run"] if asked else []
    )


def test_a_longer_run_cites_every_month_of_it():
    [question] = _ask([_rated_row("higher", ["80", "79", "78", "77", "76"], start="2018-08")])
    assert question.text.startswith(
        "KPI1 has worsened in each of the last 4 months: 80% in Aug 2018, 79% in Sep 2018, "
        "78% in Oct 2018, 77% in Nov 2018 and 76% in Dec 2018 (higher is better)."
    )


def test_a_within_kpis_run_says_how_it_is_read():
    [question] = _ask([_rated_row("within", ["86", "88", "80", "91"])])
    assert "(nearer the target of 85% is better)" in question.text
    assert question.evidence == "Green in Dec 2018 against a target of 85% (tolerance 75–95%)."


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
    red = _row(status="red", value=D("25"), target=D("20"), months_off_target=1)
    [question] = _ask([red], targets_year_before={2: D("21")})
    assert question.rule == "breach_after_target_change"
    assert question.text == (
        "KPI2 is outside tolerance since its target changed from 21% to 20%. "
        "Was the new target realistic, and what support does the service need?"
    )
    assert question.evidence == "25% against tolerance 17–24%."
    # The same target: only the Red month itself is asked about.
    assert [q.rule for q in _ask([red], targets_year_before={2: D("20")})] == ["red_this_month"]
    assert _ask([_row(target=D("20"))], targets_year_before={2: D("21")}) == []  # not red


def test_it_asks_about_overdue_red_actions_on_linked_findings():
    [question] = _ask([_row()], overdue={2: [("3", "Consistency of written plans.")]})
    assert question.rule == "overdue_red_actions"
    assert question.text.startswith(
        "1 Red action on an Ofsted finding about KPI2's area is overdue"
    )
    assert "Consistency of written plans." in question.evidence


@pytest.mark.parametrize(("overdue", "late", "asked"), [(True, False, True), (False, True, True),
                                                        (False, False, False)])  # fmt: skip
def test_it_asks_about_a_late_or_missing_return(overdue, late, asked):
    month = SimpleNamespace(period=dt.date(2018, 11, 1), due=dt.date(2018, 12, 17),
                            overdue=overdue, late=late)  # fmt: skip
    found = _ask([_row()], return_month=month)
    assert [q.rule for q in found] == (["return_late"] if asked else [])


# --- An Ofsted finding linked to a KPI that is worsening -----------------------------


def _finding(text, kind="area_for_improvement", title="Third monitoring visit",
             start=dt.date(2019, 1, 29)):  # fmt: skip
    inspection = SimpleNamespace(title=title, start_date=start) if title else None
    return SimpleNamespace(text=text, kind=kind, inspection=inspection)


def test_it_asks_about_a_finding_linked_to_a_kpi_that_worsened():
    # Sandwell PI15, Oct–Nov 2018, and the Third monitoring visit's finding.
    row = _rated_row("higher", ["59.3", "42.9"], start="2018-10")
    finding = _finding(
        "However, not all audits were sufficiently robust either in their findings or in "
        "relation to the robustness of the actions identified to address them."
    )
    [question] = _ask([row], findings={1: [finding]})
    assert (question.rule, question.code) == ("worsening_finding", "KPI1")
    assert question.text == (
        "KPI1 worsened from 59.3% in Oct 2018 to 42.9% in Nov 2018 (higher is better), in an "
        "area where Ofsted's Third monitoring visit (January 2019) called for improvement: "
        "“However, not all audits were sufficiently robust either in their findings or in "
        "relation to the robustness of the…” Is the improvement work on it making a difference?"
    )
    assert question.evidence == "1 Ofsted finding linked to KPI1. No target in force for Nov 2018."


@pytest.mark.parametrize(
    ("values", "linked", "asked"),
    [
        pytest.param(["80", "79"], True, True, id="worse-with-finding"),
        pytest.param(["80", "81"], True, False, id="better-with-finding"),
        pytest.param(["80", "80"], True, False, id="stable-with-finding"),
        pytest.param(["80"], True, False, id="first-month-has-no-direction"),
        pytest.param(["80", "79"], False, False, id="worse-without-finding"),
    ],
)
def test_it_asks_about_a_linked_finding_only_when_the_kpi_worsened(values, linked, asked):
    findings = {1: [_finding("Quality and impact of supervision")]} if linked else {}
    found = _ask([_rated_row("higher", values)], findings=findings)
    assert [q.rule for q in found if q.rule == "worsening_finding"] == (
        ["worsening_finding"] if asked else []
    )


def test_a_findings_question_reads_the_kpis_polarity():
    row = _rated_row("lower", ["20", "21"])
    [question] = _ask([row], findings={1: [_finding("Consistency of written plans.")]})
    assert question.text.startswith("KPI1 worsened from 20% in Sep 2018 to 21% in Oct 2018 "
                                    "(lower is better)")  # fmt: skip


def test_it_cites_a_finding_calling_for_improvement_before_a_strength_then_the_newest():
    row = _rated_row("higher", ["80", "79"])
    strength = _finding("Responses are timely.", kind="strength", start=dt.date(2021, 1, 1))
    older = _finding("Older concern.", title="Fifth monitoring visit", start=dt.date(2018, 5, 15))
    newer = _finding("Newer concern.", title="Sixth monitoring visit", start=dt.date(2018, 8, 14))
    [question] = _ask([row], findings={1: [strength, older, newer]})
    assert "Ofsted's Sixth monitoring visit (August 2018) called for improvement: " in (
        question.text
    )
    assert "“Newer concern.”" in question.text
    assert question.evidence.startswith("3 Ofsted findings linked to KPI1.")
    [only_strength] = _ask([row], findings={1: [strength]})
    assert "found a strength: “Responses are timely.” Is that strength holding?" in (
        only_strength.text
    )


def test_a_finding_an_action_plan_quotes_is_said_to_be_quoted_there():
    [question] = _ask([_rated_row("higher", ["80", "79"])],
                      findings={1: [_finding("Quality and impact of supervision", title=None)]})  # fmt: skip
    assert (
        "in an area where Ofsted called for improvement (quoted in the action plan): "
        "“Quality and impact of supervision”"
    ) in question.text


def test_the_findings_question_supersedes_the_run_and_cites_the_whole_run():
    row = _rated_row("higher", ["69.9", "69.6", "58.4", "44.3"])
    found = _ask([row], findings={1: [_finding("Supervision is not regular.")]})
    assert [q.rule for q in found] == ["worsening_finding"]
    assert found[0].text.startswith(
        "KPI1 has worsened in each of the last 3 months: 69.9% in Sep 2018, 69.6% in Oct 2018, "
        "58.4% in Nov 2018 and 44.3% in Dec 2018 (higher is better), in an area where"
    )


# --- Each question's whole sentence and evidence, as the pages print them ------------


def test_the_off_target_question_whole_and_a_month_with_no_reading():
    [question] = _ask([_row(status="red", value=D("25"), months_off_target=3)])
    assert (question.rule, question.code) == ("off_target", "KPI2")
    assert question.text == (
        "KPI2 has been off target for 3 months running. "
        "What is the recovery plan, and when will it be back within tolerance?"
    )
    [missing] = _ask([_row(status="missing", value=None, months_off_target=3)])
    assert missing.evidence == (
        "Missing this month with no reading against a target of 21% (tolerance 17–24%)."
    )


def test_the_special_cause_question_whole():
    [question] = _ask([_row(variation=spc.CONCERNING)])
    assert (question.rule, question.code) == ("spc_concern", "KPI2")
    assert question.text == (
        "KPI2 shows special-cause concerning variation: the change is unlikely to be noise. "
        "What has changed, and what is being done?"
    )
    assert question.evidence == "Latest reading 22%; see the SPC chart."


def test_the_neighbours_question_whole_with_its_units():
    kpi = SimpleNamespace(pk=102, code="TEST1", unit="rate_per_10k", polarity="lower")
    worse = questions.compare(D("69.2"), D("57.9"), "lower", "statistical neighbours (2018)")
    [question] = _ask([_row(kpi=kpi, value=D("69.2"), comparison=worse)])
    assert (question.rule, question.code) == ("worse_than_neighbours", "TEST1")
    assert question.text == (
        "TEST1 is worse than statistical neighbours (2018) by 11.3 per 10,000. "
        "Why does the trust do worse than similar councils here?"
    )
    assert question.evidence == "69.2 per 10,000 against 57.9 per 10,000."


def test_a_value_equal_to_its_benchmark_is_the_same_and_not_asked_about():
    same = questions.compare(D("57.9"), D("57.9"), "lower", "England")
    assert (same.verdict, same.sentence("percent"), same.gap) == ("same", "the same as England", 0)
    assert _ask([_row(comparison=same)]) == []
    # No reading, or no benchmark: nothing to compare.
    assert questions.compare(None, D("5"), "lower", "England") is None
    assert questions.compare(D("5"), None, "lower", "England") is None


def test_the_target_change_question_is_keyed_to_its_kpi():
    red = _row(status="red", value=D("25"), target=D("20"), months_off_target=1)
    [question] = _ask([red], targets_year_before={2: D("21")})
    assert (question.rule, question.code) == ("breach_after_target_change", "KPI2")


def test_one_overdue_red_action_whole():
    [question] = _ask([_row()], overdue={2: [("1.2", "TEST finding: plans are not updated.")]})
    assert (question.rule, question.code) == ("overdue_red_actions", "KPI2")
    assert question.text == (
        "1 Red action on an Ofsted finding about KPI2's area is overdue. What is stopping it?"
    )
    assert question.evidence == "Action 1.2: “TEST finding: plans are not updated.”"


def test_two_overdue_red_actions_whole_with_a_long_finding_cut_at_a_word():
    text = "TEST finding " + "word " * 30  # 163 characters
    [question] = _ask([_row()], overdue={2: [("1.1", text), ("1.2", text)]})
    assert question.text == (
        # Both on the one finding.
        "2 Red actions on an Ofsted finding about KPI2's area are overdue. What is stopping them?"
    )
    assert question.evidence == "Actions 1.1, 1.2: “TEST finding" + " word" * 21 + "…”"


def test_overdue_actions_on_two_findings_cite_each_finding_after_its_own_actions():
    overdue = {2: [("1.1", "TEST plans are late."), ("2.1", "TEST supervision is irregular"),
                   ("1.2", "TEST plans are late.")]}  # fmt: skip
    [question] = _ask([_row()], overdue=overdue)
    assert question.text.startswith("3 Red actions on Ofsted findings about KPI2's area are")
    assert question.evidence == (
        "Actions 1.1, 1.2: “TEST plans are late.” Action 2.1: “TEST supervision is irregular”"
    )


@pytest.mark.parametrize(
    ("overdue", "state"), [(True, "is overdue"), (False, "was submitted late")]
)
def test_the_late_return_question_whole(overdue, state):
    month = SimpleNamespace(period=dt.date(2018, 11, 1), due=dt.date(2018, 12, 15),
                            overdue=overdue, late=not overdue)  # fmt: skip
    [question] = _ask([_row()], return_month=month)
    # No KPI code: the page links it to the returns, not to a KPI.
    assert (question.rule, question.code) == ("return_late", "")
    assert question.text == (
        f"The return for November 2018 {state}. "
        "Why, and is the trust's performance reporting resourced?"
    )
    assert question.evidence == "Due 15 December 2018."


@pytest.mark.parametrize(
    ("text", "limit", "cut"),
    [
        pytest.param("TEST " * 23 + "TEST.", 120, "TEST " * 23 + "TEST.", id="exactly-the-limit"),
        pytest.param("TEST  finding\n text", 120, "TEST finding text", id="spaces-closed-up"),
        pytest.param("abc def ghi", 8, "abc def…", id="cut-just-after-a-word"),
        pytest.param("abc defg hij", 6, "abc…", id="cut-inside-a-word"),
        pytest.param("abc TESTBOX, ghi", 13, "abc TESTBOX…", id="trailing-comma-dropped"),
        pytest.param("abc def; ghi", 9, "abc def…", id="trailing-semicolon-dropped"),
        pytest.param(",abc def: ghi", 10, ",abc def…", id="only-trailing-marks-dropped"),
    ],
)
def test_a_long_finding_is_cut_at_a_word(text, limit, cut):
    assert questions.short(text, limit) == cut


def test_a_dated_finding_is_cited_before_one_an_action_plan_quotes():
    row = _rated_row("higher", ["80", "79"])
    undated = _finding("TEST undated concern.", title=None)
    dated = _finding("TEST dated concern.", title="TEST visit", start=dt.date(2018, 5, 15))
    [question] = _ask([row], findings={1: [undated, dated]})
    assert "where Ofsted's TEST visit (May 2018) called for improvement: “TEST dated concern.”" in (
        question.text
    )


def test_a_finding_of_a_kind_without_its_own_wording_is_reported():
    row = _rated_row("higher", ["80", "79"])
    [question] = _ask([row], findings={1: [_finding("TEST concern.", kind="TESTKIND")]})
    assert "where Ofsted's Third monitoring visit (January 2019) reported: “TEST concern.” " in (
        question.text
    )


def test_a_within_kpis_finding_question_says_its_target_and_unit():
    kpi = SimpleNamespace(pk=1, code="KPI1", unit="days", polarity="within")
    row = _row(kpi=kpi, target=D("20"), lower=D("15"), upper=D("25"), value=D("27"),
               months_worsening=1, worsening=((OCT, D("24")), (dt.date(2018, 11, 1), D("27"))))  # fmt: skip
    [question] = _ask([row], findings={1: [_finding("TEST concern.")]})
    assert question.text.startswith(
        "KPI1 worsened from 24 days in Oct 2018 to 27 days in Nov 2018 "
        "(nearer the target of 20 days is better), in an area where"
    )
