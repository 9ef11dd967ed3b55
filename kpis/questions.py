"""Questions a scrutiny member could ask, drawn from the data by explicit rules.

Each rule is a plain function of figures the selectors already hold; each
question cites the figures behind it and links to them. No rule fires when
the data does not warrant it. The rules:

- ``off_target``: off target (red or missing) for ``OFF_TARGET_MONTHS`` or
  more months running.
- ``red_this_month``: Red in the month shown, citing the value and target:
  "KPI2 was Red in October 2018: 24.1% against a target of 21% (lower is
  better)". One question per Red KPI: when ``off_target`` or
  ``breach_after_target_change`` asks about it, this rule does not.
- ``worsening_run``: worse than the month before (the rating engine's
  ``direction``, read with polarity) in each of the last ``WORSENING_MONTHS``
  or more months, citing each reading: Sandwell's PI8, 69.9% in Sep 2018,
  69.6%, 58.4% and 44.3% in Dec 2018. ``worsening_finding`` supersedes it.
- ``worsening_finding``: worse than the month before, and an Ofsted finding
  is linked to the KPI: cites the finding (short; one calling for
  improvement before a strength, then the newest) and the movement (the
  whole run when it is longer than a month).
- ``spc_concern``: the latest reading is special-cause concerning (SPC).
- ``worse_than_neighbours``: the latest value is worse than the statistical
  neighbours' average, read with polarity.
- ``breach_after_target_change``: red in a month whose target differs from
  the one in force a year earlier.
- ``overdue_red_actions``: Red actions past their timescale on a finding
  linked to the KPI.
- ``return_late``: the month's return is overdue, or was submitted late.
"""

from dataclasses import dataclass
from decimal import Decimal

from inspections.models import FindingKind
from kpis import rating, spc
from kpis.formatting import and_list, band, plain, with_unit
from kpis.models import Polarity

OFF_TARGET_MONTHS = 3
WORSENING_MONTHS = 3
# Long enough for a finding's first sentence; longer ones are cut at a word.
FINDING_CHARACTERS = 120


@dataclass(frozen=True)
class Question:
    rule: str
    code: str  # the KPI's code, or "" for the organisation
    text: str
    evidence: str


@dataclass(frozen=True)
class Comparison:
    label: str
    benchmark: Decimal
    verdict: str  # better / worse / same
    gap: Decimal

    def sentence(self, unit: str) -> str:
        """``worse than Statistical neighbours by 11.3 per 10,000``."""
        if self.verdict == "same":
            return f"the same as {self.label}"
        amount = f"{plain(self.gap)} points" if unit == "percent" else with_unit(self.gap, unit)
        return f"{self.verdict} than {self.label} by {amount}"


def compare(value: Decimal, benchmark: Decimal, polarity: str, label: str) -> Comparison | None:
    """A value against a benchmark, read with polarity (None for ``within``)."""
    if value is None or benchmark is None or polarity == rating.WITHIN:
        return None
    gap = abs(value - benchmark)
    if value == benchmark:
        verdict = "same"
    elif (value > benchmark) == (polarity == rating.HIGHER):
        verdict = "better"
    else:
        verdict = "worse"
    return Comparison(label=label, benchmark=benchmark, verdict=verdict, gap=gap)


def polarity_rule(polarity: str, target, unit: str) -> str:
    """How a KPI's movement is read, in words: ``higher is better``; for a
    ``within`` KPI, ``nearer the target of 50% is better`` (as
    ``rating._direction`` reads it)."""
    if polarity == rating.WITHIN:
        return f"nearer the target of {with_unit(target, unit)} is better"
    return Polarity(polarity).label.lower()


def _month_list(readings, unit: str) -> str:
    """``69.9% in Sep 2018, 69.6% in Oct 2018 and 44.3% in Dec 2018``."""
    parts = [f"{with_unit(value, unit)} in {period:%b %Y}" for period, value in readings]
    return and_list(parts)


