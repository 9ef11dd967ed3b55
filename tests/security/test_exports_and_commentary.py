"""Exports neutralise every formula starter, the full-width ones too, and
commentary keeps no control characters whichever way it comes in — the
return form, a file, the admin (issue 15, item 9: uploads kept
``\\x1b[31m``, and the exports let ``＝`` through)."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kpis.exports import neutralise
from kpis.models import KPI, Reading, Upload
from tests.fast_fixtures import load_fixtures

pytestmark = pytest.mark.usefixtures("unreturned_seeds")

RED = "\x1b[31mUp after the July changes\x1b[0m\x07"
CLEAN = "Up after the July changes"
NOV = dt.date(2018, 11, 1)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("＝1+1", "'＝1+1"),
        ("＋1+cmd", "'＋1+cmd"),
        ("－1+cmd", "'－1+cmd"),
        ("＠SUM(A1)", "'＠SUM(A1)"),
        ("\n=1+1", "'\n=1+1"),
        # Control characters go; the formula check then sees what is left.
        ("\x1b[31m=1+1", "[31m=1+1"),
        ("\x00=1+1", "'=1+1"),
        ("line one\nline two\tand a tab", "line one\nline two\tand a tab"),
        ("－3.5", "'－3.5"),  # a full-width minus is no number
        ("-3.5", "-3.5"),
    ],
)
def test_neutralise_defuses_full_width_starters_and_drops_control_characters(cell, expected):
    assert neutralise(cell) == expected


def _kpi(code="KPI2"):
    return KPI.objects.get(organisation__slug="birmingham", code=code)


def test_an_uploaded_commentary_keeps_no_escape_sequence(client, officer):
    client.force_login(officer)
    data = f"kpi,period,value,commentary\nKPI2,2018-11,22,{RED}\n".encode()
    for _ in range(2):  # the second upload is the same reading: unchanged
        client.post(reverse("upload_start", args=["birmingham"]),
                    {"file": SimpleUploadedFile("r.csv", data)})  # fmt: skip
        upload = Upload.objects.latest("pk")
        preview = client.get(reverse("upload_preview", args=["birmingham", upload.pk]))
        client.post(reverse("upload_confirm", args=["birmingham", upload.pk]))
    assert len(preview.context["result"].unchanged) == 1
    assert Reading.objects.get(kpi=_kpi(), period=NOV).commentary == CLEAN


def test_a_typed_commentary_keeps_no_control_characters(client, officer):
    client.force_login(officer)
    kpi = _kpi()
    client.post(
        reverse("return_detail", args=["birmingham", "2018-11"]),
        {"version": 1, f"value_{kpi.pk}": "22", f"commentary_{kpi.pk}": RED + "\r\nsee note"},
    )
    assert Reading.objects.get(kpi=kpi, period=NOV).commentary == f"{CLEAN}\nsee note"


def test_the_admin_keeps_no_control_characters_either(client, admin_user, officer):
    reading = Reading.objects.create(kpi=_kpi(), period=NOV, value=22, entered_by=officer)
    client.force_login(admin_user)
    url = reverse("admin:kpis_reading_change", args=[reading.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"commentary": RED, "period": "2018-11-01", "kpi": reading.kpi_id})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    reading.refresh_from_db()
    assert reading.commentary == CLEAN


def test_a_commentary_held_from_before_exports_cleanly(client, member, officer, seeds):
    """A reading saved before this check: the report's CSV and XLSX drop the
    control characters (openpyxl refuses them in a cell: the XLSX was a 500)."""
    Reading.objects.filter(kpi=_kpi("KPI1"), period="2018-10-01").update(
        commentary="＝1+1\x1b[31m\x07"  # (PostgreSQL holds no NUL)
    )
    load_fixtures("seed_returns")  # members read Oct 2018
    client.force_login(member)
    report_csv = client.get("/o/birmingham/report/2018-10/?format=csv").content.decode()
    assert "\x1b" not in report_csv
    assert "'＝1+1[31m" in report_csv
    report_xlsx = client.get("/o/birmingham/report/2018-10/?format=xlsx")
    assert report_xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx.content))
    values = [c.value for sheet in book for row in sheet.iter_rows() for c in row if c.value]
    assert "'＝1+1[31m" in values
