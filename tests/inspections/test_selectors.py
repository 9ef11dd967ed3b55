import datetime as dt

import pytest

from inspections import selectors
from inspections.models import BRAG, Inspection, InspectionKind, Judgement
from inspections.ofsted import Grade

TODAY = dt.date(2023, 8, 1)


@pytest.mark.parametrize(
    ("timescale", "status", "today", "expected"),
    [
        (dt.date(2023, 7, 1), BRAG.AMBER, dt.date(2023, 7, 31), False),  # last day of month
        (dt.date(2023, 7, 1), BRAG.AMBER, dt.date(2023, 8, 1), True),  # the day after
        (dt.date(2023, 7, 1), BRAG.RED, dt.date(2024, 1, 1), True),
        (dt.date(2023, 7, 1), BRAG.NOT_RATED, dt.date(2024, 1, 1), True),
        (dt.date(2023, 7, 1), BRAG.BLUE, dt.date(2024, 1, 1), False),  # complete
        (None, BRAG.RED, dt.date(2024, 1, 1), False),  # no timescale
    ],
)
def test_it_marks_overdue_after_the_timescale_month_unless_blue(timescale, status, today, expected):
    assert selectors.is_overdue(timescale=timescale, status=status, today=today) is expected


def test_it_filters_the_tracker(visit, seeds):
    birmingham = seeds["birmingham"]
    every = selectors.action_tracker(organisation=birmingham, today=TODAY)
    assert [r.action.number for r in every] == ["1", "2"]
    overdue = selectors.action_tracker(organisation=birmingham, overdue=True, today=TODAY)
    assert [r.action.number for r in overdue] == ["1"]
    assert [
        r.action.number
        for r in selectors.action_tracker(organisation=birmingham, status="blue", today=TODAY)
    ] == ["2"]
    by_lead = selectors.action_tracker(organisation=birmingham, lead="LH", today=TODAY)
    assert [r.action.number for r in by_lead] == ["2"]
    assert selectors.action_tracker(organisation=seeds["sandwell"], today=TODAY) == []


def test_it_counts_actions_by_brag(visit, seeds):
    rows = selectors.action_tracker(organisation=seeds["birmingham"], today=TODAY)
    counts = selectors.brag_counts(rows)
    assert (counts["amber"], counts["blue"], counts["red"]) == (1, 1, 0)


def test_it_lists_leads_once_each(visit, seeds):
    assert selectors.tracker_leads(organisation=seeds["birmingham"]) == ["GT", "LH"]


def test_it_headlines_overall_effectiveness(visit, seeds):
    current = selectors.current_judgements(organisation=seeds["birmingham"])
    mine = next(c for c in current if c["inspection"] == visit["inspection"])
    assert mine["headline"].area == "Overall effectiveness"


def test_it_shows_only_open_actions_beside_a_kpi(visit, seeds):
    kpi15 = seeds["birmingham"].kpis.get(code="KPI15")
    [(finding, actions)] = [
        pair for pair in selectors.kpi_findings(kpi=kpi15, today=TODAY)
        if pair[0] == visit["finding"]
    ]  # fmt: skip
    assert [row.action.number for row in actions] == ["1"]
    assert actions[0].overdue is True


def test_it_names_inspections_within_a_year_of_the_trend(visit, seeds):
    events = selectors.inspection_events(
        organisation=seeds["birmingham"], near=(dt.date(2018, 10, 1), dt.date(2018, 10, 1))
    )
    assert {"date": dt.date(2018, 9, 3), "label": "TEST full inspection",
            "short": "ILACS Sep 2018", "pk": visit["inspection"].pk} in events  # fmt: skip
    far = selectors.inspection_events(
        organisation=seeds["birmingham"], near=(dt.date(2021, 1, 1), dt.date(2021, 1, 1))
    )
    assert all(e["pk"] != visit["inspection"].pk for e in far)


def test_it_marks_nothing_without_a_trend(visit, seeds):
    assert selectors.inspection_events(organisation=seeds["birmingham"], near=None) == []


