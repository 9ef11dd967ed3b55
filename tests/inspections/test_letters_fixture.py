"""The inspections_letters fixture: Ofsted letters and reports transcribed from the seeds.

The expected counts and sample texts are typed in here from the seed documents,
separately from the JSON, so a slip in either shows up. Where the seeds folder
sits beside the repository (``<x>/main`` and ``<x>/shared/seeds``), every
finding, summary and focus is also checked word for word against the seeds.
"""

import datetime as dt
import re

import pytest

from inspections.models import Finding, FindingKind, Grade, Inspection, InspectionKind, Judgement
from tests.fast_fixtures import loaddata_for_module
from tests.seed_files import seed_dir

BIRMINGHAM, SANDWELL = 1, 2
FIFTH, SIXTH, FOCUSED, SANDWELL_VISIT, ADOPTION = 1, 2, 3, 4, 5

S = FindingKind.STRENGTH
A = FindingKind.AREA_FOR_IMPROVEMENT
R = FindingKind.RECOMMENDATION
Q = FindingKind.REQUIREMENT


# The tests only read it: loaddata itself, once for the module, as `make run` loads it.
_loaded_once, loaded = loaddata_for_module("birmingham", "sandwell", "inspections_letters")


def _collapse(text):
    """Whitespace collapsed; the seeds' <p> tags and ** bold marks dropped."""
    text = re.sub(r"<[^>]+>", " ", text).replace("**", "")
    return " ".join(text.split())


def test_it_loads_three_birmingham_and_two_sandwell_inspections(loaded):
    assert Inspection.objects.filter(organisation=BIRMINGHAM).count() == 3
    assert Inspection.objects.filter(organisation=SANDWELL).count() == 2


@pytest.mark.parametrize(
    ("pk", "organisation", "kind", "title", "start", "end", "published"),
    [
        (FIFTH, BIRMINGHAM, InspectionKind.MONITORING_VISIT, "Fifth monitoring visit",
         dt.date(2018, 5, 15), dt.date(2018, 5, 16), dt.date(2018, 6, 8)),
        (SIXTH, BIRMINGHAM, InspectionKind.MONITORING_VISIT, "Sixth monitoring visit",
         dt.date(2018, 8, 14), dt.date(2018, 8, 15), dt.date(2018, 9, 7)),
        (FOCUSED, BIRMINGHAM, InspectionKind.FOCUSED_VISIT, "Focused visit: children in care",
         dt.date(2021, 10, 27), dt.date(2021, 10, 28), dt.date(2021, 12, 1)),
        (SANDWELL_VISIT, SANDWELL, InspectionKind.MONITORING_VISIT, "Third monitoring visit",
         dt.date(2019, 1, 29), dt.date(2019, 1, 30), dt.date(2019, 2, 21)),
        (ADOPTION, SANDWELL, InspectionKind.ADOPTION_AGENCY,
         "Inspection of the voluntary adoption agency",
         dt.date(2019, 1, 8), dt.date(2019, 1, 11), None),
    ],
)  # fmt: skip
def test_each_inspection_has_the_dates_of_its_letter(
    loaded, pk, organisation, kind, title, start, end, published
):
    inspection = Inspection.objects.get(pk=pk)
    assert inspection.organisation_id == organisation
    assert (inspection.kind, inspection.title) == (kind, title)
    assert (inspection.start_date, inspection.end_date) == (start, end)
    assert inspection.published_date == published


def test_inspections_name_the_inspectors_as_the_letters_do(loaded):
    assert Inspection.objects.get(pk=FIFTH).inspectors == (
        "Peter McEntee, HMI, and Andrew Waugh, HMI"
    )
    assert Inspection.objects.get(pk=FOCUSED).inspectors == "Alison Smale and John Roughton"
    adoption = Inspection.objects.get(pk=ADOPTION)
    assert adoption.lead_inspector == "Sue Young, social care inspector"
    assert "Rachel Britten" in adoption.inspectors
    assert adoption.setting == "Sandwell Children's Trust Adoption"


def test_summaries_open_with_the_letters_first_words(loaded):
    assert Inspection.objects.get(pk=FIFTH).summary.startswith(
        "The local authority is continuing to make progress in relation to services for "
        "young people leaving care."
    )
    assert Inspection.objects.get(pk=SIXTH).summary.endswith(
        "plans detail what the next steps will be when no progress is being made."
    )
    assert Inspection.objects.get(pk=SANDWELL_VISIT).summary == (
        "Sandwell Children's Trust is continuing to make progress in improving its "
        "'front door' response to those families, children and agencies seeking help."
    )


def test_only_the_adoption_inspection_has_judgements_all_requires_improvement(loaded):
    rows = list(Judgement.objects.order_by("order").values_list("inspection", "area", "grade"))
    assert rows == [
        (ADOPTION, "Overall experiences and progress of service users",
         Grade.REQUIRES_IMPROVEMENT),
        (ADOPTION, "How well children, young people and adults are helped and protected",
         Grade.REQUIRES_IMPROVEMENT),
        (ADOPTION, "The effectiveness of leaders and managers", Grade.REQUIRES_IMPROVEMENT),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("inspection", "expected"),
    [
        (FIFTH, {S: 4, A: 4}),
        (SIXTH, {S: 3, A: 5}),
        (FOCUSED, {S: 5, A: 7}),
        (SANDWELL_VISIT, {S: 4, A: 6}),
        (ADOPTION, {S: 6, A: 7, Q: 3, R: 8}),
    ],
)
def test_findings_per_kind_per_inspection(loaded, inspection, expected):
    counts = {}
    for kind in Finding.objects.filter(inspection=inspection).values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    assert counts == expected


