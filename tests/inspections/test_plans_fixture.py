"""The inspections_plans fixture: Birmingham's March 2023 Ofsted action plan (seed 002),
the 2018/19 inspection outcomes table (seed 004, section 15) and the ILACS's areas
for improvement (seed 004, section 1).

The expected rows below are typed in by hand from the seeds, separately from the
JSON, so a slip in either shows up. See docs/action-plan-data.md for the rules.
It also holds the six areas for improvement of the December 2018 ILACS that
seed 004's introduction lists, checked against the seed's own lines where the
seeds folder sits beside the repository.
"""

import datetime as dt
from collections import Counter

import pytest

from inspections.models import (
    BRAG,
    Action,
    ActionPlan,
    ActionUpdate,
    Finding,
    FindingKind,
    Grade,
    Inspection,
    InspectionKind,
    Judgement,
)
from tests.fast_fixtures import loaddata_for_module
from tests.seed_files import seed_file

BIRMINGHAM = 1


# The tests only read it: loaddata itself, once for the module, as `make run` loads it.
_loaded_once, loaded = loaddata_for_module("birmingham", "sandwell", "inspections_plans")


def _finding(first_words):
    return Finding.objects.get(organisation=BIRMINGHAM, text__startswith=first_words)


# Finding's first words -> (number of actions, Lead, Time-scale), as the plan prints them.
# The Status column is blank on every row of the seed.
PLAN_ROWS = [
    ("The effectiveness of the response to domestic abuse", 8, "GT", "Mar-24"),
    ("Earlier pre-birth assessments", 6, "LH / JoR / GT / LJ", "Jul-23"),
    ("Earlier engagement of personal advisers", 3, "DM / GT / AxB", "Jun-23"),
    ("Consistency of written plans", 5, "GT / LH / AxB", "Dec-23"),
    ("CASS/MASH initial decisions", 1, "MW RB", ""),
    ("Strategy discussions", 1, "MW RB", ""),
    ("Single agency triage of low-level domestic abuse", 2, "MW", "First audit April 2023"),
    ("Management oversight of long-term neglect", 5, "GT / AxB", "Dec-23"),
    ("Pre-Proceedings", 4, "LH / JoR", "Jun-23"),
    ("16/17yr old homeless (Southwark)", 2, None, "Jul-23"),  # lead printed per action
    ("Return Home Interviews", 4, "DM", "Dec-23"),
    ("Legal Permanence", 12, "VK / LJ / JoR", "Sep-23"),
    ("Children placed with parents (PWP)", 5, "VK / JoR", "Jul-23"),
    ("Connected carers unregulated arrangements", 2, "LJ", "Apr-23"),
    ("Support for care experienced adults post 21yrs", 1, "DM / AM", "Sep-23"),
    ("Driving lessons are available", 1, "Chair Corporate Parenting Board", "Jun-23"),
    ("Management and Performance Reporting", 3, "LYH / AxB", "Dec-23"),
    ("Quality Assurance - closing the loop", 3, "AxB", "Jul-23"),
    ("Quality and impact of supervision", 3, "AxB / LH / VK / DM", "Dec-23"),
    ("Scheme of delegation", 1, "AxB", "Jun-23"),
    ("Clarify expectations for HoS footprint", 1, "AxB", "Jun-23"),
    ("Ensure all our family facing practitioners", 4, "GT / LJ", "Jun-23"),
    ("Introduce quarterly senior leader audit days", 2, "AxB", "May-23"),
    ("Improve ownership of audit activity", 3, "DoP / AxB", "Sep-23"),
    ("Delay in panel minutes", 2, "LJ", "Apr-23"),
    ("DBS solution for adopters", 2, "LYH", "Dec-23"),
    ("Earlier identification of Private fostering", 2, "GT", "Jul-23"),
]


def test_the_plan_is_birminghams_march_2023_ofsted_plan(loaded):
    plan = ActionPlan.objects.get(pk=1)
    assert plan.organisation_id == BIRMINGHAM
    assert (plan.kind, plan.title, plan.dated) == (
        "ofsted",
        "Ofsted action plan",
        dt.date(2023, 3, 1),
    )
    assert plan.inspection is None
    assert Action.objects.filter(plan=plan).count() == Action.objects.count() == 88


