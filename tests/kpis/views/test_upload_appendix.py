"""The upload page takes Sandwell's Appendix 1 unedited: the preview shows
how each column is read and the rows skipped, lets the officer correct it,
offers the comparators, and remembers the confirmed mapping."""

import datetime as dt
import io
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kpis.imports.messages import MAPPING_UNKNOWN_HEADING
from kpis.imports.readings import readings_import
from kpis.models import KPI, Comparator, ImportMapping, Reading, Upload
from kpis.periods import format_period, month_start
from tests.kpis.imports.appendix import appendix_csv, appendix_xlsx, printed_rows, seed_readings
from tests.kpis.imports.cases import snapshot

# The trust enters or imports the seed months here: they have no return yet.
pytestmark = pytest.mark.usefixtures("unreturned_seeds")


def _upload(client, user, name, content, slug="sandwell"):
    client.force_login(user)
    response = client.post(
        reverse("upload_start", args=[slug]), {"file": SimpleUploadedFile(name, content)}
    )
    return Upload.objects.latest("pk"), response


def _fresh(sandwell):
    Reading.objects.filter(kpi__organisation=sandwell).delete()
    Comparator.objects.filter(kpi__organisation=sandwell).delete()


def _as_found():
    """The correction form as the preview fills it for the appendix."""
    form = {f"role_{i}": "ignore" for i in range(25)}
    form.update({"role_0": "kpi", "role_1": "title"})
    form.update({f"role_{i}": "month" for i in range(8, 20)})
    form.update({"role_5": "comparator:statistical_neighbours", "role_6": "comparator:england"})
    form["role_7"] = "comparator:region"
    return form


def _renamed():
    rows = printed_rows()
    rows[2][3] = "Portfolio"  # D: a heading the import does not know
    return appendix_csv(rows)


def test_the_appendix_uploads_unedited_with_its_mapping_shown_first(
    client, seeds, sandwell_officer, django_assert_max_num_queries
):
    _fresh(seeds["sandwell"])
    upload, response = _upload(client, sandwell_officer, "appendix.xlsx", appendix_xlsx())
    assert response.url == reverse("upload_preview", args=["sandwell", upload.pk])
    before = snapshot()
    # 16: a constant, however many rows (the rows' KPIs, targets and the
    # readings the plausibility check reads, once each).
    with django_assert_max_num_queries(16):
        preview = client.get(response.url)
    html = preview.content.decode()
    assert "180 new, 0 changed, 0 unchanged" in html
    assert "Headings in row 3, found from the headings." in html
    assert "SANDWELL CHILDRENS TRUST KEY PERFORMANCE INDICATORS</td><td>The KPI: its code" in html
    assert "Ignored: worked out from the months" in html
    assert "Comparator: the region (West Midlands) average" in html
    assert "<li>Row 1: a title above the heading row</li>" in html
    assert "<li>Row 4: a sub-heading row</li>" in html
    assert "<li>Row 20: a note under the table</li>" in html
    assert "Also save these 15 comparators for 2018" in html
    # A GET writes nothing.
    assert snapshot() == before
    assert ImportMapping.objects.count() == 0
    upload.refresh_from_db()
    assert upload.mapping is None and upload.saved_at is None

    confirm = client.post(
        reverse("upload_confirm", args=["sandwell", upload.pk]), {"comparators": "on"}, follow=True
    )
    # Twelve months saved: the returns list, showing those twelve.
    months = ",".join(f"2018-{m:02d}" for m in range(1, 13))
    assert confirm.redirect_chain[-1][0] == reverse(
        "return_list", args=["sandwell"]
    ) + "?" + urlencode({"months": months})
    saved = {
        (r.kpi.code, r.period): r.value
        for r in Reading.objects.filter(kpi__organisation=seeds["sandwell"]).select_related("kpi")
    }
    assert saved == seed_readings()
    assert Comparator.objects.filter(kpi__organisation=seeds["sandwell"]).count() == 15
    remembered = ImportMapping.objects.get()
    assert (remembered.organisation, remembered.confirmed_by) == (
        seeds["sandwell"],
        sandwell_officer,
    )


def test_comparators_are_saved_only_when_chosen(client, seeds, sandwell_officer):
    _fresh(seeds["sandwell"])
    upload, _ = _upload(client, sandwell_officer, "appendix.csv", appendix_csv())
    client.post(reverse("upload_confirm", args=["sandwell", upload.pk]))
    assert Reading.objects.filter(kpi__organisation=seeds["sandwell"]).count() == 180
    assert Comparator.objects.filter(kpi__organisation=seeds["sandwell"]).count() == 0


def test_the_seeded_sandwell_sees_its_appendix_unchanged(client, seeds, sandwell_officer):
    upload, response = _upload(client, sandwell_officer, "appendix.csv", appendix_csv())
    html = client.get(response.url).content.decode()
    assert "0 new, 0 changed, 180 unchanged" in html
    assert html.count("<td>unchanged</td>") == 15


