import datetime as dt

from django.urls import reverse

from inspections.models import Action, Finding, Inspection


def _post(client, user, name, args, data):
    client.force_login(user)
    return client.post(reverse(name, args=args), data)


INSPECTION = {
    "kind": "focused_visit",
    "title": "TEST focused visit",
    "start_date": "2024-02-06",
    "end_date": "2024-02-07",
    "lead_inspector": "TEST inspector",
}


def test_a_commissioner_records_an_inspection(client, commissioner):
    response = _post(client, commissioner, "inspection_create", ["birmingham"], INSPECTION)
    inspection = Inspection.objects.get(title="TEST focused visit")
    assert response.status_code == 302
    assert response.url == reverse("inspection_detail", args=["birmingham", inspection.pk])
    assert inspection.organisation.slug == "birmingham"
    assert inspection.end_date == dt.date(2024, 2, 7)


def test_a_rejected_form_keeps_what_was_typed(client, commissioner):
    data = {**INSPECTION, "end_date": "2024-02-01"}
    response = _post(client, commissioner, "inspection_create", ["birmingham"], data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The last day cannot be before the first day." in html
    assert 'value="TEST focused visit"' in html
    assert not Inspection.objects.filter(title="TEST focused visit").exists()


def test_a_statutory_requirement_needs_a_due_date(client, commissioner, visit):
    url_args = ["birmingham", visit["inspection"].pk]
    data = {"kind": "requirement", "text": "TEST requirement"}
    response = _post(client, commissioner, "finding_create", url_args, data)
    assert "needs the date it is due by" in response.content.decode()
    response = _post(
        client, commissioner, "finding_create", url_args, {**data, "due_date": "2024-03-31"}
    )
    assert response.status_code == 302
    assert Finding.objects.get(text="TEST requirement").due_date == dt.date(2024, 3, 31)


def test_a_commissioner_adds_an_action_with_a_month(client, commissioner, visit):
    data = {
        "number": "3",
        "text": "TEST new action",
        "lead": "GT",
        "timescale": "Sep-24",
        "status": "green",
    }
    _post(client, commissioner, "action_create", ["birmingham", visit["finding"].pk], data)
    action = Action.objects.get(text="TEST new action")
    assert (action.timescale, action.timescale_text, action.plan) == (
        dt.date(2024, 9, 1), "Sep-24", visit["late"].plan,
    )  # fmt: skip


def test_a_progress_update_moves_the_status_and_keeps_history(client, commissioner, visit):
    action = visit["late"]
    for day, status in (("2023-06-15", "red"), ("2023-09-01", "blue")):
        data = {"dated": day, "text": f"TEST progress {day}", "status": status}
        response = _post(client, commissioner, "action_update", ["birmingham", action.pk], data)
        assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "blue"
    assert [u.status for u in action.updates.order_by("dated")] == ["red", "blue"]
    assert action.updates.first().author == commissioner


def test_it_checks_ownership(client, member, officer, sandwell_officer, visit):
    pk = visit["inspection"].pk
    assert _post(client, member, "inspection_create", ["birmingham"], INSPECTION).status_code == 403
    assert _post(client, officer, "finding_create", ["birmingham", pk], {}).status_code == 403
    assert (
        _post(
            client, sandwell_officer, "action_update", ["birmingham", visit["late"].pk], {}
        ).status_code
        == 404
    )
    assert not Inspection.objects.filter(title="TEST focused visit").exists()


def test_each_form_pages_title_names_the_organisation(client, commissioner, visit):
    """A tab's title says whose record is being changed (WCAG 2.4.2)."""
    client.force_login(commissioner)
    for name, args in [
        ("inspection_create", ["birmingham"]),
        ("finding_create", ["birmingham", visit["inspection"].pk]),
        ("action_create", ["birmingham", visit["finding"].pk]),
        ("action_update", ["birmingham", visit["late"].pk]),
    ]:
        response = client.get(reverse(name, args=args))
        title = response.content.decode().split("<title>")[1].split("</title>")[0]
        heading = response.context["heading"]
        assert title == f"{heading} · Birmingham Children&#x27;s Trust · trustmonitor", name
