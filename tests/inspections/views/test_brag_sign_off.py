"""An action's BRAG history, and Blue (complete) only on a commissioner's sign-off."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from inspections import selectors, services
from inspections.models import BRAG, Action, ActionUpdate
from tests.fast_fixtures import load_fixtures

B = "birmingham"


def _post_update(client, user, action, status, day="2023-06-15"):
    client.force_login(user)
    return client.post(
        reverse("action_update", args=[B, action.pk]),
        {"dated": day, "text": f"TEST {status}", "status": status},
    )


def test_an_officer_proposes_complete_and_the_status_stays(client, officer, visit):
    action = visit["late"]
    response = _post_update(client, officer, action, "blue")
    assert response.url == reverse("action_detail", args=[B, action.pk])
    action.refresh_from_db()
    assert action.status == BRAG.AMBER
    assert (action.completion_proposed_by, action.signed_off_by) == (officer, None)
    update = action.updates.get()
    assert (update.status, update.proposes_complete) == ("", True)
    page = client.get(response.url).content.decode()
    assert "Proposed complete by officer" in page
    assert "Sign off as complete" not in page  # only a commissioner signs off


def test_a_commissioner_signs_off_and_it_becomes_blue(client, officer, commissioner, visit):
    action = visit["late"]
    _post_update(client, officer, action, "blue")
    client.force_login(commissioner)
    page = client.get(reverse("action_detail", args=[B, action.pk])).content.decode()
    assert "Sign off as complete (Blue)" in page
    client.post(reverse("action_sign_off", args=[B, action.pk]), {"decision": "sign_off"})
    action.refresh_from_db()
    assert action.status == BRAG.BLUE
    assert action.signed_off_by == commissioner
    assert action.signed_off_at.date() == dt.date.today()
    assert not action.completion_proposed
    page = client.get(reverse("action_detail", args=[B, action.pk])).content.decode()
    assert "signed off by commissioner" in page


def test_a_commissioner_turns_a_proposal_down_with_a_reason(client, officer, commissioner, visit):
    action = visit["late"]
    _post_update(client, officer, action, "blue")
    client.force_login(commissioner)
    url = reverse("action_sign_off", args=[B, action.pk])
    client.post(url, {"decision": "decline", "reason": ""})
    action.refresh_from_db()
    assert action.completion_proposed  # no reason, nothing changed
    client.post(url, {"decision": "decline", "reason": "TEST audit not done"})
    action.refresh_from_db()
    assert (action.status, action.completion_proposed) == (BRAG.AMBER, False)
    assert action.history.first().history_change_reason == "TEST audit not done"


def test_officers_and_members_cannot_sign_off(client, officer, member, visit):
    action = visit["late"]
    for user in (officer, member):
        client.force_login(user)
        url = reverse("action_sign_off", args=[B, action.pk])
        assert client.post(url, {"decision": "sign_off"}).status_code == 403
    action.refresh_from_db()
    assert action.status == BRAG.AMBER


def test_members_cannot_post_updates(client, member, visit):
    assert _post_update(client, member, visit["late"], "red").status_code == 403
    assert not visit["late"].updates.exists()


def test_an_officer_moves_a_status_other_than_blue(client, officer, visit):
    _post_update(client, officer, visit["late"], "red")
    visit["late"].refresh_from_db()
    assert visit["late"].status == BRAG.RED


def test_a_sign_off_refused_by_the_service_for_a_non_commissioner(officer, visit):
    with pytest.raises(PermissionDenied):
        services.action_sign_off(action=visit["late"], user=officer)


def test_the_action_page_shows_each_status_change(client, officer, commissioner, visit):
    action = visit["late"]
    _post_update(client, officer, action, "red", "2023-06-15")
    _post_update(client, commissioner, action, "green", "2023-07-15")
    _post_update(client, officer, action, "blue", "2023-08-15")
    client.force_login(commissioner)
    client.post(reverse("action_sign_off", args=[B, action.pk]), {"decision": "sign_off"})
    response = client.get(reverse("action_detail", args=[B, action.pk]))
    history = response.context["brag_history"]
    assert [(c.status, c.user) for c in history] == [
        (BRAG.AMBER, None), (BRAG.RED, officer), (BRAG.GREEN, commissioner),
        (BRAG.BLUE, commissioner),
    ]  # fmt: skip
    assert history[-1].reason == "Signed off as complete"
    assert history[1].reason == "Update of 15 Jun 2023"


def test_a_member_reads_the_action_page_without_links_to_change_it(client, member, visit):
    client.force_login(member)
    page = client.get(reverse("action_detail", args=[B, visit["late"].pk])).content.decode()
    assert "Action 1.1" in page
    for words in ("Post an update", "Edit the action", "Delete the action"):
        assert words not in page


def test_statuses_the_plan_printed_come_first(client, officer, visit):
    """An update loaded from a plan (no history of its own, as loaddata and
    bulk_create save it) is shown as printed, before the app's changes."""
    action = visit["late"]
    ActionUpdate.objects.bulk_create([
        ActionUpdate(action=action, dated=dt.date(2023, 4, 15), dated_text="Update mid April 23",
                     text="TEST printed", status=BRAG.GREEN),
    ])  # fmt: skip
    _post_update(client, officer, action, "red")
    history = selectors.brag_history(action=action)
    assert [(c.when, c.status, c.reason) for c in history][0] == (
        "Update mid April 23", BRAG.GREEN, "As the plan printed it",
    )  # fmt: skip
    assert [c.status for c in history][1:] == [BRAG.AMBER, BRAG.RED]