def test_each_plan_row_is_one_area_for_improvement_without_an_inspection(loaded):
    findings = Finding.objects.filter(source__startswith="002_")
    assert findings.count() == len(PLAN_ROWS) == 27
    assert set(findings.values_list("kind", flat=True)) == {FindingKind.AREA_FOR_IMPROVEMENT}
    assert not findings.filter(inspection__isnull=False).exists()
    assert not findings.exclude(organisation=BIRMINGHAM).exists()
    in_order = list(findings.order_by("order").values_list("text", flat=True))
    assert all(t.startswith(row[0]) for t, row in zip(in_order, PLAN_ROWS, strict=True))


@pytest.mark.parametrize(("first_words", "count", "lead", "timescale_text"), PLAN_ROWS)
def test_each_finding_has_the_actions_lead_and_timescale_the_plan_prints(
    loaded, first_words, count, lead, timescale_text
):
    actions = list(_finding(first_words).actions.order_by("order"))
    assert [a.number for a in actions] == [str(n) for n in range(1, count + 1)]
    assert {a.timescale_text for a in actions} == {timescale_text}
    if lead is not None:
        assert {a.lead for a in actions} == {lead}
    assert {a.status for a in actions} == {BRAG.NOT_RATED}


def test_the_southwark_row_gives_each_action_its_own_lead(loaded):
    actions = _finding("16/17yr old homeless").actions.order_by("order")
    assert [(a.number, a.lead) for a in actions] == [("1", "DM"), ("2", "DM/AxB")]


def test_findings_sit_under_the_section_heading_of_their_row(loaded):
    areas = Counter(
        Finding.objects.filter(source__startswith="002_").values_list("service_area", flat=True)
    )
    assert areas == {
        "What needs to improve": 4,
        "Early Help and Protection": 10,
        "Care experienced young people": 2,
        "Impact of leaders": 3,
        "Additional improvement areas identified through the process of inspection": 8,
    }


def test_finding_text_is_the_heading_and_detail_the_elaboration(loaded):
    pre_birth = _finding("Earlier pre-birth assessments")
    assert pre_birth.text == (
        "Earlier pre-birth assessments to support early permanence planning, and timely action "
        "to progress permanence plans for children in stable placements through changes to "
        "legal status."
    )
    first, second = pre_birth.detail.split("\n\n")
    assert first.startswith("Senior management oversight and arrangements to track progress")
    assert second.startswith("For unborn children who are at high risk of coming into care,")
    assert second.endswith("stability and security at the earliest opportunity.")
    supervision = _finding("Quality and impact of supervision")
    assert supervision.text == "Quality and impact of supervision"  # no full stop in the seed
    assert supervision.detail == (
        "Supervision is held regularly, although it is not consistently effective in "
        "progressing children's plans and addressing drift."
    )
    assert _finding("Scheme of delegation").detail == ""


def test_the_pre_proceedings_letters_paragraph_is_kept_in_the_detail(loaded):
    detail = _finding("Pre-Proceedings").detail
    assert detail.endswith(
        "\n\nThe language used in letters to parents makes it difficult for parents to "
        "understand what needs to be done to prevent care proceedings."
    )


def test_the_stray_duplicate_of_the_pwp_heading_is_not_a_second_finding(loaded):
    assert Finding.objects.filter(text__startswith="Children placed with parents").count() == 1


@pytest.mark.parametrize(
    ("first_words", "number", "text"),
    [
        ("The effectiveness of the response", "2",
         "Pursue funding streams via the OPCC/VRP/BCC/partners to facilitate effective "
         "commissioning of a perpetrator interventions for high-risk offenders"),
        ("Earlier engagement of personal advisers", "1", "Continue ongoing recruitment campaigns"),
        ("Legal Permanence", "7",
         "Ensure through work with the Court that discharges are listed for first hearing in a "
         "timely way within 12 – 18 days of issue as for non urgent care applications"),
        ("Legal Permanence", "10",
         "Ensure all our family facing practitioners understand and can articulate our not "
         "detriment policy"),
        ("Legal Permanence", "12",
         "Benchmark recording expectations for Heads of Service footprint/oversight on "
         "children's records."),
        ("Quality and impact of supervision", "1",
         "Review and update the Supervision Policy so that it is relevant and appropriate for all "
         "areas of service across the Trust (Child's Journey recommendation as well as learning "
         "from inspection)"),
        ("Clarify expectations for HoS footprint", "1",
         "Review and update practice standards 1 and 2 - Good Quality Management Oversight and "
         "Decision Making and Good Recording to include expectations for Heads of Service and "
         "consider if we need to do the same for TMs"),
        ("Introduce quarterly senior leader audit days", "2", "Set dates"),
        ("Connected carers unregulated arrangements", "2",
         "Review of use of Reg 24 and ask the Court to make 38/6 order if not approved"),
    ],
)  # fmt: skip
def test_action_texts_are_verbatim_without_their_numbers(loaded, first_words, number, text):
    assert _finding(first_words).actions.get(number=number).text == text


