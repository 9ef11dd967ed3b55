"""``fixtures/schedule6_sandwell.json`` and Sandwell's December 2018
commentary carry the words and figures of seeds/003 exactly: every text is
read back from the seed file, every count and printed percentage is compared
with the seed's own table rows, and every percentage the app works out from
the counts is compared with the one the seed prints."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from inspections.models import Inspection, InspectionKind
from kpis.models import Reading
from schedule6.models import AuditActivity, AuditFinding, AuditTheme, SummaryAnalysis, Survey
from schedule6.selectors import audit_line
from tests.seed_files import seed_file

SEED = "003_63a1f8a883f4fd17.txt"

# The seed's table rows, typed in from "Summary of Key Findings from Monthly
# Case File Audit Activity during Quarter 3": (first month, last month, kind)
# → expected, completed, completed %, G, G %, RI, RI %, I, I %.
TABLE = {
    ("2018-10", "2018-10", "audit"): "68 53 77.9 9 16.9 23 43.4 20 37.7",
    ("2018-10", "2018-10", "moderation"): "27 29 107.4 1 3.4 17 58.6 11 37.9",
    ("2018-11", "2018-11", "audit"): "61 44 72.1 6 13.7 14 31.8 24 54.5",
    ("2018-11", "2018-11", "moderation"): "22 27 122.7 0 0 12 44.4 15 55.6",
    ("2018-12", "2018-12", "audit"): "55 47 85.5 6 12.7 17 36.2 24 51.1",
    ("2018-12", "2018-12", "moderation"): "47 37 78.7 0 0 20 54.1 17 45.9",
    ("2018-10", "2018-12", "audit"): "184 143 77.7 21 14.7 54 37.7 68 47.6",
    ("2018-10", "2018-12", "moderation"): "96 93 96.8 1 1.1 49 52.7 43 46.2",
}
# Where the seed's percentage is not its counts' (rounded half up to 0.1):
# the app keeps and shows the printed one and notes the worked-out one.
PRINTED_DIFFERS = {
    ("2018-10", "2018-10", "audit", "good"): ("16.9", "17.0"),  # 9 / 53
    ("2018-11", "2018-11", "audit", "good"): ("13.7", "13.6"),  # 6 / 44
    ("2018-12", "2018-12", "audit", "good"): ("12.7", "12.8"),  # 6 / 47
    ("2018-10", "2018-12", "audit", "requires_improvement"): ("37.7", "37.8"),  # 54 / 143
    ("2018-10", "2018-12", "moderation", "completed"): ("96.8", "96.9"),  # 93 / 96
}


@pytest.fixture
def seed_text():
    return seed_file(SEED).read_text(encoding="utf-8")


@pytest.fixture
def loaded(seeds):
    call_command("loaddata", "inspections_letters", "schedule6_sandwell", verbosity=0)
    return seeds


def _key(activity):
    return (f"{activity.period_from:%Y-%m}", f"{activity.period:%Y-%m}", activity.kind)


def test_every_audit_row_is_the_seeds(loaded, seed_text):
    rows = {_key(a): a for a in AuditActivity.objects.all()}
    assert set(rows) == set(TABLE)
    for key, printed in TABLE.items():
        a = rows[key]
        numbers = printed.split()
        label = (
            "Moderations"
            if key[2] == "moderation"
            else "Quality Assurance Children's Audit Activity"
        )
        # The row as the seed prints it, tabs and % signs included.
        line = f"{label}\t{numbers[0]}\t{numbers[1]} {numbers[2]}%\t" + "\t".join(
            f"{numbers[i]} {numbers[i + 1]}%" for i in (3, 5, 7)
        )
        assert line in seed_text, key
        assert [a.expected, a.completed, a.good, a.requires_improvement, a.inadequate] == [
            int(numbers[i]) for i in (0, 1, 3, 5, 7)
        ]
        assert [
            a.completed_printed, a.good_printed, a.requires_improvement_printed,
            a.inadequate_printed,
        ] == [Decimal(numbers[i]) for i in (2, 4, 6, 8)]  # fmt: skip
        # The seed grades 52 of October's 53 audits; every other row grades them all.
        assert a.ungraded == (1 if key == ("2018-10", "2018-10", "audit") else 0)


def test_the_quarter_is_the_sum_of_its_months(loaded):
    fields = ["expected", "completed", "good", "requires_improvement", "inadequate"]
    for kind in ("audit", "moderation"):
        months = AuditActivity.objects.filter(kind=kind, period_from=models_month("2018-10"))
        quarter = months.get(period=models_month("2018-12"))
        singles = AuditActivity.objects.filter(kind=kind).exclude(pk=quarter.pk)
        sums = {name: sum(getattr(m, name) for m in singles) for name in fields}
        quarter_row = {name: getattr(quarter, name) for name in fields}
        if kind == "audit":
            # The seed's quarter counts 143 completed, its months 53 + 44 + 47 =
            # 144: the quarter counts October's 52 graded audits.
            assert (quarter_row.pop("completed"), sums.pop("completed")) == (143, 144)
        assert quarter_row == sums


def models_month(text):
    return dt.date.fromisoformat(f"{text}-01")


def test_worked_out_percentages_equal_the_printed_ones_but_five(loaded):
    differs = {}
    for activity in AuditActivity.objects.all():
        line = audit_line(activity)
        for name in ("completed", "good", "requires_improvement", "inadequate"):
            figure = getattr(line, name)
            assert figure.shown == figure.printed  # the page shows what the seed prints
            if figure.differs:
                differs[(*_key(activity), name)] = (str(figure.printed), str(figure.worked_out))
            else:
                assert figure.worked_out == figure.printed
    assert differs == PRINTED_DIFFERS


def test_the_summary_analysis_is_the_seeds_word_for_word(loaded, seed_text):
    summary = SummaryAnalysis.objects.get(organisation__slug="sandwell")
    assert summary.period == dt.date(2018, 12, 1)
    assert summary.title == "Performance Summary Quarter Three 2018-19"
    start = seed_text.index("PI1 - The percentage of contacts")
    end = seed_text.index("3. For each Monthly Performance Indicator")
    lines = [line.rstrip() for line in seed_text[start:end].split("\n")]
    assert summary.text == "\n".join(lines).strip()
    for n in range(1, 16):
        assert re.search(rf"^PI{n}\s*-", summary.text, re.M), n
    assert (
        "**The trend in Quarter 3 is a downward trajectory from 73.5% to 66.6%.**" in summary.text
    )
    assert "In order to improve this, we are:\n\n- Looking at ways" in summary.text
    assert summary.no_failure_statement == (
        "There has been no performance failure within this service period as the contract "
        "KPI's have not yet been agreed."
    )
    assert summary.no_action_plans_statement == "There are no action plans."
    assert summary.no_rectification_plans_statement == "There are no rectification plans."
    for statement in (
        summary.no_failure_statement,
        summary.no_action_plans_statement,
        summary.no_rectification_plans_statement,
    ):
        assert f"\n{statement}\n" in seed_text


def test_each_pis_paragraph_is_its_december_commentary(loaded, seed_text):
    summary = SummaryAnalysis.objects.get(organisation__slug="sandwell")
    december = {
        r.kpi.code: r.commentary
        for r in Reading.objects.filter(kpi__organisation__slug="sandwell", period="2018-12-01")
    }
    assert len(december) == 15
    for code, text in december.items():
        assert re.match(rf"{code}\s*-", text), code
        assert text in seed_text
    # Together, in order, they are the summary analysis.
    assert "\n\n".join(december[f"PI{n}"] for n in range(1, 16)) == summary.text
    assert "One Team Manager (Team 8) was off sick during the month of December." in december["PI8"]
    # Other months keep no commentary: the seed gives none.
    assert (
        not Reading.objects.filter(kpi__organisation__slug="sandwell")
        .exclude(period="2018-12-01")
        .exclude(commentary="")
    )


def test_themes_findings_and_surveys_are_the_seeds(loaded, seed_text):
    themes = {(f"{t.period:%B}", t.strand): t.theme for t in AuditTheme.objects.all()}
    assert themes == {
        (
            "October",
            "Overall audit activity",
        ): "Thresholds at the front door, Step-Up and Step-Down.",
        ("November", "Overall audit activity"): "Pre-Birth Assessments.",
        ("December", "Overall audit activity"): "Child in Need Planning.",
        ("October", "Adoption - IFA and VAA audits"): "Voice of Child.",
        ("November", "Adoption - IFA and VAA audits"): (
            "Matching and Placement planning process to strengthen outcomes for children."
        ),
        ("December", "Adoption - IFA and VAA audits"): (
            "Partnership working with IFA and VAA to achieve best outcomes for children."
        ),
    }
    for (month, _), theme in themes.items():
        assert f"{month} - **{theme}**" in seed_text
    findings = list(AuditFinding.objects.all())
    assert len(findings) == 18
    for finding in findings:
        for paragraph in finding.text.split("\n\n"):
            assert paragraph in seed_text, finding.heading
        assert finding.heading.split(": ")[-1] in seed_text
    cin = AuditFinding.objects.get(theme="Child in Need Plans", heading="What we need to improve")
    assert cin.period == dt.date(2018, 12, 1)
    assert cin.text.startswith("1. Overall assessments need to be strengthened")
    assert "16. A few cases highlighted a lack of urgency" in cin.text
    [survey] = Survey.objects.all()
    assert (survey.period, survey.carried_out) == (dt.date(2018, 12, 1), False)
    assert survey.statement == "There have been no surveys carried out since 1st April 2018."
    assert f"\n{survey.statement}\n" in seed_text


def test_the_youth_offending_service_inspection_is_the_seeds(loaded, seed_text):
    yos = Inspection.objects.get(kind=InspectionKind.YOUTH_JUSTICE)
    assert yos.organisation.slug == "sandwell"
    assert (yos.start_date, yos.end_date, yos.published_date) == (
        dt.date(2018, 8, 20), None, dt.date(2018, 10, 29)
    )  # fmt: skip
    assert [(j.area, j.grade) for j in yos.judgements.all()] == [("Judgement", "good")]
    assert yos.summary in seed_text
    assert "week commencing 20th August 2018" in yos.summary
    assert "published on 29th October 2018 with the judgement 'Good'" in yos.summary


def test_demo_setup_loads_them_and_is_idempotent(db):
    call_command("loaddata", "birmingham", "sandwell", "inspections_letters", verbosity=0)
    for _ in range(2):
        call_command("loaddata", "schedule6_sandwell", verbosity=0)
    assert AuditActivity.objects.count() == 8
    assert SummaryAnalysis.objects.count() == 1
    assert Inspection.objects.filter(kind=InspectionKind.YOUTH_JUSTICE).count() == 1
    from kpis.management.commands.demo_setup import SEED_FIXTURES

    assert SEED_FIXTURES.index("schedule6_sandwell") > SEED_FIXTURES.index("sandwell")


def test_every_record_passes_its_models_validation(loaded):
    # What the admin and the forms would accept: lengths, months, constraints
    # (SQLite does not enforce a CharField's length; PostgreSQL does).
    for model in (SummaryAnalysis, AuditActivity, AuditTheme, AuditFinding, Survey):
        for record in model.objects.all():
            record.full_clean()
    Inspection.objects.get(kind=InspectionKind.YOUTH_JUSTICE).full_clean()
