"""Questions a scrutiny member could ask, drawn from the data by explicit rules.

Each rule is a plain function of figures the selectors already hold; each
question cites the figures behind it and links to them. No rule fires when
the data does not warrant it. The rules:

- ``off_target``: off target (red or missing) for ``OFF_TARGET_MONTHS`` or
  more months running.
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

from kpis import rating, spc
from kpis.formatting import plain, with_unit

OFF_TARGET_MONTHS = 3


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


def questions(
    *,
    rows,
    targets_year_before: dict,
    overdue_red_actions: dict,
    return_month=None,
) -> list[Question]:
    """Every question the data warrants, worst first within each rule.

    Each row carries its ``comparison`` with the statistical neighbours;
    ``targets_year_before`` maps a KPI id to the target value in
    force twelve months before the month shown; ``overdue_red_actions`` maps a
    KPI id to a list of (action number, finding text) pairs.
    """
    found = []
    for row in rows:
        kpi, unit = row.kpi, row.kpi.unit
        if row.months_off_target >= OFF_TARGET_MONTHS:
            found.append(Question(
                "off_target", kpi.code,
                f"{kpi.code} has been off target for {row.months_off_target} months running. "
                "What is the recovery plan, and when will it be back within tolerance?",
                f"{rating.STATUS_LABELS[row.status]} this month at "
                f"{with_unit(row.value, unit) or 'no reading'} against a target of "
                f"{with_unit(row.target, unit)} (tolerance {plain(row.lower)}–{plain(row.upper)}).",
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
        before = targets_year_before.get(kpi.pk)
        if row.status == rating.RED and before is not None and before != row.target:
            found.append(Question(
                "breach_after_target_change", kpi.code,
                f"{kpi.code} is outside tolerance since its target changed from "
                f"{with_unit(before, unit)} to {with_unit(row.target, unit)}. "
                "Was the new target realistic, and what support does the service need?",
                f"{with_unit(row.value, unit)} against tolerance "
                f"{plain(row.lower)}–{with_unit(row.upper, unit)}.",
            ))  # fmt: skip
        actions = overdue_red_actions.get(kpi.pk, [])
        if actions:
            numbers = ", ".join(number for number, _ in actions)
            found.append(Question(
                "overdue_red_actions", kpi.code,
                f"{len(actions)} Red action{'s' if len(actions) != 1 else ''} on Ofsted "
                f"findings about {kpi.code}'s area {'are' if len(actions) != 1 else 'is'} "
                "overdue. What is stopping them?",
                f"Action{'s' if len(actions) != 1 else ''} {numbers}: {actions[0][1][:120]}",
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