def movement(row) -> str:
    """How the KPI worsened, citing its readings: ``worsened from 75.4% in
    Nov 2018 to 66.6% in Dec 2018``, or over a longer run ``has worsened in
    each of the last 3 months: 69.9% in Sep 2018, …``."""
    months = row.months_worsening
    if months == 1:
        (before, was), (now, value) = row.worsening
        return (
            f"worsened from {with_unit(was, row.kpi.unit)} in {before:%b %Y} to "
            f"{with_unit(value, row.kpi.unit)} in {now:%b %Y}"
        )
    return (
        f"has worsened in each of the last {months} months: "
        f"{_month_list(row.worsening, row.kpi.unit)}"
    )


def short(text: str, limit: int = FINDING_CHARACTERS) -> str:
    """A finding's words, cut at a word boundary with an ellipsis if long."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


_FOUND = {
    FindingKind.STRENGTH: "found a strength",
    FindingKind.AREA_FOR_IMPROVEMENT: "called for improvement",
    FindingKind.RECOMMENDATION: "made a recommendation",
    FindingKind.REQUIREMENT: "set a statutory requirement",
}
_ASK = {FindingKind.STRENGTH: "Is that strength holding?"}
_ASK_DEFAULT = "Is the improvement work on it making a difference?"


def _cited_finding(findings):
    """The finding a question cites: one calling for improvement before a
    strength, then the newest inspection (an undated quote last)."""
    return min(
        findings,
        key=lambda f: (
            f.kind == FindingKind.STRENGTH,
            f.inspection is None,
            -(f.inspection.start_date.toordinal() if f.inspection else 0),
        ),
    )


def _where_ofsted(finding) -> str:
    found = _FOUND.get(finding.kind, "reported")
    if finding.inspection is None:
        return f"Ofsted {found} (quoted in the action plan)"
    inspection = finding.inspection
    return f"Ofsted's {inspection.title} ({inspection.start_date:%B %Y}) {found}"


def questions(
    *,
    rows,
    targets_year_before: dict,
    overdue_red_actions: dict,
    return_month=None,
    findings: dict | None = None,
) -> list[Question]:
    """Every question the data warrants, worst first within each rule.

    Each row carries its ``comparison`` with the statistical neighbours and
    its worsening run; ``targets_year_before`` maps a KPI id to the target
    value in force twelve months before the month shown;
    ``overdue_red_actions`` maps a KPI id to a list of (action number,
    finding text) pairs; ``findings`` maps a KPI id to the Ofsted findings
    linked to it (needed only for KPIs that worsened this month).
    """
    findings = findings or {}
    found = []
    for row in rows:
        kpi, unit = row.kpi, row.kpi.unit
        before = targets_year_before.get(kpi.pk)
        breach_after_change = (
            row.status == rating.RED and before is not None and before != row.target
        )
        if row.months_off_target >= OFF_TARGET_MONTHS:
            # "Missing this month with no reading", not "at no reading".
            reading = "with no reading" if row.value is None else f"at {with_unit(row.value, unit)}"
            found.append(Question(
                "off_target", kpi.code,
                f"{kpi.code} has been off target for {row.months_off_target} months running. "
                "What is the recovery plan, and when will it be back within tolerance?",
                f"{rating.STATUS_LABELS[row.status]} this month {reading} against a target of "
                f"{with_unit(row.target, unit)} (tolerance {band(row.lower, row.upper, unit)}).",
            ))  # fmt: skip
        elif row.status == rating.RED and not breach_after_change:
            found.append(_red_this_month(row))
        linked = findings.get(kpi.pk) if row.months_worsening else None
        if linked:
            found.append(_worsening_finding(row, _cited_finding(linked), len(linked)))
        elif row.months_worsening >= WORSENING_MONTHS:
            found.append(Question(
                "worsening_run", kpi.code,
                f"{kpi.code} {movement(row)} "
                f"({polarity_rule(kpi.polarity, row.target, unit)}). "
                "What lies behind this, and what is being done?",
                _standing(row),
            ))  # fmt: skip
        if row.variation == spc.CONCERNING:
            found.append(Question(
                "spc_concern", kpi.code,
                f"{kpi.code} shows special-cause concerning variation: the change is unlikely "
                "to be noise. What has changed, and what is being done?",
                f"Latest reading {with_unit(row.value, unit)}; see the SPC chart.",
            ))  # fmt: skip
        comparison = row.comparison
        if comparison and comparison.verdict == "worse":
            found.append(Question(
                "worse_than_neighbours", kpi.code,
                f"{kpi.code} is {comparison.sentence(unit)}. Why does the trust do worse "
                "than similar councils here?",
                f"{with_unit(row.value, unit)} against {with_unit(comparison.benchmark, unit)}.",
            ))  # fmt: skip
        if breach_after_change:
            found.append(Question(
                "breach_after_target_change", kpi.code,
                f"{kpi.code} is outside tolerance since its target changed from "
                f"{with_unit(before, unit)} to {with_unit(row.target, unit)}. "
                "Was the new target realistic, and what support does the service need?",
                f"{with_unit(row.value, unit)} against tolerance "
                f"{band(row.lower, row.upper, unit)}.",
            ))  # fmt: skip
        actions = overdue_red_actions.get(kpi.pk, [])
        if actions:
            many = len(actions) != 1
            on = (
                "Ofsted findings" if len({text for _, text in actions}) > 1 else "an Ofsted finding"
            )
            found.append(Question(
                "overdue_red_actions", kpi.code,
                f"{len(actions)} Red action{'s' if many else ''} on {on} about "
                f"{kpi.code}'s area {'are' if many else 'is'} overdue. "
                f"What is stopping {'them' if many else 'it'}?",
                _actions_cited(actions),
            ))  # fmt: skip
    if return_month is not None and (return_month.overdue or return_month.late):
        state = "is overdue" if return_month.overdue else "was submitted late"
        found.append(Question(
            "return_late", "",
            f"The return for {return_month.period:%B %Y} {state}. Why, and is the "
            "trust's performance reporting resourced?",
            f"Due {return_month.due:%d %B %Y}.",
        ))  # fmt: skip
    return found


def _actions_cited(actions) -> str:
    """``Actions 1.1, 1.2: “<their finding>” Action 2.1: “<its finding>”``:
    each finding once, quoted after the numbers of its actions, so no action
    is shown beside another finding's words."""
    by_finding = {}
    for number, text in actions:
        by_finding.setdefault(text, []).append(number)
    return " ".join(
        f"Action{'s' if len(numbers) != 1 else ''} {', '.join(numbers)}: “{short(text)}”"
        for text, numbers in by_finding.items()
    )