def test_a_loaded_actions_first_change_keeps_its_state_as_loaded(client, officer, seeds):
    """Fixtures load without history: the first change records the state as
    loaded first, so the BRAG history starts from the plan's status."""
    load_fixtures("inspections_plans")
    action = Action.objects.get(reference="12.10")
    assert not action.history.exists()
    _post_update(client, officer, action, "amber")
    history = selectors.brag_history(action=action)
    assert [(c.when, c.status, c.user) for c in history][0] == ("As loaded", BRAG.NOT_RATED, None)
    assert [(c.status, c.user) for c in history][1:] == [(BRAG.AMBER, officer)]


def test_a_note_typed_before_signing_off_is_kept_in_the_history(
    client, officer, commissioner, visit
):
    """One form for both buttons: the note is never dropped on a sign-off."""
    action = visit["late"]
    _post_update(client, officer, action, "red", "2023-08-01")
    _post_update(client, officer, action, "blue", "2023-09-01")
    client.force_login(commissioner)
    client.post(
        reverse("action_sign_off", args=[B, action.pk]),
        {"decision": "sign_off", "reason": "TEST evidence seen"},
    )
    history = selectors.brag_history(action=action)
    assert history[-1].status == BRAG.BLUE
    assert history[-1].reason == "Signed off as complete: TEST evidence seen"
    # The day of the month as people write it: "1 Aug", not "01 Aug".
    assert history[-2].reason == "Update of 1 Aug 2023"


def test_the_status_history_reads_as_the_plan_printed_it_then_each_change_with_its_time(
    client, officer, visit
):
    """The action page's "Status history (BRAG)" table, row by row: the
    plan's printed updates oldest first (an undated one first, one that set
    no status left out; same-day ones as loaded), then the app's changes at
    their UK time; a change that kept the status (a proposal of complete) adds
    no row, nor does the app's own record of the status the plan left."""
    import datetime as dt

    action = visit["late"]  # recorded Amber
    ActionUpdate.objects.bulk_create([
        ActionUpdate(action=action, dated=dt.date(2023, 5, 20), text="TEST a", status=BRAG.RED),
        ActionUpdate(action=action, dated=dt.date(2023, 4, 15), dated_text="Update mid April 23",
                     text="TEST b", status=BRAG.GREEN),
        ActionUpdate(action=action, dated=dt.date(2023, 5, 20), text="TEST c", status=BRAG.AMBER),
        ActionUpdate(action=action, dated=None, text="TEST d", status=BRAG.NOT_RATED),
        ActionUpdate(action=action, dated=dt.date(2023, 5, 30), text="TEST note", status=""),
    ])  # fmt: skip
    _post_update(client, officer, action, "red", "2023-06-15")
    _post_update(client, officer, action, "blue", "2023-06-20")  # a proposal: still Red
    # Each change at a known time: 08:05 UTC on 15 June is 09:05 in London.
    for reason, at in [
        ("Recorded", dt.datetime(2023, 6, 1, 9, 0, tzinfo=dt.UTC)),
        ("Update of 15 Jun 2023", dt.datetime(2023, 6, 15, 8, 5, tzinfo=dt.UTC)),
        ("Proposed complete", dt.datetime(2023, 6, 20, 10, 0, tzinfo=dt.UTC)),
    ]:
        action.history.filter(history_change_reason=reason).update(history_date=at)
    client.force_login(officer)
    response = client.get(reverse("action_detail", args=[B, action.pk]))
    history = response.context["brag_history"]
    printed = "As the plan printed it"
    assert [(c.when, c.status, c.user, c.reason) for c in history] == [
        ("", BRAG.NOT_RATED, None, printed),
        ("Update mid April 23", BRAG.GREEN, None, printed),
        ("20 May 2023", BRAG.RED, None, printed),
        ("20 May 2023", BRAG.AMBER, None, printed),
        ("15 Jun 2023 09:05", BRAG.RED, officer, "Update of 15 Jun 2023"),
    ]
    page = response.content.decode()
    assert '<tr><td class="text-nowrap">15 Jun 2023 09:05</td>' in page


def test_a_change_saved_without_a_reason_shows_none(client, officer, admin_user, visit):
    """A status set outside the app's forms (the Django admin keeps no reason)
    is a row with who changed it and an empty reason, not a made-up one."""
    action = Action.objects.get(pk=visit["late"].pk)
    action.status, action._history_user = BRAG.RED, admin_user
    action.save()
    history = selectors.brag_history(action=action)
    assert [(c.status, c.user, c.reason) for c in history] == [
        (BRAG.AMBER, None, "Recorded"), (BRAG.RED, admin_user, ""),
    ]  # fmt: skip


def test_the_action_page_reads_in_the_same_queries_however_long_its_history(
    client, officer, commissioner, visit, django_assert_max_num_queries
):
    """Who made each change is read with the history, not row by row."""
    action = visit["late"]
    url = reverse("action_detail", args=[B, action.pk])
    _post_update(client, officer, action, "red", "2023-06-15")
    client.force_login(officer)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    queries = len(few.captured_queries)  # now: the log is reset on each request
    for n, status in enumerate(["green", "red", "amber", "green"]):
        _post_update(
            client, commissioner if n % 2 else officer, action, status, f"2023-0{n + 6}-20"
        )
    client.force_login(officer)
    with django_assert_max_num_queries(queries):
        response = client.get(url)
    assert [c.user for c in response.context["brag_history"]][-2:] == [officer, commissioner]
