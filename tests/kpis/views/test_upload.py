import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from kpis import imports
from kpis.models import Reading, Upload

# The trust enters or imports the seed months here: they have no return yet.
pytestmark = pytest.mark.usefixtures("unreturned_seeds")


def _upload(client, user, name, content, slug="birmingham"):
    client.force_login(user)
    response = client.post(
        reverse("upload_start", args=[slug]), {"file": SimpleUploadedFile(name, content)}
    )
    return response


def _snapshot():
    return sorted(Reading.objects.values_list("kpi__code", "period", "value"))


def test_an_officer_previews_then_confirms_a_long_csv(client, officer):
    csv = b"kpi,period,value,commentary\nKPI1,2018-10,86,\nKPI2,2018-11,24.1,Rise\n"
    response = _upload(client, officer, "returns.csv", csv)
    upload = Upload.objects.get()
    assert response.url == reverse("upload_preview", args=["birmingham", upload.pk])
    preview = client.get(response.url)
    html = preview.content.decode()
    assert "1 new, 1 changed, 0 unchanged" in html
    assert _snapshot() == _snapshot()  # nothing saved by the preview
    assert not Reading.objects.filter(
        kpi__organisation__slug="birmingham", period=dt.date(2018, 11, 1)
    ).exists()
    client.post(reverse("upload_confirm", args=["birmingham", upload.pk]))
    assert Reading.objects.get(kpi__code="KPI1", kpi__organisation__slug="birmingham",
                               period=dt.date(2018, 10, 1)).value == Decimal("86")  # fmt: skip
    assert Reading.objects.get(kpi__code="KPI2", period=dt.date(2018, 11, 1)).source == "upload"


def test_a_bad_row_is_named_and_nothing_can_be_saved(client, officer):
    before = _snapshot()
    csv = b"kpi,period,value\nKPI1,2018-11,86\nKPI2,2018-11,n/a\nKPI99,2018-11,3\n"
    response = _upload(client, officer, "returns.csv", csv)
    html = client.get(response.url).content.decode()
    assert "Row 3" in html and "Row 4" in html
    assert "Save these readings" not in html
    upload = Upload.objects.get()
    client.post(reverse("upload_confirm", args=["birmingham", upload.pk]))
    assert _snapshot() == before


def test_a_wide_xlsx_is_read(client, officer):
    workbook = Workbook()
    workbook.active.append(["kpi", "Nov-18", "Dec-18"])
    workbook.active.append(["KPI1", 86, 87])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(client, officer, "wide.xlsx", buffer.getvalue())
    assert "2 new, 0 changed" in client.get(response.url).content.decode()


def test_an_oversized_file_is_refused_before_parsing(client, officer):
    response = _upload(client, officer, "big.csv", b"x" * (imports.MAX_UPLOAD_BYTES + 1))
    assert response.status_code == 200
    assert "larger than 5 MB" in response.content.decode()
    assert not Upload.objects.exists()


def test_a_file_of_the_wrong_type_is_refused_clearly(client, officer):
    response = _upload(client, officer, "report.pdf", b"%PDF-1.4 ...")
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [imports.WRONG_TYPE.format(name="report.pdf")]
    assert not Upload.objects.exists()  # refused before it was stored


def test_it_checks_ownership(client, officer, sandwell_officer, member):
    response = _upload(client, officer, "r.csv", b"kpi,period,value\nKPI1,2018-11,86\n")
    upload = Upload.objects.get()
    client.force_login(sandwell_officer)
    assert client.get(reverse("upload_preview", args=["birmingham", upload.pk])).status_code == 404
    assert client.get(reverse("upload_preview", args=["sandwell", upload.pk])).status_code == 404
    assert client.post(reverse("upload_confirm", args=["sandwell", upload.pk])).status_code == 404
    client.force_login(member)
    assert client.get(reverse("upload_start", args=["birmingham"])).status_code == 403
    assert response.status_code == 302