def test_the_current_judgements_are_each_kind_and_settings_latest_graded_newest_first(seeds):
    """Made-up (TEST) inspections: the 2022 ILACS replaces 2018's; a later
    ungraded visit hides neither; each home is its own setting."""
    birmingham = seeds["birmingham"]

    def inspected(kind, start, grades, setting=""):
        inspection = Inspection.objects.create(
            organisation=birmingham, kind=kind, title=f"TEST {kind} {start:%Y}",
            start_date=start, setting=setting,
        )  # fmt: skip
        for order, (area, grade) in enumerate(grades):
            Judgement.objects.create(inspection=inspection, area=area, grade=grade, order=order)
        return inspection

    overall = "Overall effectiveness"
    inspected(InspectionKind.ILACS, dt.date(2018, 1, 8), [(overall, Grade.INADEQUATE)])
    ilacs = inspected(
        InspectionKind.ILACS, dt.date(2022, 5, 9),
        [("The experiences of children in care", Grade.GOOD), (overall, Grade.REQUIRES_IMPROVEMENT)],
    )  # fmt: skip
    inspected(InspectionKind.MONITORING_VISIT, dt.date(2023, 2, 1), [])
    north = inspected(
        InspectionKind.CHILDRENS_HOME, dt.date(2021, 3, 1),
        [("Overall experiences and progress of children", Grade.GOOD)], setting="TEST North House",
    )  # fmt: skip
    south = inspected(
        InspectionKind.CHILDRENS_HOME, dt.date(2019, 6, 3),
        [("Overall experiences and progress of children", Grade.OUTSTANDING)],
        setting="TEST South House",
    )  # fmt: skip

    current = selectors.current_judgements(organisation=birmingham)
    mine = [c for c in current if c["inspection"].title.startswith("TEST ")]
    assert [(c["inspection"], c["headline"].grade) for c in mine] == [
        (ilacs, Grade.REQUIRES_IMPROVEMENT),  # the overall judgement, though listed second
        (north, Grade.GOOD),
        (south, Grade.OUTSTANDING),
    ]
    dates = [c["inspection"].start_date for c in current]
    assert dates == sorted(dates, reverse=True)


def test_each_deletion_says_what_goes_with_it(seeds):
    """The sentence on each delete page, for made-up (TEST) records with
    nothing beneath them, one thing and two."""
    from inspections import services
    from inspections.models import ActionPlan, FindingKind, PlanKind

    birmingham = seeds["birmingham"]
    inspection = services.inspection_create(
        organisation=birmingham, kind=InspectionKind.FOCUSED_VISIT, title="TEST visit",
        start_date=dt.date(2018, 9, 1),
    )  # fmt: skip
    bare = services.finding_create(
        inspection=inspection, kind=FindingKind.STRENGTH, text="TEST strength"
    )
    assert selectors.deletion_summary(bare) == (
        "Deleting this finding deletes nothing else: it has no actions."
    )
    finding = services.finding_create(
        inspection=inspection, kind=FindingKind.AREA_FOR_IMPROVEMENT, text="TEST area"
    )
    action = services.action_create(finding=finding, number="1", text="TEST step")
    update = services.action_update_post(
        action=action, author=None, dated=dt.date(2018, 9, 1), text="TEST first", status="amber"
    )
    assert selectors.deletion_summary(action) == (
        f"Deleting action {action.reference} also deletes its 1 progress update."
    )
    services.action_update_post(
        action=action, author=None, dated=dt.date(2018, 10, 1), text="TEST second", status="red"
    )
    assert selectors.deletion_summary(action) == (
        f"Deleting action {action.reference} also deletes its 2 progress updates."
    )
    update.refresh_from_db()
    assert selectors.deletion_summary(update) == (
        "Deleting this update deletes nothing else; the action keeps its status "
        "(Red — major issues preventing delivery)."
    )
    empty = ActionPlan.objects.create(
        organisation=birmingham, kind=PlanKind.OFSTED, title="TEST empty plan",
        dated=dt.date(2018, 11, 1),
    )  # fmt: skip
    assert selectors.deletion_summary(empty) == (
        "Deleting this plan deletes nothing else: it has no actions."
    )
    assert selectors.deletion_summary(finding) == (
        "Deleting this finding also deletes its 1 action and 2 progress updates."
    )


def _inspected(organisation, kind, start, title=None, kpis=()):
    """A made-up (TEST) inspection, with a finding linked to ``kpis`` if any."""
    from inspections import services
    from inspections.models import FindingKind

    inspection = Inspection.objects.create(
        organisation=organisation, kind=kind, title=title or f"TEST {kind} {start}",
        start_date=start,
    )  # fmt: skip
    if kpis:
        services.finding_create(
            inspection=inspection, kind=FindingKind.AREA_FOR_IMPROVEMENT,
            text=f"TEST finding of {inspection.title}", kpis=list(kpis),
        )  # fmt: skip
    return inspection


def _marked(events):
    return [(e["short"], e["label"]) for e in events if e["label"].startswith("TEST ")]


