"""A commissioner's targets file from the targets page: upload, preview every
row, confirm; all or nothing, with every bad row named."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kpis.models import Organisation, Target, Upload, UploadKind
from tests.conftest import _user

GOOD = b"kpi,valid_from,target,lower,upper\nKPI2,2019-04-01,20,16,23\nKPI1,2018-04-01,85,75,95\n"


def _upload(client, user, content, name="targets-2019.csv", slug="birmingham"):
    client.force_login(user)
    return client.post(
        reverse("targets_upload_start", args=[slug]),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def _snapshot():
    return sorted(Target.objects.values_list("kpi__code", "valid_from", "agreed", "value"))


def test_a_commissioner_previews_then_confirms_a_targets_file(client, commissioner):
    before = _snapshot()
    response = _upload(client, commissioner, GOOD)
    html = response.content.decode()
    assert "1 new, 0 changed, 1 unchanged." in html
    assert "Save these targets" in html
    assert _snapshot() == before  # the preview saves nothing
    upload = Upload.objects.get()
    assert upload.kind == UploadKind.TARGETS
    confirmed = client.post(
        reverse("targets_upload_confirm", args=["birmingham", upload.pk]), follow=True
    )
    assert confirmed.redirect_chain[-1][0] == reverse("targets_edit", args=["birmingham", 2018])
    assert "targets-2019.csv: 1 new, 0 changed, 1 unchanged; saved." in confirmed.content.decode()
    target = Target.objects.get(kpi__code="KPI2", valid_from=dt.date(2019, 4, 1))
    assert (target.value, target.lower, target.upper) == (20, 16, 23)
    record = target.history.get()
    assert (record.history_user, record.history_change_reason) == (
        commissioner,
        "import targets-2019.csv",
    )
    # Confirmed once: the upload's page leads on to the targets it wrote.
    again = client.get(reverse("targets_upload_preview", args=["birmingham", upload.pk]))
    assert again.url == reverse("targets_edit", args=["birmingham", 2018])
    assert target.history.count() == 1


def test_every_bad_row_is_named_and_nothing_is_saved(client, commissioner):
    before = _snapshot()
    bad = (
        b"kpi,valid_from,target,lower,upper\n"
        b"KPI2,2019-04-01,20,16,23\n"
        b"KPI99,2019-04-01,20,16,23\n"
        b"KPI3,2019-04-01,30,35,40\n"
        b"KPI4,April,20,16,23\n"
    )
    html = _upload(client, commissioner, bad).content.decode()
    assert "3 errors" in html and "Save these targets" not in html
    assert "Row 3, column A (kpi):" in html and "KPI99" in html
    assert "Row 4: " in html and "Row 5, column B (valid_from):" in html
    upload = Upload.objects.get()
    response = client.post(
        reverse("targets_upload_confirm", args=["birmingham", upload.pk]), follow=True
    )
    assert "Nothing was saved" in response.content.decode()
    assert _snapshot() == before


def test_a_file_that_is_not_a_targets_file_says_so(client, commissioner):
    html = _upload(client, commissioner, b"kpi,period,value\nKPI1,2018-10,86\n").content.decode()
    assert "The file cannot be read." in html and "valid_from" in html
    assert "Save these targets" not in html


def test_sandwell_agrees_a_target_not_yet_agreed_by_file(client, commissioner):
    content = b"kpi,valid_from,target,lower,upper\nPI1,2018-04-01,90,85,100\n"
    html = _upload(client, commissioner, content, slug="sandwell").content.decode()
    assert "0 new, 1 changed" in html and "Target not yet agreed" in html
    upload = Upload.objects.get()
    client.post(reverse("targets_upload_confirm", args=["sandwell", upload.pk]))
    target = Target.objects.get(kpi__code="PI1", valid_from=dt.date(2018, 4, 1))
    assert (target.agreed, target.value) == (True, Decimal(90))


def test_only_the_uploading_commissioner_sees_the_upload(
    client, commissioner, officer, sandwell_officer, member
):
    _upload(client, commissioner, GOOD)
    upload = Upload.objects.get()
    preview = reverse("targets_upload_preview", args=["birmingham", upload.pk])
    confirm = reverse("targets_upload_confirm", args=["birmingham", upload.pk])
    other = _user("commissioner-2", "Commissioner", [upload.organisation])
    for user, status in ((officer, 403), (member, 403), (sandwell_officer, 404), (other, 404)):
        client.force_login(user)
        assert (client.get(preview).status_code, client.post(confirm).status_code) == (
            status,
            status,
        )
    # Sandwell's commissioner, at Sandwell's address, with Birmingham's upload number.
    sandwell = _user(
        "sandwell-commissioner", "Commissioner", [Organisation.objects.get(slug="sandwell")]
    )
    client.force_login(sandwell)
    assert (
        client.get(reverse("targets_upload_preview", args=["sandwell", upload.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("targets_upload_confirm", args=["sandwell", upload.pk])).status_code
        == 404
    )
    # Nor is a targets file read as readings at the readings preview.
    client.force_login(commissioner)
    readings = reverse("upload_preview", args=["birmingham", upload.pk])
    assert client.get(readings).status_code == 404
    assert not Target.objects.filter(valid_from=dt.date(2019, 4, 1)).exists()


def test_the_upload_form_is_for_commissioners(client, officer, member):
    for user in (officer, member):
        client.force_login(user)
        assert client.get(reverse("targets_upload_start", args=["birmingham"])).status_code == 403
    assert not Upload.objects.exists()