def test_blank_leads_and_timescales_stay_blank(loaded):
    for first_words in ("CASS/MASH initial decisions", "Strategy discussions"):
        for action in _finding(first_words).actions.all():
            assert (action.lead, action.timescale_text, action.timescale) == ("MW RB", "", None)
    assert not Action.objects.filter(lead="").exists()


def test_timescales_are_the_first_of_the_month_printed_or_null(loaded):
    assert {a.timescale for a in _finding("The effectiveness of the response").actions.all()} == {
        dt.date(2024, 3, 1)
    }
    assert {a.timescale for a in _finding("Delay in panel minutes").actions.all()} == {
        dt.date(2023, 4, 1)
    }
    # "First audit April 2023" is a milestone, not a month-only timescale.
    assert {a.timescale for a in _finding("Single agency triage").actions.all()} == {None}
    assert Action.objects.filter(timescale__isnull=True).count() == 4
    assert not Action.objects.filter(timescale__isnull=False).exclude(timescale__day=1).exists()


def test_no_action_is_rated_because_the_status_column_is_blank(loaded):
    counts = Counter(Action.objects.values_list("status", flat=True))
    assert counts == {BRAG.NOT_RATED: 88}
    assert set(ActionUpdate.objects.values_list("status", flat=True)) == {""}


# Finding's first words -> (dated_text as printed, dated), one update per action of the row.
UPDATED_ROWS = [
    ("The effectiveness of the response", "Up-date mid May 23", dt.date(2023, 5, 15)),
    ("Earlier pre-birth assessments", "Update mid April 23", dt.date(2023, 4, 15)),
    ("Earlier engagement of personal advisers", "Update mid-April 23", dt.date(2023, 4, 15)),
    ("CASS/MASH initial decisions", "Update mid-April 23", dt.date(2023, 4, 15)),
    ("Strategy discussions", "Update mid-April 23", dt.date(2023, 4, 15)),
    ("Single agency triage", "Update mid-April 23", dt.date(2023, 4, 15)),
    ("Management oversight of long-term neglect", "Update mid-April 23", dt.date(2023, 4, 15)),
    ("Pre-Proceedings", "Update mid-April 23", dt.date(2023, 4, 15)),
    ("Connected carers unregulated arrangements", "Update mid-April 23", dt.date(2023, 4, 15)),
    ("Delay in panel minutes", "Update April 23", None),
]


def test_every_action_of_an_updated_row_has_that_rows_one_update(loaded):
    assert ActionUpdate.objects.count() == 34
    for first_words, dated_text, dated in UPDATED_ROWS:
        actions = list(_finding(first_words).actions.all())
        updates = [list(a.updates.all()) for a in actions]
        assert all(len(u) == 1 for u in updates), first_words
        assert {(u[0].dated_text, u[0].dated) for u in updates} == {(dated_text, dated)}
        assert len({u[0].text for u in updates}) == 1
    updated = {_finding(row[0]).pk for row in UPDATED_ROWS}
    assert set(ActionUpdate.objects.values_list("action__finding", flat=True)) == updated


def test_update_text_follows_its_date_phrase_verbatim(loaded):
    update = _finding("Earlier engagement of personal advisers").actions.first().updates.get()
    assert update.text.startswith("the Trust Exec has agreed funding for additional posts.")
    assert update.text.endswith("In the interim, PAs are allocated according to need.")
    cass = _finding("CASS/MASH initial decisions").actions.get().updates.get()
    assert cass.text == (
        "MW met with RB 18 April to initiate the conversation about requirements. Initial "
        "agreement = uplift of two posts. Further discussions to be had to clarify timescales "
        "for implementation"
    )


def test_findings_link_to_the_kpis_their_topic_matches(loaded):
    links = {
        f.text.split()[0] + " " + f.text.split()[1]: sorted(f.kpis.values_list("pk", flat=True))
        for f in Finding.objects.filter(source__startswith="002_")
        if f.kpis.exists()
    }
    assert links == {
        "Earlier pre-birth": [10],
        "Earlier engagement": [9],
        "Consistency of": [6, 13],
        "Driving lessons": [9],
        "Quality and": [15],
    }
    for finding in Finding.objects.filter(kpis__isnull=False).distinct():
        assert finding.kpi_link_reason
        assert set(finding.kpis.values_list("organisation", flat=True)) == {BIRMINGHAM}


# ---------- seed 004, table 15 ----------


