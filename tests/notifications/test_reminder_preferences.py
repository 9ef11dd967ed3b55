"""The reminder settings page: each person turns each kind they receive off
or on; reading it writes nothing (tests/test_get_never_writes.py)."""

import pytest
from django.urls import reverse

from notifications.models import ReminderPreference

URL = "/account/reminders/"


def test_the_account_menu_links_to_it(client, officer):
    client.force_login(officer)
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()


def test_an_officer_sees_the_kinds_an_officer_receives_all_on(client, officer):
    client.force_login(officer)
    page = client.get(URL).content.decode()
    for label in (
        "A return is due in a few days",
        "A return is overdue",
        "An action I lead is overdue",
        "Your initials as action plans name leads",
    ):
        assert label in page
    assert "A return has been submitted for review" not in page
    assert page.count("checked") == 3
    assert "Your account has no email address" in page
    assert not ReminderPreference.objects.exists()


def test_a_commissioner_sees_submissions_and_actions(client, commissioner):
    client.force_login(commissioner)
    page = client.get(URL).content.decode()
    assert "A return has been submitted for review" in page
    assert "A return is due in a few days" not in page


@pytest.mark.parametrize("role", ["member", "admin_user"])
def test_an_account_that_acts_for_no_organisation_is_told_it_gets_none(client, role, request):
    client.force_login(request.getfixturevalue(role))
    page = client.get(URL).content.decode()
    assert "Your account receives no email reminders" in page
    assert '<form method="post" novalidate>' not in page


def test_saving_turns_off_what_was_unticked_and_keeps_the_rest(client, officer):
    client.force_login(officer)
    response = client.post(URL, {"return_overdue": "on", "lead_initials": " GT "}, follow=True)

    assert "Your reminder settings are saved." in response.content.decode()
    saved = ReminderPreference.objects.get(user=officer)
    assert (saved.return_due, saved.return_overdue, saved.action_overdue) == (False, True, False)
    assert saved.return_submitted is True  # not an officer's to change
    assert saved.lead_initials == "GT"
    page = client.get(URL).content.decode()
    assert page.count("checked") == 1
    assert 'value="GT"' in page


def test_initials_too_long_are_refused_with_what_was_typed_kept(client, officer):
    client.force_login(officer)
    response = client.post(URL, {"return_due": "on", "lead_initials": "ABCDEFGHIJKL"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value has at most 10 characters" in page
    assert 'value="ABCDEFGHIJKL"' in page
    assert not ReminderPreference.objects.exists()
