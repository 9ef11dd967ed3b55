import datetime as dt

from django.urls import reverse

from tests.inspections.updates import amber_updates


def _get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def test_it_lists_inspections_newest_first_with_judgements(client, member, visit):
    response = _get(client, member, "inspection_list", "birmingham")
    assert response.status_code == 200
    dates = [i.start_date for i in response.context["inspections"]]
    assert dates == sorted(dates, reverse=True)
    html = response.content.decode()
    assert "TEST full inspection" in html
    assert (
        '<span class="chip grade-requires_improvement">Requires improvement to be good</span>'
        in html
    )
    assert "Record an inspection" not in html  # members read only


def test_it_shows_findings_grouped_with_actions_and_status(client, member, visit):
    response = _get(client, member, "inspection_detail", "birmingham", visit["inspection"].pk)
    html = response.content.decode()
    [group] = response.context["groups"]
    assert group.label == "What needs to improve"
    assert "TEST audit supervision records" in html
    assert '<span class="chip brag-amber"' in html and "Overdue" in html
    assert "Add a finding" not in html


def test_it_offers_commissioners_the_forms(client, commissioner, visit):
    html = _get(
        client, commissioner, "inspection_detail", "birmingham", visit["inspection"].pk
    ).content.decode()
    assert "Add a finding" in html and "Add an action" in html


def test_it_shows_current_judgements_on_the_dashboard(client, member, visit):
    html = _get(client, member, "dashboard", "birmingham").content.decode()
    assert "Current Ofsted judgements" in html
    assert "Requires improvement to be good" in html


def test_it_shows_linked_findings_and_markers_on_the_kpi_page(client, member, visit):
    response = _get(client, member, "kpi_detail", "birmingham", "KPI15")
    html = response.content.decode()
    assert "TEST supervision is not consistently reflective." in html
    assert "TEST audit supervision records" in html
    assert "TEST train managers" not in html  # complete (Blue) actions are not open
    # Sep 2018 is before Birmingham's one reading (Oct 2018): named under the
    # chart in words, not drawn (the axis spans the readings only).
    assert "Inspections near these months, outside the chart" in html
    assert "TEST full inspection</a>, 3 Sep 2018 (before the first reading)" in html
    names = [t.get("name") for t in response.context["figure"]["data"]]
    assert "Inspections" not in names


def test_it_checks_ownership(client, sandwell_officer, visit):
    pk = visit["inspection"].pk
    assert _get(client, sandwell_officer, "inspection_list", "birmingham").status_code == 404
    assert _get(client, sandwell_officer, "inspection_detail", "birmingham", pk).status_code == 404
    # Right organisation in the URL, wrong inspection id: still not found.
    assert _get(client, sandwell_officer, "inspection_detail", "sandwell", pk).status_code == 404
    assert _get(client, sandwell_officer, "action_tracker", "birmingham").status_code == 404


def _findings_with_actions(inspection, count):
    """``count`` more made-up (TEST) findings, each with two actions of two updates."""

    from inspections import services
    from inspections.models import FindingKind

    kpi = inspection.organisation.kpis.get(code="KPI2")
    for n in range(count):
        finding = services.finding_create(
            inspection=inspection, kind=FindingKind.AREA_FOR_IMPROVEMENT,
            text=f"TEST finding {n}", kpis=[kpi],
        )  # fmt: skip
        for a in range(2):
            action = services.action_create(finding=finding, number=str(a + 1), text="TEST step")
            amber_updates(
                action, year=2018, months=(9, 10), text=f"TEST update {{month}} of {n}.{a + 1}"
            )