def test_the_outcomes_table_gives_twelve_birmingham_inspections(loaded):
    inspections = Inspection.objects.filter(pk__range=(50, 99))
    assert inspections.count() == 12
    assert set(inspections.values_list("organisation", flat=True)) == {BIRMINGHAM}
    kinds = Counter(inspections.values_list("kind", flat=True))
    assert kinds == {
        InspectionKind.ILACS: 1,
        InspectionKind.FOSTERING_AGENCY: 1,
        InspectionKind.ADOPTION_AGENCY: 1,
        InspectionKind.CHILDRENS_HOME: 9,
    }
    # The May and August 2018 monitoring visits are in inspections_letters, not here.
    assert not inspections.filter(kind=InspectionKind.MONITORING_VISIT).exists()
    assert Judgement.objects.filter(inspection__in=inspections).count() == 18


def test_the_ilacs_judged_all_four_areas_requires_improvement(loaded):
    ilacs = Inspection.objects.get(kind=InspectionKind.ILACS, pk__range=(50, 99))
    assert ilacs.start_date == dt.date(2018, 12, 1)
    assert "month only" in ilacs.source
    assert list(ilacs.judgements.values_list("area", "grade")) == [
        ("The impact of leaders on social work practice with children and families",
         Grade.REQUIRES_IMPROVEMENT),
        ("The experiences and progress of children who need help and protection",
         Grade.REQUIRES_IMPROVEMENT),
        ("The experiences and progress of children in care and care leavers",
         Grade.REQUIRES_IMPROVEMENT),
        ("Overall effectiveness", Grade.REQUIRES_IMPROVEMENT),
    ]  # fmt: skip
    assert ilacs.summary.startswith(
        'All categories judged to be "Requires improvement to be good":'
    )


def test_the_fostering_agency_requires_improvement_in_all_three_areas(loaded):
    fostering = Inspection.objects.get(kind=InspectionKind.FOSTERING_AGENCY, pk__range=(50, 99))
    assert fostering.start_date == dt.date(2019, 1, 1)
    assert list(fostering.judgements.values_list("area", "grade")) == [
        (
            "overall experience and progress of children and young people",
            Grade.REQUIRES_IMPROVEMENT,
        ),
        ("how well children and young people are helped and protected", Grade.REQUIRES_IMPROVEMENT),
        ("the effectiveness of leaders and managers", Grade.REQUIRES_IMPROVEMENT),
    ]
    assert fostering.summary.endswith(
        "not yet delivering good help and care for children and young people. However, there are "
        "no serious or widespread failures that result in their welfare not being safeguarded or "
        "promoted."
    )


def test_the_adoption_agency_is_outstanding_for_leaders_and_managers(loaded):
    adoption = Inspection.objects.get(kind=InspectionKind.ADOPTION_AGENCY, pk__range=(50, 99))
    assert adoption.start_date == dt.date(2019, 2, 1)
    assert list(adoption.judgements.values_list("area", "grade")) == [
        ("Overall experience and progress of service users", Grade.GOOD),
        ("How well children young people and adults are helped and protected", Grade.GOOD),
        ("The effectiveness of leaders and managers", Grade.OUTSTANDING),
    ]


@pytest.mark.parametrize(
    ("home", "inspections"),
    [
        ("Charles House", [
            (dt.date(2018, 8, 1), "Full inspection", [Grade.REQUIRES_IMPROVEMENT]),
            (dt.date(2019, 3, 1), "Interim inspection", [Grade.SUSTAINED]),
        ]),
        ("Warwick House", [
            (dt.date(2018, 9, 1), "Full inspection", [Grade.GOOD]),
            (dt.date(2019, 2, 1), "Interim inspection", [Grade.IMPROVED]),
        ]),
        ("Edgewood Road", [
            (dt.date(2018, 9, 1), "Full inspection", [Grade.REQUIRES_IMPROVEMENT]),
            (dt.date(2019, 2, 1), "Interim inspection", [Grade.DECLINED]),
            (dt.date(2019, 4, 10), "Monitoring visit", []),
        ]),
        ("Camborne House", [
            (dt.date(2018, 9, 1), "Full inspection", [Grade.REQUIRES_IMPROVEMENT]),
            (dt.date(2019, 3, 1), "Interim inspection", [Grade.DECLINED]),
        ]),
    ],
)  # fmt: skip
def test_each_childrens_home_has_one_inspection_per_date_listed(loaded, home, inspections):
    found = Inspection.objects.filter(setting=home).order_by("start_date")
    assert set(found.values_list("kind", flat=True)) == {InspectionKind.CHILDRENS_HOME}
    assert [(i.start_date, i.title, [j.grade for j in i.judgements.all()]) for i in found] == [
        (date, f"{title}: {home}", grades) for date, title, grades in inspections
    ]
    summaries = {i.summary for i in found}
    assert len(summaries) == 1  # the row's one Outcome cell


