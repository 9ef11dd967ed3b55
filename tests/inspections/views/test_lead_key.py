"""The key of leads: initials → name and role, kept per organisation by its
commissioners, read by everyone who reads the tracker."""

from django.urls import reverse

from inspections.models import Lead

B = "birmingham"


def test_a_commissioner_adds_a_lead_the_tracker_names(client, commissioner, visit):
    client.force_login(commissioner)
    page = client.get(reverse("lead_list", args=[B])).content.decode()
    assert "Not in the key yet" in page
    add = reverse("lead_create", args=[B])
    assert f'href="{add}?initials=GT"' in page
    form = client.get(add, {"initials": "GT"}).content.decode()
    assert 'value="GT"' in form
    assert not Lead.objects.exists()  # the GET wrote nothing
    response = client.post(add, {"initials": "GT", "name": "TEST Name", "role": "TEST Role"})
    assert response.url == reverse("lead_list", args=[B])
    lead = Lead.objects.get()
    assert (lead.organisation.slug, lead.name, lead.role) == (B, "TEST Name", "TEST Role")
    assert lead.history.get().history_user == commissioner


def test_each_lead_is_once_in_the_key(client, commissioner, visit):
    client.force_login(commissioner)
    add = reverse("lead_create", args=[B])
    client.post(add, {"initials": "GT", "name": "TEST one", "role": ""})
    response = client.post(add, {"initials": "GT", "name": "TEST two", "role": ""})
    assert "The key already has GT." in response.content.decode()
    assert 'value="TEST two"' in response.content.decode()
    assert Lead.objects.count() == 1


def test_a_commissioner_corrects_a_lead(client, commissioner, visit):
    client.force_login(commissioner)
    client.post(reverse("lead_create", args=[B]), {"initials": "GT", "name": "TEST", "role": ""})
    lead = Lead.objects.get()
    url = reverse("lead_edit", args=[B, lead.pk])
    client.post(url, {"initials": "GT", "name": "TEST corrected", "role": "TEST role"})
    lead.refresh_from_db()
    assert lead.name == "TEST corrected"


def test_members_read_the_key_but_cannot_change_it(client, member, visit):
    client.force_login(member)
    page = client.get(reverse("lead_list", args=[B])).content.decode()
    assert "GT" in page
    assert "Add to the key" not in page
    response = client.post(reverse("lead_create", args=[B]), {"initials": "X", "name": "Y"})
    assert response.status_code == 403
    assert not Lead.objects.exists()


def test_it_checks_ownership(client, sandwell_officer, commissioner, visit, seeds):
    client.force_login(commissioner)
    client.post(reverse("lead_create", args=[B]), {"initials": "GT", "name": "TEST", "role": ""})
    lead = Lead.objects.get()
    client.force_login(sandwell_officer)
    assert client.get(reverse("lead_list", args=[B])).status_code == 404
    # Birmingham's entry is not Sandwell's to edit, even for a commissioner of both.
    client.force_login(commissioner)
    assert client.get(reverse("lead_edit", args=["sandwell", lead.pk])).status_code == 404


def test_a_commissioner_deletes_a_lead_with_a_reason(client, commissioner, visit):
    client.force_login(commissioner)
    client.post(reverse("lead_create", args=[B]), {"initials": "GT", "name": "TEST", "role": ""})
    lead = Lead.objects.get()
    url = reverse("lead_delete", args=[B, lead.pk])
    page = client.get(url).content.decode()
    assert "the actions keep GT as their lead, shown as not in the key" in page
    client.post(url, {"reason": ""})
    assert Lead.objects.exists()
    client.post(url, {"reason": "TEST left the trust"})
    assert not Lead.objects.exists()
    assert Lead.history.filter(history_type="-").get().history_change_reason == (
        "TEST left the trust"
    )