def test_the_officer_corrects_the_mapping_and_it_is_remembered(client, seeds, sandwell_officer):
    upload, response = _upload(client, sandwell_officer, "appendix.csv", _renamed())
    html = client.get(response.url).content.decode()
    assert (
        MAPPING_UNKNOWN_HEADING.format(column="D", text="Portfolio", row=3).replace("'", "&#x27;")
        in html
    )
    assert 'name="role_3"' in html
    before = snapshot()
    form = _as_found()  # D, "Portfolio", set to ignore
    corrected = client.post(reverse("upload_mapping", args=["sandwell", upload.pk]), form)
    assert corrected.url == reverse("upload_preview", args=["sandwell", upload.pk])
    assert snapshot() == before
    assert ImportMapping.objects.count() == 0  # remembered only on confirming
    html = client.get(corrected.url).content.decode()
    assert "Headings in row 3, as you chose below." in html
    assert "0 new, 0 changed, 180 unchanged" in html
    client.post(reverse("upload_confirm", args=["sandwell", upload.pk]))
    assert ImportMapping.objects.count() == 1

    # The next file with these headings is read the same way, with nothing to correct.
    _, response = _upload(client, sandwell_officer, "appendix-february.csv", _renamed())
    html = client.get(response.url).content.decode()
    assert "as remembered from Sandwell Children&#x27;s Trust's last confirmed file" in html
    assert "0 new, 0 changed, 180 unchanged" in html
    assert "Ignored: chosen to be ignored" in html


def test_a_correction_with_a_bad_month_is_refused_and_kept_out(client, seeds, sandwell_officer):
    upload, _ = _upload(client, sandwell_officer, "appendix.csv", appendix_csv())
    response = client.post(
        reverse("upload_mapping", args=["sandwell", upload.pk]),
        {**_as_found(), "period_8": "2018-13"},
    )
    assert response.status_code == 400
    assert "&#x27;2018-13&#x27; is not a month" in response.content.decode()
    upload.refresh_from_db()
    assert upload.mapping is None


@pytest.mark.parametrize(
    "role, status",
    [("anonymous", 302), ("member", 403), ("officer", 404), ("sandwell_officer", 302),
     ("commissioner", 404), ("admin_user", 404)],
)  # fmt: skip
def test_it_checks_ownership_of_the_mapping_correction(
    client, seeds, sandwell_officer, role, status, request
):
    upload, _ = _upload(client, sandwell_officer, "appendix.csv", appendix_csv())
    client.logout()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.post(reverse("upload_mapping", args=["sandwell", upload.pk]), _as_found())
    assert response.status_code == status
    if role == "sandwell_officer":
        assert response.url == reverse("upload_preview", args=["sandwell", upload.pk])
    else:
        upload.refresh_from_db()
        assert upload.mapping is None


def test_the_mapping_correction_is_post_only(client, seeds, sandwell_officer):
    upload, _ = _upload(client, sandwell_officer, "appendix.csv", appendix_csv())
    assert client.get(reverse("upload_mapping", args=["sandwell", upload.pk])).status_code == 405


# --- The blank template ---------------------------------------------------------


def _this_contract_year():
    today = month_start(dt.date.today())
    first = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    return first, today


def test_the_templates_list_the_organisations_kpis_and_this_years_months(
    client, seeds, officer, django_assert_max_num_queries
):
    client.force_login(officer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("upload_template_csv", args=["birmingham"]))
    lines = response.content.decode().splitlines()
    first, today = _this_contract_year()
    heading = lines[0].split(",")
    assert heading[:3] == ["kpi", "title", format_period(first)]
    assert heading[-1] == format_period(today)
    codes = [line.split(",")[0] for line in lines[1:]]
    assert codes == list(
        KPI.objects.filter(organisation=seeds["birmingham"])
        .order_by("pk")
        .values_list("code", flat=True)
    )
    assert response["Content-Disposition"].startswith('attachment; filename="birmingham-readings-')

    xlsx = client.get(reverse("upload_template_xlsx", args=["birmingham"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in next(sheet.iter_rows(max_row=1))][:2] == ["kpi", "title"]


def test_a_filled_template_imports_cleanly_and_its_text_is_formula_neutral(client, seeds, officer):
    kpi = KPI.objects.get(organisation=seeds["birmingham"], code="KPI1")
    kpi.title = '=HYPERLINK("http://example.invalid")'
    kpi.save()
    client.force_login(officer)
    for fmt in ("csv", "xlsx"):
        data = client.get(reverse(f"upload_template_{fmt}", args=["birmingham"])).content
        if fmt == "csv":
            assert "'=HYPERLINK" in data.decode()
            lines = data.decode().splitlines()
            # Fill in this month for KPI1, as an officer would.
            lines[1] = lines[1][: lines[1].rfind(",")] + ",85"
            data = "\n".join(lines).encode()
        else:
            book = load_workbook(io.BytesIO(data))
            sheet = book.active
            assert sheet["B2"].value.startswith("'=")
            sheet.cell(row=2, column=sheet.max_column).value = 85
            buffer = io.BytesIO()
            book.save(buffer)
            data = buffer.getvalue()
        result = readings_import(
            organisation=seeds["birmingham"], name=f"t.{fmt}", data=data, dry_run=True
        )
        assert result.errors == []
        assert [
            (r.kpi_code, r.value) for r in [*result.new, *(row for row, _ in result.changed)]
        ] == [("KPI1", 85)]
