import datetime as dt

from django.urls import reverse


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
    with django_assert_max_num_queries(10):
        response = client.get(reverse("home"))
    # the few queries still give each trust its latest month and its counts
    assert [
        (s["organisation"].slug, s["period"], s["counts"]) for s in response.context["summaries"]
    ] == [
        ("birmingham", dt.date(2018, 10, 1), {"red": 0, "amber": 3, "green": 12, "other": 0}),
        ("sandwell", dt.date(2018, 12, 1), {"red": 0, "amber": 0, "green": 0, "other": 15}),
    ]