def _red_this_month(row) -> Question:
    kpi, unit = row.kpi, row.kpi.unit
    value = with_unit(row.value, unit)
    if kpi.polarity == rating.WITHIN:
        figures = (
            f"{value}, outside its band of {band(row.lower, row.upper, unit)} "
            f"(target {with_unit(row.target, unit)})"
        )
    else:
        figures = (
            f"{value} against a target of {with_unit(row.target, unit)} "
            f"({polarity_rule(kpi.polarity, row.target, unit)})"
        )
    return Question(
        "red_this_month", kpi.code,
        f"{kpi.code} was Red in {row.period:%B %Y}: {figures}. What is being done?",
        f"Tolerance {band(row.lower, row.upper, unit)}; off target "
        f"{row.months_off_target} month{'s' if row.months_off_target != 1 else ''} running.",
    )  # fmt: skip


def _worsening_finding(row, finding, linked: int) -> Question:
    kpi = row.kpi
    return Question(
        "worsening_finding", kpi.code,
        f"{kpi.code} {movement(row)} ({polarity_rule(kpi.polarity, row.target, kpi.unit)}), "
        f"in an area where {_where_ofsted(finding)}: “{short(finding.text)}” "
        f"{_ASK.get(finding.kind, _ASK_DEFAULT)}",
        f"{linked} Ofsted finding{'s' if linked != 1 else ''} linked to {kpi.code}. "
        + _standing(row),
    )  # fmt: skip


def _standing(row) -> str:
    """The month's rating in words, for a question's evidence."""
    unit = row.kpi.unit
    if row.target is None:
        return f"No target in force for {row.period:%b %Y}."
    return (
        f"{rating.STATUS_LABELS[row.status]} in {row.period:%b %Y} against a target of "
        f"{with_unit(row.target, unit)} (tolerance {band(row.lower, row.upper, unit)})."
    )