def test_every_finding_belongs_to_its_inspections_organisation(loaded):
    assert Finding.objects.count() == 62
    for finding in Finding.objects.select_related("inspection"):
        assert finding.inspection is not None
        assert finding.organisation_id == finding.inspection.organisation_id
        assert finding.pk < 300


def test_focused_visit_lists_every_what_needs_to_improve_item_in_order(loaded):
    items = Finding.objects.filter(
        inspection=FOCUSED, kind=A, source__contains="What needs to improve"
    ).order_by("order")
    assert [f.text for f in items] == [
        "Improve placement sufficiency for children to negate the use of unregistered settings",
        "Statutory reviews when children experience unplanned placement breakdowns.",
        "Timeliness of personal adviser allocation for children transitioning to the leaving care service.",
        "Take-up of return home interviews when children go missing from home or care.",
        "Clarity within children's plans and reviews about what children and adolescent mental health services (CAMHS) are delivering for children.",
    ]


def test_statutory_requirements_keep_their_printed_due_dates(loaded):
    requirements = Finding.objects.filter(inspection=ADOPTION, kind=Q).order_by("order")
    # The first date is printed 28/02/2018, before the inspection; kept as printed.
    assert [r.due_date for r in requirements] == [
        dt.date(2018, 2, 28),
        dt.date(2019, 2, 28),
        dt.date(2019, 2, 28),
    ]
    assert requirements[2].text == (
        "The registered provider, the manager and, in relation to any branch, the branch "
        "manager shall ensure that all persons employed by the agency receive appropriate "
        "training, supervision and appraisal. (Voluntary adoption agencies (miscellaneous "
        "amendments) regulations, 2003, Regulation 15 (2)(a))"
    )
    assert requirements[0].text.endswith(
        "Specifically, ensure that assessments are allocated in a timely manner and support "
        "is provided to adopters and children as agreed in their placement plans."
    )
    assert not Finding.objects.exclude(kind=Q).exclude(due_date=None).exists()


@pytest.mark.parametrize(
    ("inspection", "kind", "text"),
    [
        (FIFTH, A, "There is a continuing but not yet effective focus on reducing the numbers of young people not in education, employment or training (NEET)."),
        (FIFTH, S, "Social workers have reasonable caseloads of between 14 and 17."),
        (SIXTH, A, "A lack of reflection and analysis in supervision records means that they are less useful as a tool for embedding better practice."),
        (SIXTH, S, "Assessments of need are timely and lead to appropriate plans for support and intervention."),
        (FOCUSED, S, "Most children benefit from stable and well-matched placements which meet their needs."),
        (SANDWELL_VISIT, S, "Responses to contacts and referrals are timely."),
        (SANDWELL_VISIT, A, "There is inconsistency in the operation of thresholds for services."),
        (ADOPTION, S, "Children flourish in their adoptive families"),
        (ADOPTION, R, "Ensure that the life story book and later life letters are completed within 10 working days of the adoption ceremony. (Adoption: national minimum standards 2.7 2.8)"),
        (ADOPTION, R, "Ensure that there is an effective system in place to monitor the quality and adequacy of record-keeping and action is taken when needed. (Adoption: national minimum standards 27.2)"),
    ],
)  # fmt: skip
def test_sample_findings_are_word_for_word(loaded, inspection, kind, text):
    assert Finding.objects.filter(inspection=inspection, kind=kind, text=text).count() == 1


@pytest.mark.parametrize(
    ("text_start", "codes"),
    [
        ("Statutory reviews when children experience unplanned", ["KPI8"]),
        ("Social workers have reasonable caseloads", ["KPI14"]),
        ("Supervision of staff is, in the vast majority", ["KPI15"]),
        ("A lack of reflection and analysis in supervision", ["KPI15"]),
        ("Children staying in care in Birmingham", ["KPI7"]),
        ("There is a continuing but not yet effective focus", ["KPI9"]),
        ("In a small minority of cases, children remained", ["KPI13"]),
        ("Responses to contacts and referrals are timely.", ["PI1"]),
        ("However, not all audits were sufficiently robust", ["PI15"]),
        ("Take-up of return home interviews", []),
        ("Audits continue to focus on compliance", []),
    ],
)
def test_findings_link_to_the_kpis_of_their_topic(loaded, text_start, codes):
    finding = Finding.objects.get(text__startswith=text_start)
    assert sorted(finding.kpis.values_list("code", flat=True)) == codes


def test_linked_findings_give_a_reason_and_stay_within_their_organisation(loaded):
    for finding in Finding.objects.prefetch_related("kpis"):
        kpis = list(finding.kpis.all())
        assert bool(kpis) == bool(finding.kpi_link_reason), finding.text
        assert all(k.organisation_id == finding.organisation_id for k in kpis), finding.text


def test_every_text_appears_verbatim_in_the_seeds(loaded):
    corpus = [_collapse(p.read_text(encoding="utf-8")) for p in sorted(seed_dir().glob("*.txt"))]
    texts = [f.text for f in Finding.objects.all()]
    texts += [j.area for j in Judgement.objects.all()]
    for inspection in Inspection.objects.all():
        texts += [inspection.summary, inspection.focus]
    missing = [t for t in texts if not any(_collapse(t) in seed for seed in corpus)]
    assert missing == []
