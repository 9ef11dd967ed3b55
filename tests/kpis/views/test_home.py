from django.urls import reverse


def test_it_lists_organisations_with_rag_counts(client, member):
    client.force_login(member)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    summaries = {s["organisation"].slug: s for s in response.context["summaries"]}
    birmingham = summaries["birmingham"]["counts"]
    assert sum(birmingham.values()) == 15
    assert birmingham["amber"] >= 2  # KPI2 and KPI12 at least
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
        client.get(reverse("home"))
