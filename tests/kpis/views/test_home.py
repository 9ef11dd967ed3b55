import datetime as dt

import pytest
from django.urls import reverse

from kpis import services
from kpis.access import COMMISSIONER
from kpis.models import MonthlyReturn
from tests.conftest import _user


def test_it_lists_organisations_with_rag_counts(client, member):
    client.force_login(member)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    summaries = {s["organisation"].slug: s for s in response.context["summaries"]}
    birmingham = summaries["birmingham"]["counts"]
    assert sum(birmingham.values()) == 15
    assert birmingham == {"red": 0, "amber": 3, "green": 12, "other": 0}  # Oct 2018
    assert summaries["sandwell"]["counts"] == {"red": 0, "amber": 0, "green": 0, "other": 15}
    assert "Birmingham Children&#x27;s Trust" in response.content.decode()


def test_it_sends_anonymous_users_to_log_in(client, seeds):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_checks_ownership(client, sandwell_officer):
    client.force_login(sandwell_officer)
    slugs = [s["organisation"].slug for s in client.get(reverse("home")).context["summaries"]]
    assert slugs == ["sandwell"]


def test_its_query_count_is_constant(client, member, django_assert_max_num_queries):
    client.force_login(member)
    # 11: one of them asks whether the user is a commissioner (the review queue).
    with django_assert_max_num_queries(11):
        response = client.get(reverse("home"))
    # the few queries still give each trust its latest month and its counts
    assert [
        (s["organisation"].slug, s["period"], s["counts"]) for s in response.context["summaries"]
    ] == [
        ("birmingham", dt.date(2018, 10, 1), {"red": 0, "amber": 3, "green": 12, "other": 0}),
        ("sandwell", dt.date(2018, 12, 1), {"red": 0, "amber": 0, "green": 0, "other": 15}),
    ]


def _submit(organisation, period, user, when):
    monthly_return = services.monthly_return_get_or_create(organisation=organisation, period=period)
    services.monthly_return_submit(
        monthly_return=monthly_return, version=monthly_return.version, user=user
    )
    MonthlyReturn.objects.filter(pk=monthly_return.pk).update(submitted_at=when)


@pytest.fixture
def submitted(seeds, officer, sandwell_officer):
    """Sandwell's Jan 2019 submitted before Birmingham's Nov 2018."""
    tz = dt.UTC
    _submit(seeds["birmingham"], dt.date(2018, 11, 1), officer, dt.datetime(2019, 1, 10, tzinfo=tz))
    _submit(
        seeds["sandwell"], dt.date(2019, 1, 1), sandwell_officer,
        dt.datetime(2019, 2, 5, tzinfo=tz),
    )  # fmt: skip
    # An accepted seed month (Oct 2018) is not waiting: it is never listed.


def test_a_commissioner_sees_the_returns_awaiting_review_oldest_first(
    client, commissioner, submitted
):
    client.force_login(commissioner)
    response = client.get(reverse("home"))
    queue = [(r.organisation.slug, r.period) for r in response.context["review_queue"]]
    assert queue == [("birmingham", dt.date(2018, 11, 1)), ("sandwell", dt.date(2019, 1, 1))]
    html = response.content.decode()
    assert "Returns awaiting your review" in html
    birmingham = reverse("return_detail", args=["birmingham", "2018-11"])
    sandwell = reverse("return_detail", args=["sandwell", "2019-01"])
    assert html.index(birmingham) < html.index(sandwell)
    assert "submitted 10 Jan 2019 00:00 by officer" in html


def test_a_commissioner_of_one_trust_sees_only_its_returns(client, seeds, submitted):
    sandwell_only = _user("sandwell-commissioner", COMMISSIONER, [seeds["sandwell"]])
    client.force_login(sandwell_only)
    queue = client.get(reverse("home")).context["review_queue"]
    assert [(r.organisation.slug, r.period) for r in queue] == [("sandwell", dt.date(2019, 1, 1))]


def test_a_commissioner_with_nothing_waiting_is_told(client, commissioner):
    client.force_login(commissioner)
    assert "No returns are waiting for review." in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("role", ["member", "officer", "sandwell_officer"])
def test_other_roles_have_no_review_queue(client, request, submitted, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("home"))
    assert response.context["review_queue"] == []
    assert "Returns awaiting your review" not in response.content.decode()


def test_a_superuser_sees_every_waiting_return(client, admin_user, submitted):
    client.force_login(admin_user)
    assert len(client.get(reverse("home")).context["review_queue"]) == 2