def test_a_kpis_chart_marks_service_wide_visits_and_only_its_own_homes_and_agencies(seeds):
    """A children's home inspection is marked on a KPI's chart only where one
    of its findings is linked to that KPI; ILACS and visits on every chart."""
    birmingham = seeds["birmingham"]
    kpi15 = birmingham.kpis.get(code="KPI15")
    other_kpi = birmingham.kpis.exclude(pk=kpi15.pk).first()
    ilacs = _inspected(birmingham, InspectionKind.ILACS, dt.date(2018, 9, 3), "TEST ILACS",
                       kpis=[kpi15])  # fmt: skip
    from inspections import services
    from inspections.models import FindingKind

    services.finding_create(  # a second linked finding: the ILACS is still marked once
        inspection=ilacs, kind=FindingKind.STRENGTH, text="TEST strength", kpis=[kpi15]
    )
    _inspected(birmingham, InspectionKind.CHILDRENS_HOME, dt.date(2018, 11, 5), "TEST North",
               kpis=[kpi15])  # fmt: skip
    _inspected(birmingham, InspectionKind.CHILDRENS_HOME, dt.date(2018, 12, 3), "TEST South",
               kpis=[other_kpi])  # fmt: skip
    _inspected(birmingham, InspectionKind.FOSTERING_AGENCY, dt.date(2019, 1, 7), "TEST agency")
    _inspected(birmingham, InspectionKind.MONITORING_VISIT, dt.date(2019, 2, 4), "TEST visit")
    near = (dt.date(2018, 10, 1), dt.date(2018, 12, 1))

    assert _marked(selectors.inspection_events(organisation=birmingham, near=near)) == [
        ("ILACS Sep 2018", "TEST ILACS"), ("Monitoring visit Feb 2019", "TEST visit"),
    ]  # fmt: skip
    assert _marked(selectors.inspection_events(organisation=birmingham, kpi=kpi15, near=near)) == [
        ("ILACS Sep 2018", "TEST ILACS"), ("Children's home Nov 2018", "TEST North"),
        ("Monitoring visit Feb 2019", "TEST visit"),
    ]  # fmt: skip


def test_the_chart_names_inspections_twelve_months_either_side_to_the_day(seeds):
    """Readings from Jan to Mar 2019: visits from 1 Jan 2018 to 31 Mar 2020."""
    birmingham = seeds["birmingham"]
    for day in [dt.date(2017, 12, 31), dt.date(2018, 1, 1), dt.date(2020, 3, 31),
                dt.date(2020, 4, 1)]:  # fmt: skip
        _inspected(birmingham, InspectionKind.MONITORING_VISIT, day, f"TEST visit {day}")
    events = selectors.inspection_events(
        organisation=birmingham, near=(dt.date(2019, 1, 1), dt.date(2019, 3, 1))
    )
    assert _marked(events) == [
        ("Monitoring visit Jan 2018", "TEST visit 2018-01-01"),
        ("Monitoring visit Mar 2020", "TEST visit 2020-03-31"),
    ]
    assert [e["date"] for e in events if e["label"].startswith("TEST ")] == [
        dt.date(2018, 1, 1), dt.date(2020, 3, 31),
    ]  # fmt: skip


def test_an_inspection_of_a_kind_no_longer_listed_is_marked_as_an_inspection(seeds):
    """A kind recorded before the app's list changed (not one of its choices)
    still gets a marker, "Inspection" and its month."""
    birmingham = seeds["birmingham"]
    kpi15 = birmingham.kpis.get(code="KPI15")
    _inspected(birmingham, "TEST old kind", dt.date(2019, 5, 13), "TEST old", kpis=[kpi15])
    events = selectors.inspection_events(
        organisation=birmingham, kpi=kpi15, near=(dt.date(2019, 5, 1), dt.date(2019, 5, 1))
    )
    assert _marked(events) == [("Inspection May 2019", "TEST old")]


def test_overdue_red_actions_are_listed_by_the_kpis_their_findings_bear_on(visit, seeds):
    """What the KPI's question quotes: Red and past its month, on a finding
    linked to that KPI; not Amber, not Red still in time, not Red on a
    finding linked to no KPI."""
    from inspections import services
    from inspections.models import FindingKind

    birmingham = seeds["birmingham"]
    kpi15 = birmingham.kpis.get(code="KPI15")
    red = services.action_create(
        finding=visit["finding"], number="3", text="TEST red and late", status=BRAG.RED,
        timescale=dt.date(2023, 6, 1), timescale_text="Jun-23",
    )  # fmt: skip
    services.action_create(
        finding=visit["finding"], number="4", text="TEST red in time", status=BRAG.RED,
        timescale=dt.date(2023, 8, 1), timescale_text="Aug-23",
    )  # fmt: skip
    unlinked = services.finding_create(
        inspection=visit["inspection"], kind=FindingKind.AREA_FOR_IMPROVEMENT,
        text="TEST linked to no KPI",
    )  # fmt: skip
    services.action_create(
        finding=unlinked, number="1", text="TEST red, late, unlinked", status=BRAG.RED,
        timescale=dt.date(2023, 1, 1), timescale_text="Jan-23",
    )  # fmt: skip
    found = selectors.overdue_red_actions_by_kpi(organisation=birmingham, today=TODAY)
    assert found == {
        kpi15.pk: [(red.reference, "TEST supervision is not consistently reflective.")]
    }