def test_warwick_and_camborne_keep_the_area_as_printed_without_and_progress(loaded):
    assert set(Judgement.objects.filter(inspection__setting="Warwick House").values_list(
        "area", flat=True
    )) == {"Overall experience of children and young people"}  # fmt: skip
    assert set(Judgement.objects.filter(inspection__setting="Charles House").values_list(
        "area", flat=True
    )) == {"Overall experience and progress of children and young people"}  # fmt: skip


# ---------- seed 004, section 1: the December 2018 ILACS's areas for improvement ----------

ILACS = 50
SEED_004 = "004_686d8300e932638e.txt"

# "They left us with 6 areas for improvement:", typed in from the seed.
ILACS_AREAS = [
    "The quality, effectiveness and pace of partnership working with external agencies, "
    "including partner-led early help services",
    "Trust and confidence between the courts and the Trust",
    "Effectiveness of the Fostering Service",
    "Robust and timely focus on all permanence options for children",
    "Alignment of the approach to contextual safeguarding",
    "The impact of the virtual school in improving provision for children in care",
]


def test_the_ilacs_has_the_six_areas_for_improvement_the_annual_report_lists(loaded):
    findings = Finding.objects.filter(inspection=ILACS).order_by("order")
    assert [f.text for f in findings] == ILACS_AREAS
    assert [f.order for f in findings] == [1, 2, 3, 4, 5, 6]
    assert {(f.organisation_id, f.kind, f.detail) for f in findings} == {
        (BIRMINGHAM, FindingKind.AREA_FOR_IMPROVEMENT, "")
    }
    assert all(f.source.startswith("004_686d8300e932638e.txt") for f in findings)
    assert Finding.objects.count() == 27 + 6


def test_the_ilacs_areas_are_the_seeds_bullets_word_for_word(loaded):
    text = seed_file(SEED_004).read_text(encoding="utf-8")
    listed = text.split("They left us with 6 areas for improvement:", 1)[1].split("We have a", 1)[0]
    bullets = [line[2:] for line in listed.splitlines() if line.startswith("- ")]
    assert bullets == ILACS_AREAS
    texts = (
        Finding.objects.filter(inspection=ILACS).order_by("order").values_list("text", flat=True)
    )
    assert list(texts) == bullets


def test_only_the_permanence_area_is_linked_to_kpis(loaded):
    links = {
        f.text: sorted(f.kpis.values_list("code", flat=True))
        for f in Finding.objects.filter(inspection=ILACS).prefetch_related("kpis")
    }
    assert links == {
        text: (["KPI10", "KPI7"] if text.startswith("Robust and timely") else [])
        for text in ILACS_AREAS
    }
    permanence = Finding.objects.get(inspection=ILACS, text__startswith="Robust and timely")
    assert "KPI10" in permanence.kpi_link_reason and "KPI7" in permanence.kpi_link_reason
    unlinked = Finding.objects.filter(inspection=ILACS).exclude(pk=permanence.pk)
    assert set(unlinked.values_list("kpi_link_reason", flat=True)) == {""}


def test_each_action_is_numbered_within_the_plan_by_its_finding(loaded):
    """Finding n's kth action is "n.k", the findings in the plan's order; the
    printed number ("k") is kept as the plan prints it."""
    plan = ActionPlan.objects.get(pk=1)
    for place, (first_words, count, _, _) in enumerate(PLAN_ROWS, start=1):
        actions = _finding(first_words).actions.order_by("order")
        assert [a.reference for a in actions] == [f"{place}.{n}" for n in range(1, count + 1)]
        assert [a.number for a in actions] == [str(n) for n in range(1, count + 1)]
    references = list(plan.actions.values_list("reference", flat=True))
    assert len(references) == len(set(references)) == 88


def test_the_migration_numbers_actions_as_the_fixture_does(loaded):
    """The data migration's rule, run over the plan, gives the fixture's numbers."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("inspections.migrations.0004_commission_history")
    expected = dict(Action.objects.values_list("pk", "reference"))
    for action in Action.objects.all():
        Action.objects.filter(pk=action.pk).update(reference=f"x{action.pk}")
    migration.number_actions_in_their_plans(apps, None)
    assert dict(Action.objects.values_list("pk", "reference")) == expected
