import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kpis import services
from kpis.models import KPI, MonthlyReturn, Organisation, Reading

# The trust enters or imports the seed months here: they have no return yet.
pytestmark = pytest.mark.usefixtures("unreturned_seeds")

NOV = "2018-11"


def _kpi(code):
    return KPI.objects.get(organisation__slug="birmingham", code=code)


def _post(client, user, data, period=NOV, slug="birmingham"):
    client.force_login(user)
    return client.post(reverse("return_detail", args=[slug, period]), data, follow=True)


def _form(client, user, period=NOV):
    client.force_login(user)
    return client.get(reverse("return_detail", args=["birmingham", period]))


def test_an_officer_sees_every_kpi_with_its_target(client, officer):
    response = _form(client, officer)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="form-control form-control-sm value-input') == 15
    assert "21% (17–24%)" in html
    assert response.context["monthly_return"].state == "draft"


def test_an_officer_saves_a_draft(client, officer):
    version = _form(client, officer).context["monthly_return"].version
    response = _post(client, officer, {"version": version, f"value_{_kpi('KPI2').pk}": "24%",
                                       f"commentary_{_kpi('KPI2').pk}": "Up from 22%."})  # fmt: skip
    assert "Draft saved." in response.content.decode()
    reading = Reading.objects.get(kpi=_kpi("KPI2"), period=dt.date(2018, 11, 1))
    assert (reading.value, reading.commentary, reading.entered_by) == (
        Decimal("24"), "Up from 22%.", officer,
    )  # fmt: skip


def test_a_value_from_numerator_and_denominator(client, officer):
    kpi = _kpi("KPI1")
    _post(
        client,
        officer,
        {"version": 1, f"numerator_{kpi.pk}": "170", f"denominator_{kpi.pk}": "200"},
    )
    assert Reading.objects.get(kpi=kpi, period=dt.date(2018, 11, 1)).value == Decimal("85")


def test_a_rejected_form_keeps_what_was_typed_and_saves_nothing(client, officer):
    kpi1, kpi2 = _kpi("KPI1"), _kpi("KPI2")
    response = _post(client, officer, {
        "version": 1, f"value_{kpi1.pk}": "85", f"value_{kpi2.pk}": "n/a",
        f"commentary_{kpi1.pk}": "Typed with care",
    })  # fmt: skip
    html = response.content.decode()
    assert "nothing has been saved" in html
    # Said as the form has it: a box to leave blank, not a file's layouts.
    assert "&#x27;n/a&#x27; is not a number: when there is no reading, leave the box blank" in html
    assert "layout" not in html
    assert 'value="n/a"' in html and 'value="85"' in html and "Typed with care" in html
    assert not Reading.objects.filter(
        kpi__organisation__slug="birmingham", period=dt.date(2018, 11, 1)
    ).exists()


def test_submit_needs_commentary_on_red_and_keeps_the_draft(client, officer):
    kpi2 = _kpi("KPI2")
    response = _post(
        client, officer, {"version": 1, f"value_{kpi2.pk}": "24.1", "action": "submit"}
    )
    assert "KPI2 is Red: explain the variance" in response.content.decode()
    assert MonthlyReturn.objects.get(period=dt.date(2018, 11, 1)).state == "draft"
    # The value itself was saved as a draft.
    assert Reading.objects.get(kpi=kpi2, period=dt.date(2018, 11, 1)).value == Decimal("24.1")


def test_the_red_refusal_is_an_error_on_its_commentary_box(client, officer):
    """In the error summary, linked to the box, the box marked invalid and
    described by it, and the summary saying the draft was saved."""
    kpi2 = _kpi("KPI2")
    response = _post(
        client, officer, {"version": 1, f"value_{kpi2.pk}": "24.1", "action": "submit"}
    )
    form = response.context["form"]
    message = "KPI2 is Red: explain the variance in the commentary before submitting."
    assert form.errors == {f"commentary_{kpi2.pk}": [message]}
    html = response.content.decode()
    summary = html[html.index('class="alert alert-danger error-summary"') :]
    assert summary.index("Saved as a draft, not submitted") < summary.index(
        f'<a class="alert-link" href="#id_commentary_{kpi2.pk}">KPI2 commentary: {message}</a>'
    )
    assert "nothing has been saved" not in html
    box = html[html.index(f'id="id_commentary_{kpi2.pk}"') - 80 :]
    box = box[: box.index("</textarea>")]
    assert 'aria-invalid="true"' in box
    assert f'aria-describedby="id_commentary_{kpi2.pk}-error"' in box
    assert (
        f'<div class="invalid-feedback" id="id_commentary_{kpi2.pk}-error">{message}</div>' in html
    )
    # Said once, in the summary, not again in a second alert above it.
    assert html.count(message) == 2  # the summary and the box's own error


