from django.urls import reverse


def _page(client, user, slug="birmingham", year=2018):
    client.force_login(user)
    return client.get(reverse("compliance", args=[slug, year]))


def test_it_shows_every_month_of_the_contract_year_with_its_status(client, member):
    response = _page(client, member)
    months = response.context["months"]
    assert (months[0].isoformat(), months[-1].isoformat(), len(months)) == (
        "2018-04-01",
        "2019-03-01",
        12,
    )
    kpi2 = next(r for r in response.context["rows"] if r.kpi.code == "KPI2")
    # Before the first reading: no status; Oct amber; after it: missing.
    assert kpi2.statuses[:6] == [None] * 6
    assert kpi2.statuses[6] == "amber"
    assert set(kpi2.statuses[7:]) == {"missing"}
    assert (kpi2.met, kpi2.rated, kpi2.label) == (1, 6, "1/6 — 17%")


def test_a_kpi_without_targets_is_rated_no_target_and_counts_nothing(client, member):
    rows = _page(client, member, "sandwell").context["rows"]
    pi1 = next(r for r in rows if r.kpi.code == "PI1")
    assert pi1.statuses[:9] == ["no_target"] * 9  # Apr–Dec 2018
    assert (pi1.met, pi1.rated, pi1.label) == (0, 0, "")


def test_it_checks_ownership(client, sandwell_officer):
    assert _page(client, sandwell_officer).status_code == 404
