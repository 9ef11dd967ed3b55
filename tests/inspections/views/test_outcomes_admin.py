"""The admin lists Ofsted's imported judgements read only: only an import changes them."""

from django.urls import reverse

from inspections import services
from inspections.models import AuthorityInspection
from tests.inspections.ofsted_files import ods


def test_it_lists_the_imported_judgements_read_only(client, admin_user):
    services.inspection_outcomes_import(name="test.ods", data=ods())
    client.force_login(admin_user)
    listing = client.get(reverse("admin:inspections_authorityinspection_changelist"))
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 5
    row = AuthorityInspection.objects.get(la_code="330", latest_row__isnull=False)
    detail = client.get(reverse("admin:inspections_authorityinspection_change", args=[row.pk]))
    assert detail.status_code == 200 and b"Save" not in detail.content
    add = client.get(reverse("admin:inspections_authorityinspection_add"))
    assert add.status_code == 403
    post = client.post(
        reverse("admin:inspections_authorityinspection_change", args=[row.pk]),
        {"overall_effectiveness": "inadequate"},
    )
    assert post.status_code == 403
    row.refresh_from_db()
    assert row.overall_effectiveness == "good"


def test_it_checks_ownership(client, member, officer):
    for user in (member, officer):
        client.force_login(user)
        response = client.get(reverse("admin:inspections_authorityinspection_changelist"))
        assert response.status_code == 302  # to the admin log-in: not staff
