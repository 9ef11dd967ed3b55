"""The help page publishes the rules and a worked example; the engine must
give exactly the signals and icons the page shows."""

from django.urls import reverse

from kpis import spc


def test_it_publishes_the_rules_run_length_and_worked_example(client, member):
    client.force_login(member)
    response = client.get(reverse("spc_help"))
    html = response.content.decode()
    assert "Run length in force: 6" in html
    expected = spc.WORKED_EXAMPLE_EXPECTED
    for line in ("mean", "upper_limit", "lower_limit", "upper_two_sigma", "lower_two_sigma"):
        assert expected[line] in html
    shown = {
        (p["number"], side, tuple(p[side]))
        for p in response.context["points"]
        for side in ("high", "low")
        if p[side]
    }
    assert shown == set(expected["flagged"])
    assert response.context["variation"] == spc.VARIATION_LABELS[expected["variation"]]
    assert response.context["assurance"] == spc.ASSURANCE_LABELS[expected["assurance"]]


def test_it_shows_another_run_length_when_set(client, member, settings):
    settings.SPC_RUN_LENGTH = 7
    client.force_login(member)
    assert "Run length in force: 7" in client.get(reverse("spc_help")).content.decode()


def test_it_requires_login(client, db):
    assert client.get(reverse("spc_help")).status_code == 302