def test_after_a_refused_submit_one_correction_submits(client, officer):
    """The refusal saved the draft and moved its version on: the page carries
    the new version and everything typed, so adding the commentary submits."""
    kpi1, kpi2 = _kpi("KPI1"), _kpi("KPI2")
    typed = {"version": 1, f"value_{kpi2.pk}": "24.1", f"value_{kpi1.pk}": "85",
             f"commentary_{kpi1.pk}": "Typed with care", "action": "submit"}  # fmt: skip
    response = _post(client, officer, typed)
    form = response.context["form"]
    saved = MonthlyReturn.objects.get(period=dt.date(2018, 11, 1))
    assert form["version"].value() == str(saved.version) != "1"
    html = response.content.decode()
    assert f'name="version" value="{saved.version}"' in html
    assert 'value="24.1"' in html and 'value="85"' in html and "Typed with care" in html
    # The status column shows the saved draft's ratings.
    assert "chip-red" in html

    retry = {**form.data.dict(), f"commentary_{kpi2.pk}": "Rise after the threshold change."}
    response = _post(client, officer, retry)
    assert "Return submitted to the commissioners." in response.content.decode()
    assert MonthlyReturn.objects.get(pk=saved.pk).state == "submitted"
    reading = Reading.objects.get(kpi=kpi2, period=dt.date(2018, 11, 1))
    assert reading.commentary == "Rise after the threshold change."


def test_a_second_editor_from_an_older_copy_is_refused_and_keeps_their_input(
    client, officer, commissioner
):
    kpi2 = _kpi("KPI2")
    _post(client, officer, {"version": 1, f"value_{kpi2.pk}": "22"})
    response = _post(client, commissioner, {"version": 1, f"value_{kpi2.pk}": "23"})
    html = response.content.decode()
    assert "Someone else saved this return" in html
    assert 'value="23"' in html
    assert Reading.objects.get(kpi=kpi2, period=dt.date(2018, 11, 1)).value == Decimal("22")


def test_the_commissioner_accepts_and_the_officer_can_no_longer_edit(client, officer, commissioner):
    kpi2 = _kpi("KPI2")
    _post(client, officer, {"version": 1, f"value_{kpi2.pk}": "22", "action": "submit"})
    monthly_return = MonthlyReturn.objects.get(period=dt.date(2018, 11, 1))
    assert monthly_return.state == "submitted"
    client.force_login(commissioner)
    client.post(reverse("return_review", args=["birmingham", NOV]),
                {"version": monthly_return.version, "action": "accept"})  # fmt: skip
    assert MonthlyReturn.objects.get(pk=monthly_return.pk).state == "accepted"
    response = _form(client, officer)
    assert "value-input" not in response.content.decode()
    response = _post(
        client, officer, {"version": monthly_return.version + 1, f"value_{kpi2.pk}": "1"}
    )
    assert "cannot be changed now" in response.content.decode()
    assert Reading.objects.get(kpi=kpi2, period=dt.date(2018, 11, 1)).value == Decimal("22")


def test_the_live_preview_rates_with_the_target_in_force(client, officer):
    client.force_login(officer)
    url = reverse("return_preview", args=["birmingham", NOV])
    kpi2 = _kpi("KPI2")
    answers = {
        v: client.post(url, {"kpi": kpi2.pk, "value": v}).json()
        for v in ("21", "24", "24.1", "abc")
    }
    assert answers["21"]["status"] == "green"
    assert {k: answers["24"][k] for k in ("status", "label", "error", "shown")} == {
        "status": "amber", "label": "Amber", "error": "", "shown": "24%"
    }  # fmt: skip
    assert answers["24.1"]["status"] == "red"
    assert answers["abc"]["status"] == "" and "'abc' is not a number" in answers["abc"]["error"]


def test_the_live_preview_gives_the_forms_advice_for_no_reading(client, officer):
    client.force_login(officer)
    url = reverse("return_preview", args=["birmingham", NOV])
    answer = client.post(url, {"kpi": _kpi("KPI2").pk, "value": "n/a"}).json()
    assert answer["error"] == "'n/a' is not a number: when there is no reading, leave the box blank"


