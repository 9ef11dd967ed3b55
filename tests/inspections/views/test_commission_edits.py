"""Commissioners change inspections, judgements, findings, actions and updates
from the app (issue 11): each change in the history with who, when and why; a
delete confirms on its own page and says what goes with it."""

import datetime as dt

import pytest
from django.urls import reverse

from inspections import services
from inspections.models import Action, ActionUpdate, Finding, Inspection, Judgement

B = "birmingham"


def _judgement_rows(rows, extra=2):
    """The formset's fields for (area, grade) rows and ``extra`` blank ones."""
    data = {"judgements-TOTAL_FORMS": str(len(rows) + extra), "judgements-INITIAL_FORMS": "0"}
    for i, (area, grade) in enumerate([*rows, *[("", "")] * extra]):
        data[f"judgements-{i}-area"], data[f"judgements-{i}-grade"] = area, grade
    return data


def _inspection_data(inspection, **changes):
    return {
        "kind": inspection.kind, "title": inspection.title,
        "start_date": inspection.start_date.isoformat(),
        "end_date": inspection.end_date.isoformat() if inspection.end_date else "",
        **changes,
    }  # fmt: skip


def test_a_commissioner_records_an_inspection_with_its_judgements(client, commissioner):
    client.force_login(commissioner)
    data = {
        "kind": "ilacs", "title": "TEST ILACS", "start_date": "2024-02-05",
        **_judgement_rows([("Overall effectiveness", "good"),
                           ("The impact of leaders", "requires_improvement")]),
    }  # fmt: skip
    response = client.post(reverse("inspection_create", args=[B]), data)
    assert response.status_code == 302
    inspection = Inspection.objects.get(title="TEST ILACS")
    assert [(j.area, j.get_grade_display()) for j in inspection.judgements.all()] == [
        ("Overall effectiveness", "Good"),
        ("The impact of leaders", "Requires improvement to be good"),
    ]
    page = client.get(response.url).content.decode()
    assert "Requires improvement to be good" in page


def test_the_inspection_form_offers_the_four_point_scale(client, commissioner, visit):
    client.force_login(commissioner)
    page = client.get(reverse("inspection_edit", args=[B, visit["inspection"].pk])).content
    page = page.decode()
    for words in ("Outstanding", "Good", "Requires improvement to be good", "Inadequate"):
        assert f">{words}</option>" in page
    # The judgements already recorded are in the rows, to change, and the
    # dates in the form a date box reads.
    assert 'value="Overall effectiveness"' in page
    assert 'name="start_date" value="2018-09-03"' in page


def test_a_commissioner_changes_judgements_with_a_reason(client, commissioner, visit):
    inspection = visit["inspection"]
    client.force_login(commissioner)
    data = {
        **_inspection_data(inspection),
        **_judgement_rows([("Overall effectiveness", "inadequate")]),
        "reason": "TEST the letter was misread",
    }
    response = client.post(reverse("inspection_edit", args=[B, inspection.pk]), data)
    assert response.status_code == 302
    assert [(j.area, j.grade) for j in inspection.judgements.all()] == [
        ("Overall effectiveness", "inadequate")
    ]
    # Leadership (Good) went; the change and the deletion are both in the history.
    records = Judgement.history.filter(inspection_id=inspection.pk, history_type__in="~-")
    assert {(r.history_type, r.history_user, r.history_change_reason) for r in records} == {
        ("~", commissioner, "TEST the letter was misread"),
        ("-", commissioner, "TEST the letter was misread"),
    }