def test_the_inspection_page_reads_in_the_same_queries_however_many_findings(
    client, member, visit, django_assert_max_num_queries
):
    client.force_login(member)
    url = reverse("inspection_detail", args=["birmingham", visit["inspection"].pk])
    _findings_with_actions(visit["inspection"], 1)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    _findings_with_actions(visit["inspection"], 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    # Each action's latest update is the one shown: October's, not September's.
    for n in range(5):
        assert f"TEST update 10 of {n}.1" in html and f"TEST update 10 of {n}.2" in html
    assert "TEST update 9 of" not in html
    assert "TEST finding 4" in html


def _plan_findings(organisation, count, start):
    """``count`` made-up (TEST) findings an action plan quotes without their
    inspection, each with two actions of two updates."""
    import datetime as dt

    from inspections.models import Action, ActionPlan, Finding, FindingKind, PlanKind

    plan, _ = ActionPlan.objects.get_or_create(
        organisation=organisation, kind=PlanKind.OFSTED, title="TEST plan",
        defaults={"dated": dt.date(2018, 8, 1)},
    )  # fmt: skip
    for n in range(start, start + count):
        finding = Finding.objects.create(
            organisation=organisation, inspection=None,
            kind=FindingKind.AREA_FOR_IMPROVEMENT, text=f"TEST plan finding {n}",
        )  # fmt: skip
        finding.kpis.set([organisation.kpis.get(code="KPI2")])
        for a in (1, 2):
            action = Action.objects.create(
                plan=plan, finding=finding, number=str(a), reference=f"{n}.{a}",
                text="TEST step", order=n * 10 + a,
            )  # fmt: skip
            amber_updates(
                action, year=2018, months=(9, 10), text=f"TEST plan update {{month}} of {n}.{a}"
            )


def test_the_inspections_page_reads_plan_findings_in_the_same_queries_however_many(
    client, member, seeds, django_assert_max_num_queries
):
    client.force_login(member)
    url = reverse("inspection_list", args=["birmingham"])
    _plan_findings(seeds["birmingham"], 1, start=1)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    _plan_findings(seeds["birmingham"], 4, start=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert "Findings quoted in action plans" in html
    for n in range(1, 6):
        assert f"TEST plan finding {n}" in html
        assert f"TEST plan update 10 of {n}.1" in html and f"TEST plan update 10 of {n}.2" in html
    assert "TEST plan update 9 of" not in html


def test_each_group_of_findings_is_labelled_by_its_own_heading(client, member, visit):
    """Two kinds of finding, two sections, each named by its own heading's id."""
    from inspections import services
    from inspections.models import FindingKind

    services.finding_create(
        inspection=visit["inspection"], kind=FindingKind.STRENGTH, text="TEST a strength"
    )
    response = _get(client, member, "inspection_detail", "birmingham", visit["inspection"].pk)
    html = response.content.decode()
    for kind in ("strength", "area_for_improvement"):
        assert f'aria-labelledby="group-{kind}">' in html
        assert html.count(f'id="group-{kind}"') == 1


def _inspections_with_judgements(organisation, count, start):
    import datetime as dt

    from inspections.models import Inspection, InspectionKind, Judgement

    for n in range(start, start + count):
        inspection = Inspection.objects.create(
            organisation=organisation, kind=InspectionKind.FOCUSED_VISIT,
            title=f"TEST visit {n}", start_date=dt.date(2010 + n, 5, 3),
        )  # fmt: skip
        for order, area in enumerate(["Overall effectiveness", "Leadership"]):
            Judgement.objects.create(inspection=inspection, area=area, grade="good", order=order)


def test_the_inspections_page_and_dashboard_read_judgements_in_the_same_queries_however_many(
    client, member, seeds, django_assert_max_num_queries
):
    """Each inspection's judgements are read with the rest, not one by one."""
    client.force_login(member)
    pages = [
        reverse("inspection_list", args=["birmingham"]),
        reverse("dashboard", args=["birmingham"]),
    ]
    _inspections_with_judgements(seeds["birmingham"], 1, start=1)
    counts = []
    for url in pages:
        with django_assert_max_num_queries(60) as few:
            assert client.get(url).status_code == 200
        counts.append(len(few.captured_queries))  # now: the log is reset on each request
    _inspections_with_judgements(seeds["birmingham"], 4, start=2)
    with django_assert_max_num_queries(counts[0]):
        html = client.get(pages[0]).content.decode()
    assert all(f"TEST visit {n}" in html for n in range(1, 6))
    with django_assert_max_num_queries(counts[1]):
        assert client.get(pages[1]).status_code == 200


def test_a_plan_findings_late_action_is_marked_overdue_on_the_inspections_page(
    client, member, seeds
):
    """Today's date decides it: an action due by March 2023, not complete."""
    from inspections.models import Action

    _plan_findings(seeds["birmingham"], 1, start=1)
    late = Action.objects.get(reference="1.1", text="TEST step", plan__title="TEST plan")
    late.timescale, late.timescale_text, late.status = dt.date(2023, 3, 1), "Mar-23", "amber"
    late.save()
    html = _get(client, member, "inspection_list", "birmingham").content.decode()
    assert 'Mar-23 <span class="badge text-bg-danger">Overdue</span>' in html


def test_the_kpi_page_reads_its_findings_in_the_same_queries_however_many(
    client, member, visit, django_assert_max_num_queries
):
    """KPI2's findings, each with its inspection and its open actions' updates,
    are read with the rest, not one by one."""
    client.force_login(member)
    url = reverse("kpi_detail", args=["birmingham", "KPI2"])
    _findings_with_actions(visit["inspection"], 1)
    with django_assert_max_num_queries(80) as few:
        assert client.get(url).status_code == 200
    queries = len(few.captured_queries)
    _findings_with_actions(visit["inspection"], 4)
    with django_assert_max_num_queries(queries):
        html = client.get(url).content.decode()
    assert html.count("TEST step") == 10