def test_the_returns_page_shows_states_and_overdue_months(client, member, officer):
    # A trust whose returns still come in: every month after Oct 2018 is held.
    Organisation.objects.filter(slug="birmingham").update(held_until=None)
    services.monthly_return_submit(
        monthly_return=services.monthly_return_get_or_create(
            organisation=officer.organisations.get(), period=dt.date(2018, 10, 1)
        ),
        version=1, user=officer,
    )  # fmt: skip
    client.force_login(member)
    # Oct and Nov 2018 are on the list's last page; the state filter finds them.
    response = client.get(reverse("return_list", args=["birmingham"]), {"state": "submitted"})
    assert [(m.period, m.state) for m in response.context["months"]] == [
        (dt.date(2018, 10, 1), "submitted")
    ]
    overdue = client.get(reverse("return_list", args=["birmingham"]), {"state": "overdue"})
    last = overdue.context["page"].paginator.num_pages
    response = client.get(
        reverse("return_list", args=["birmingham"]), {"state": "overdue", "page": last}
    )
    months = {m.period: m for m in response.context["months"]}
    assert months[dt.date(2018, 11, 1)].overdue is True  # due 17 Dec 2018, never submitted
    assert "Overdue" in response.content.decode()


def test_it_checks_ownership(client, sandwell_officer, member):
    assert _form(client, sandwell_officer).status_code == 404
    client.force_login(member)
    response = client.post(reverse("return_detail", args=["birmingham", "2018-10"]), {"version": 1})
    assert response.status_code == 403


def test_opening_a_month_nobody_started_creates_no_return(client, member, officer):
    response = _form(client, officer)
    assert response.context["monthly_return"].state == "draft"
    client.force_login(member)
    client.get(reverse("return_detail", args=["birmingham", NOV]))
    assert MonthlyReturn.objects.filter(period=dt.date(2018, 11, 1)).exists() is False
    assert MonthlyReturn.history.count() == 0


def test_reviewing_a_month_nobody_started_is_refused_and_creates_nothing(client, commissioner):
    client.force_login(commissioner)
    response = client.post(
        reverse("return_review", args=["birmingham", NOV]),
        {"version": 1, "action": "accept"},
        follow=True,
    )
    assert "The return for November 2018 is draft; it cannot be changed now." in (
        response.content.decode()
    )
    assert MonthlyReturn.objects.filter(period=dt.date(2018, 11, 1)).exists() is False


def test_months_after_the_held_span_are_neither_listed_nor_overdue(client, member):
    """The seeds give Sandwell Jan–Dec 2018: nothing after Dec 2018 is owed."""
    client.force_login(member)
    response = client.get(reverse("return_list", args=["sandwell"]))
    months = [m.period for m in response.context["months"]]
    assert months[0] == dt.date(2018, 12, 1) and months[-1] == dt.date(2018, 1, 1)
    assert len(months) == 12


@pytest.mark.parametrize(
    ("period", "reader", "status"),
    [
        ("2099-01", "officer", 404),  # a month to come
        ("1950-01", "officer", 404),  # long before the held span, nothing in it
        ("2018-09", "member", 404),  # just before Birmingham's span (Oct 2018)
        ("2018-10", "member", 200),  # the span
        ("2018-11", "member", 404),  # after the closed span: not reported
        ("2018-11", "officer", 200),  # ... but the trust's officer may report it
    ],
)
def test_a_month_the_trust_does_not_report_has_no_return_page(
    client, request, period, reader, status
):
    client.force_login(request.getfixturevalue(reader))
    assert client.get(reverse("return_detail", args=["birmingham", period])).status_code == status
    assert not MonthlyReturn.objects.filter(period__year__in=[1950, 2099]).exists()


def test_after_a_closed_span_the_officer_is_offered_the_next_month(client, officer, member):
    client.force_login(officer)
    html = client.get(reverse("return_list", args=["birmingham"])).content.decode()
    assert (
        "The app holds Birmingham Children&#x27;s Trust's returns up to October 2018. "
        '<a href="/o/birmingham/returns/2018-11/">Start the return for November 2018</a>'
    ) in html
    client.force_login(member)
    assert (
        "Start the return"
        not in client.get(reverse("return_list", args=["birmingham"])).content.decode()
    )
