"""The upload preview as the return form would show each row (unit, target,
status by the rating rules, Red without commentary), its questions about
unusual values and their ticks, and where the officer lands after saving."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kpis.models import Reading, Upload

JAN_19 = dt.date(2019, 1, 1)


def _upload(client, user, content, slug):
    client.force_login(user)
    client.post(
        reverse("upload_start", args=[slug]), {"file": SimpleUploadedFile("r.csv", content)}
    )
    upload = Upload.objects.latest("pk")
    return upload, client.get(reverse("upload_preview", args=[slug, upload.pk]))


def _row(html, kpi):
    start = html.index(f'data-kpi="{kpi}"')
    return html[start : html.index("</tr>", start)]


def test_each_row_shows_its_unit_target_and_status(client, unreturned_seeds, officer):
    csv = (
        b"kpi,period,value,commentary\nKPI1,2018-11,85.5,\nKPI2,2018-11,24.1,\nKPI10,2018-11,200,\n"
    )
    _, response = _upload(client, officer, csv, "birmingham")
    html = response.content.decode()
    kpi1, kpi2 = _row(html, "KPI1"), _row(html, "KPI2")
    assert "<td>%</td>" in kpi1 and "85% (75–95%)" in kpi1 and "Green" in kpi1
    assert "21% (17–24%)" in kpi2 and "Red" in kpi2  # 24.1 is over the band's 24
    assert "Red with no commentary" in kpi2 and "Red with no commentary" not in kpi1
    assert "<td>days</td>" in _row(html, "KPI10")
    assert "1 Red row with no commentary." in html


def test_a_red_row_with_commentary_has_no_warning(client, unreturned_seeds, officer):
    csv = b"kpi,period,value,commentary\nKPI2,2018-11,24.1,Rise in re-referrals\n"
    _, response = _upload(client, officer, csv, "birmingham")
    assert "Red with no commentary" not in response.content.decode()


def test_one_month_saved_lands_on_its_return(client, unreturned_seeds, officer):
    upload, _ = _upload(client, officer, b"kpi,period,value\nKPI1,2018-11,86\n", "birmingham")
    response = client.post(reverse("upload_confirm", args=["birmingham", upload.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "return_detail", args=["birmingham", "2018-11"]
    )
    assert "r.csv: 1 new, 0 changed, 0 unchanged; saved." in response.content.decode()


def test_several_months_land_on_the_returns_list_showing_them(client, seeds, sandwell_officer):
    csv = b"kpi,period,value\nPI1,2019-01,80\nPI1,2019-02,81\n"
    upload, _ = _upload(client, sandwell_officer, csv, "sandwell")
    response = client.post(reverse("upload_confirm", args=["sandwell", upload.pk]), follow=True)
    assert response.redirect_chain[-1][0] == (
        reverse("return_list", args=["sandwell"]) + "?months=2019-01%2C2019-02"
    )
    assert [m.period for m in response.context["months"]] == [dt.date(2019, 2, 1), JAN_19]
    assert "Showing 2 months: Feb 2019, Jan 2019." in response.content.decode()


def test_a_fraction_is_questioned_and_needs_its_tick(client, seeds, sandwell_officer):
    csv = b"kpi,period,value\nPI1,2019-01,0.9\nPI3,2019-01,80\n"
    upload, response = _upload(client, sandwell_officer, csv, "sandwell")
    html = response.content.decode()
    assert "1 value unusual for its KPI." in html
    assert "Row 2 (PI1 Jan 2019): 0.9 is unusual for PI1" in html
    assert "Did you mean 90%?" in _row(html, "PI1")
    assert 'name="unusual" value="2-2019-01"' in html
    url = reverse("upload_confirm", args=["sandwell", upload.pk])
    refused = client.post(url, follow=True)
    # Back on the upload's page, which says why and asks again.
    assert refused.redirect_chain == [
        (reverse("upload_preview", args=["sandwell", upload.pk]), 302)
    ]
    assert "Nothing was saved: 1 unusual value(s) are not confirmed." in refused.content.decode()
    assert 'name="unusual" value="2-2019-01"' in refused.content.decode()
    assert not Reading.objects.filter(kpi__organisation__slug="sandwell", period=JAN_19).exists()
    saved = client.post(url, {"unusual": "2-2019-01"}, follow=True)
    assert saved.redirect_chain[-1][0] == reverse("return_detail", args=["sandwell", "2019-01"])
    assert Reading.objects.get(kpi__code="PI1", period=JAN_19).value == Decimal("0.9")


def test_an_unusual_row_not_ticked_keeps_the_others_ticks(client, seeds, sandwell_officer):
    csv = b"kpi,period,value\nPI1,2019-01,0.9\nPI5,2019-01,812\n"  # PI5's median is 21
    upload, response = _upload(client, sandwell_officer, csv, "sandwell")
    assert "812 is unusual for PI5: it is more than ten times the median" in (
        response.content.decode()
    )
    refused = client.post(
        reverse("upload_confirm", args=["sandwell", upload.pk]), {"unusual": "2-2019-01"},
        follow=True,
    )  # fmt: skip
    html = refused.content.decode()
    assert "Nothing was saved: 1 unusual value(s) are not confirmed." in html
    assert 'value="2-2019-01" id="unusual-2-2019-01" checked' in html
    assert 'value="3-2019-01" id="unusual-3-2019-01">' in html
    assert not Reading.objects.filter(period=JAN_19).exists()


def test_birminghams_one_reading_is_too_few_to_question(client, unreturned_seeds, officer):
    upload, response = _upload(
        client, officer, b"kpi,period,value\nKPI1,2018-11,0.9\n", "birmingham"
    )
    assert "unusual" not in response.content.decode()


def test_a_kpi_whose_target_is_not_yet_agreed_says_so(client, seeds, sandwell_officer):
    """Sandwell's 2018/19 PIs had no target agreed: the row says so, not "()"."""
    _, response = _upload(
        client, sandwell_officer, b"kpi,period,value\nPI3,2019-01,80\n", "sandwell"
    )
    row = _row(response.content.decode(), "PI3")
    assert "Target not yet agreed" in row and "()" not in row
