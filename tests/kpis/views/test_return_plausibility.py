"""The return form and its live preview: the value from numerator and
denominator, a value that disagrees with them, and a value unusual for its
KPI (kpis/plausibility.py), which needs its tick — at both trusts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kpis.models import KPI, Reading

JAN_19 = "2019-01"  # Sandwell's first month after the seeds (Jan–Dec 2018)


def _kpi(slug, code):
    return KPI.objects.get(organisation__slug=slug, code=code)


def _preview(client, user, slug, period, **typed):
    client.force_login(user)
    kpi = _kpi(slug, typed.pop("code"))
    return client.post(reverse("return_preview", args=[slug, period]), {"kpi": kpi.pk, **typed})


def test_the_preview_works_out_the_value_from_numerator_and_denominator(client, officer):
    answer = _preview(
        client, officer, "birmingham", "2018-11", code="KPI1", numerator="171", denominator="200"
    ).json()
    # KPI1: target 85%, band 75–95%, higher is better.
    assert (answer["value"], answer["shown"], answer["derived"]) == ("85.5", "85.5%", True)
    assert (answer["status"], answer["label"], answer["error"]) == ("green", "Green", "")


def test_the_preview_flags_a_value_that_disagrees_with_them(client, officer):
    answer = _preview(
        client, officer, "birmingham", "2018-11",
        code="KPI1", value="80", numerator="171", denominator="200",
    ).json()  # fmt: skip
    assert answer["status"] == "" and answer["field"] == "value"
    assert "80" in answer["error"] and "85.5" in answer["error"]


def test_the_preview_waits_for_both_parts(client, officer):
    answer = _preview(client, officer, "birmingham", "2018-11", code="KPI1", numerator="171")
    assert answer.json()["field"] == "denominator"


def test_the_preview_asks_about_a_fraction_at_sandwell(client, sandwell_officer):
    answer = _preview(client, sandwell_officer, "sandwell", JAN_19, code="PI1", value="0.9").json()
    assert answer["status"] == "no_target"  # Sandwell agreed no targets for 2018/19
    assert answer["unusual"].endswith("Did you mean 90%?")
    usual = _preview(client, sandwell_officer, "sandwell", JAN_19, code="PI1", value="90").json()
    assert usual["unusual"] == ""


def test_birminghams_one_reading_is_too_few_to_call_anything_unusual(client, officer):
    # Birmingham holds Oct 2018 only: below three readings nothing is unusual.
    answer = _preview(client, officer, "birmingham", "2018-11", code="KPI1", value="0.9").json()
    assert answer["status"] == "red" and answer["unusual"] == ""


@pytest.mark.parametrize(
    "user, status", [("member", 403), ("commissioner", 200), ("sandwell_officer", 404)]
)
def test_the_preview_answers_by_role(client, request, user, status):
    response = _preview(
        client, request.getfixturevalue(user), "birmingham", "2018-11",
        code="KPI1", numerator="171", denominator="200",
    )  # fmt: skip
    assert response.status_code == status


def _post(client, user, data, slug="sandwell", period=JAN_19):
    client.force_login(user)
    url = reverse("return_detail", args=[slug, period])
    version = client.get(url).context["monthly_return"].version
    return client.post(url, {"version": version, "action": "save", **data})


def test_a_fraction_is_not_saved_until_confirmed(client, sandwell_officer):
    pi1 = _kpi("sandwell", "PI1")
    response = _post(client, sandwell_officer, {f"value_{pi1.pk}": "0.9"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "0.9 is unusual for PI1" in html and "Did you mean 90%?" in html
    assert f'name="confirm_{pi1.pk}"' in html
    assert not Reading.objects.filter(kpi=pi1, period=dt.date(2019, 1, 1)).exists()
    response = _post(
        client, sandwell_officer, {f"value_{pi1.pk}": "0.9", f"confirm_{pi1.pk}": "on"}
    )
    assert response.status_code == 302
    assert Reading.objects.get(kpi=pi1, period=dt.date(2019, 1, 1)).value == Decimal("0.9")
    # Saved as confirmed: the next save does not ask again.
    assert _post(client, sandwell_officer, {f"value_{pi1.pk}": "0.9"}).status_code == 302


def test_the_tick_is_kept_when_another_entry_is_refused(client, sandwell_officer):
    pi1, pi3 = _kpi("sandwell", "PI1"), _kpi("sandwell", "PI3")
    response = _post(
        client, sandwell_officer,
        {f"value_{pi1.pk}": "0.9", f"confirm_{pi1.pk}": "on", f"value_{pi3.pk}": "abc"},
    )  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert f'name="confirm_{pi1.pk}" checked' in html
    assert "&#x27;abc&#x27; is not a number" in html
    assert not Reading.objects.filter(kpi__in=[pi1, pi3], period=dt.date(2019, 1, 1)).exists()


def test_a_correction_saves_without_a_tick(client, sandwell_officer):
    pi1 = _kpi("sandwell", "PI1")
    assert _post(client, sandwell_officer, {f"value_{pi1.pk}": "90"}).status_code == 302
    assert Reading.objects.get(kpi=pi1, period=dt.date(2019, 1, 1)).value == Decimal("90")


def test_a_commissioner_entering_the_return_is_asked_too(client, commissioner):
    pi1 = _kpi("sandwell", "PI1")
    response = _post(client, commissioner, {f"value_{pi1.pk}": "0.9"})
    assert "Did you mean 90%?" in response.content.decode()


def test_birmingham_saves_the_value_from_numerator_and_denominator(client, officer):
    kpi1 = _kpi("birmingham", "KPI1")
    data = {f"numerator_{kpi1.pk}": "171", f"denominator_{kpi1.pk}": "200"}
    assert _post(client, officer, data, slug="birmingham", period="2018-11").status_code == 302
    assert Reading.objects.get(kpi=kpi1, period=dt.date(2018, 11, 1)).value == Decimal("85.5")