def test_an_edit_without_a_reason_is_refused_and_keeps_what_was_typed(client, commissioner, visit):
    inspection = visit["inspection"]
    client.force_login(commissioner)
    data = {
        **_inspection_data(inspection, title="TEST retitled"),
        **_judgement_rows([("Overall effectiveness", "outstanding")]),
        "reason": "  ",
    }
    response = client.post(reverse("inspection_edit", args=[B, inspection.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Say why, for the history." in page
    assert 'value="TEST retitled"' in page
    assert '<option value="outstanding" selected>' in page
    inspection.refresh_from_db()
    assert inspection.title == "TEST full inspection"
    assert inspection.judgements.count() == 2


def test_an_ilacs_judgement_is_on_the_four_point_scale(client, commissioner, visit):
    inspection = visit["inspection"]
    client.force_login(commissioner)
    data = {
        **_inspection_data(inspection),
        **_judgement_rows([("Overall effectiveness", "improved_effectiveness")]),
        "reason": "TEST",
    }
    response = client.post(reverse("inspection_edit", args=[B, inspection.pk]), data)
    assert "An ILACS judgement is on Ofsted&#x27;s four-point scale." in response.content.decode()
    assert inspection.judgements.filter(grade="improved_effectiveness").count() == 0


def test_the_delete_page_says_what_goes_with_it_and_writes_nothing(client, commissioner, visit):
    inspection = visit["inspection"]
    services.action_update_post(
        action=visit["late"], author=commissioner, dated=dt.date(2023, 5, 1), text="TEST",
        status="amber",
    )  # fmt: skip
    client.force_login(commissioner)
    response = client.get(reverse("inspection_delete", args=[B, inspection.pk]))
    assert (
        "Deleting this inspection also deletes its 2 judgements and 1 finding, "
        "with their 2 actions and 1 progress update." in response.content.decode()
    )
    assert Inspection.objects.filter(pk=inspection.pk).exists()


def test_a_delete_needs_a_reason_then_takes_what_goes_with_it(client, commissioner, visit):
    inspection, finding = visit["inspection"], visit["finding"]
    url = reverse("inspection_delete", args=[B, inspection.pk])
    client.force_login(commissioner)
    response = client.post(url, {"reason": ""})
    assert "Nothing has been deleted" in response.content.decode()
    assert Inspection.objects.filter(pk=inspection.pk).exists()

    response = client.post(url, {"reason": "TEST recorded twice"})
    assert response.status_code == 302
    assert not Inspection.objects.filter(pk=inspection.pk).exists()
    assert not Finding.objects.filter(pk=finding.pk).exists()
    assert not Action.objects.filter(pk__in=[visit["late"].pk, visit["done"].pk]).exists()
    gone = Action.history.filter(history_type="-", id__in=[visit["late"].pk, visit["done"].pk])
    assert {(r.history_user, r.history_change_reason) for r in gone} == {
        (commissioner, "TEST recorded twice")
    }
    assert Inspection.history.filter(id=inspection.pk, history_type="-").get().title == (
        "TEST full inspection"
    )


def test_deleting_a_finding_deletes_its_actions_not_orphans_them(client, commissioner, visit):
    finding = visit["finding"]
    client.force_login(commissioner)
    page = client.get(reverse("finding_delete", args=[B, finding.pk])).content.decode()
    assert "Deleting this finding also deletes its 2 actions." in page
    response = client.post(reverse("finding_delete", args=[B, finding.pk]), {"reason": "TEST"})
    assert response.url == reverse("inspection_detail", args=[B, visit["inspection"].pk])
    assert not Action.objects.filter(finding=None, text__startswith="TEST").exists()
    assert not Action.objects.filter(pk=visit["late"].pk).exists()


def test_a_commissioner_edits_a_finding_with_a_reason(client, commissioner, visit):
    finding = visit["finding"]
    client.force_login(commissioner)
    data = {"kind": "area_for_improvement", "text": "TEST reworded", "reason": "TEST typo"}
    response = client.post(reverse("finding_edit", args=[B, finding.pk]), data)
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.text == "TEST reworded"
    assert finding.history.first().history_change_reason == "TEST typo"


def test_an_action_number_is_unique_in_its_plan(client, commissioner, visit):
    late = visit["late"]
    assert (visit["late"].reference, visit["done"].reference) == ("1.1", "1.2")
    client.force_login(commissioner)
    data = {"number": "2", "text": late.text, "lead": "GT", "timescale": "Jul-23",
            "status": "amber", "reason": "TEST renumber"}  # fmt: skip
    response = client.post(reverse("action_edit", args=[B, late.pk]), data)
    page = response.content.decode()
    assert "The plan already has an action 1.2." in page
    assert 'value="Jul-23"' in page
    late.refresh_from_db()
    assert late.reference == "1.1"
    data["number"] = "3"
    response = client.post(reverse("action_edit", args=[B, late.pk]), data)
    late.refresh_from_db()
    assert (late.number, late.reference) == ("3", "1.3")
    assert late.history.first().history_change_reason == "TEST renumber"


def test_an_action_on_a_new_finding_takes_the_next_finding_number(commissioner, visit):
    other = services.finding_create(
        inspection=visit["inspection"], kind="strength", text="TEST another finding"
    )
    action = services.action_create(finding=other, number="1", text="TEST first")
    assert action.reference == "2.1"
    assert action.plan == visit["late"].plan


def test_a_commissioner_deletes_an_action_and_an_update(client, commissioner, visit):
    action = visit["late"]
    update = services.action_update_post(
        action=action, author=commissioner, dated=dt.date(2023, 5, 1), text="TEST wrong",
        status="red",
    )  # fmt: skip
    client.force_login(commissioner)
    page = client.get(reverse("progress_update_delete", args=[B, update.pk])).content.decode()
    assert "the action keeps its status (Red" in page
    client.post(reverse("progress_update_delete", args=[B, update.pk]), {"reason": "TEST dup"})
    assert not ActionUpdate.objects.filter(pk=update.pk).exists()
    page = client.get(reverse("action_delete", args=[B, action.pk])).content.decode()
    assert "Deleting action 1.1 deletes nothing else: it has no updates." in page
    client.post(reverse("action_delete", args=[B, action.pk]), {"reason": "TEST dup"})
    assert not Action.objects.filter(pk=action.pk).exists()


def test_a_commissioner_corrects_an_update(client, commissioner, visit):
    update = services.action_update_post(
        action=visit["late"], author=commissioner, dated=dt.date(2023, 5, 1), text="TEST teh",
        status="amber",
    )  # fmt: skip
    client.force_login(commissioner)
    url = reverse("progress_update_edit", args=[B, update.pk])
    response = client.post(url, {"dated": "2023-05-02", "text": "TEST the", "reason": ""})
    assert "TEST the</textarea>" in response.content.decode()
    client.post(url, {"dated": "2023-05-02", "text": "TEST the", "reason": "TEST spelling"})
    update.refresh_from_db()
    assert (update.dated, update.text) == (dt.date(2023, 5, 2), "TEST the")


@pytest.mark.parametrize("name", ["inspection_edit", "inspection_delete"])
def test_members_and_officers_cannot_change_inspections(client, member, officer, visit, name):
    url = reverse(name, args=[B, visit["inspection"].pk])
    for user in (member, officer):
        client.force_login(user)
        assert client.post(url, {"reason": "TEST"}).status_code == 403
    assert Inspection.objects.filter(pk=visit["inspection"].pk).exists()


def test_it_checks_ownership(client, sandwell_officer, commissioner, visit, seeds):
    client.force_login(sandwell_officer)
    for name, pk in [("inspection_delete", visit["inspection"].pk),
                     ("finding_delete", visit["finding"].pk),
                     ("action_delete", visit["late"].pk)]:  # fmt: skip
        assert client.post(reverse(name, args=[B, pk]), {"reason": "x"}).status_code == 404
    # Birmingham's action asked for under Sandwell's slug is not found either.
    client.force_login(commissioner)
    url = reverse("action_delete", args=["sandwell", visit["late"].pk])
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert Action.objects.filter(pk=visit["late"].pk).exists()
