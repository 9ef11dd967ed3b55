"""No input takes a page down (issue 15, item 4): every URL of the app, as
every role, with hostile parameters in its path, its query string and its
form — a NUL character, an integer no database holds, a month out of span, a
300-character text — answers a clear 4xx or a form error, never a 500. Then
the cases the issue names, each for the reason it gave."""

import logging
import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from kpis.models import KPI, MonthlyReturn, ReturnState
from tests import test_permissions
from tests.test_permissions import ROLES, _requests
from trustmonitor.security import NUL_REFUSED

# The same made-up inspection, finding and action as the permissions test.
world = test_permissions.world

HUGE = "99999999999999999999"
HOSTILE_VALUES = ["\x00", HUGE, "0000-01", "x" * 300]
# Every query parameter a page reads, and a few it does not.
QUERY_PARAMETERS = [
    "period", "service_area", "status", "sort", "state", "page", "finding", "lead",
    "overdue", "view", "year", "measure", "q", "next",
]  # fmt: skip
_PERIOD = re.compile(r"^\d{4}-\d{2}$")


def _path_variants(url: str) -> list[str]:
    """The URL with each month, number and KPI code in its path made hostile."""
    segments = url.split("/")
    variants = []
    for i, segment in enumerate(segments):
        if _PERIOD.match(segment):
            replacements = ["0000-01", "9999-12", "2018-13", "1999-12"]
        elif segment.isdigit():
            replacements = ["0", HUGE]
        elif segment == "KPI2":
            replacements = ["KPI2%00", "x" * 300]
        else:
            continue
        for replacement in replacements:
            variants.append("/".join([*segments[:i], replacement, *segments[i + 1 :]]))
    return variants


def _hostile_requests(world):
    """(method, url, data) for every URL with hostile parameters."""
    for _, method, url, data in _requests(world):
        path, _, query = url.partition("?")
        for variant in _path_variants(path):
            yield method, variant + (f"?{query}" if query else ""), data
        if method == "get":
            for value in HOSTILE_VALUES:
                params = dict.fromkeys(QUERY_PARAMETERS, value)
                # The exports read the same filters.
                for export in ("", "csv", "xlsx"):
                    yield method, f"{path}?{urlencode({**params, 'format': export})}", None
        else:
            for value in HOSTILE_VALUES:
                yield method, url, dict.fromkeys(data, value)
    for value in HOSTILE_VALUES:
        for login in (reverse("login"), reverse("admin:login")):
            yield "post", login, {"username": value, "password": value}


@pytest.mark.parametrize("role", ROLES)
def test_no_hostile_parameter_on_any_url_is_a_server_error(world, role, request):
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    errors = []
    for method, url, data in _hostile_requests(world):
        response = getattr(client, method)(url, data or {})
        if response.status_code >= 500:
            errors.append((method, url[:120], {k: v[:20] for k, v in (data or {}).items()}))
    assert errors == []


# --- The cases of the issue, one by one ----------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/o/birmingham/kpi/KPI1%00/",
        "/o/birmingham/kpi/KPI1%00/history/",
        "/o/birmingham/?service_area=%00",
        "/o/birmingham/returns/?state=%00",
        "/o/birmingham/actions/?lead=%00",
    ],
)
def test_a_nul_character_is_a_bad_request_not_a_match(client, member, url):
    """On PostgreSQL a NUL cannot be compared (a 500); on SQLite ``KPI1%00``
    compared up to the NUL and showed KPI1's page."""
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 400
    assert NUL_REFUSED in response.content.decode()
    assert "KPI1 " not in response.content.decode()


def test_a_nul_character_in_a_form_field_is_a_bad_request(client, commissioner):
    client.force_login(commissioner)
    response = client.post(
        reverse("return_review", args=["birmingham", "2018-10"]),
        {"version": "1", "action": "reopen", "reason": "TEST\x00reason"},
    )
    assert response.status_code == 400
    returned = MonthlyReturn.objects.get(organisation__slug="birmingham", period="2018-10-01")
    assert returned.state == ReturnState.ACCEPTED


def test_a_long_reopen_reason_is_kept_whole(client, commissioner):
    """simple_history's change reason was a varchar(100): on PostgreSQL a
    reason over 92 characters was a 500, and the reason lost."""
    client.force_login(commissioner)
    monthly_return = MonthlyReturn.objects.get(organisation__slug="birmingham", period="2018-10-01")
    reason = "TEST " + "the figures for October were entered against the wrong month; " * 5
    response = client.post(
        reverse("return_review", args=["birmingham", "2018-10"]),
        {"version": monthly_return.version, "action": "reopen", "reason": reason},
    )
    assert response.status_code == 302
    monthly_return.refresh_from_db()
    assert (monthly_return.state, monthly_return.reopen_reason) == (
        ReturnState.DRAFT,
        reason.strip(),
    )
    latest = monthly_return.history.latest("history_date")
    assert latest.history_change_reason == f"reopened: {reason.strip()}"


@pytest.mark.parametrize("version", ["abc", "-1", ""])
def test_a_version_that_is_not_a_number_is_refused_with_a_message(client, commissioner, version):
    client.force_login(commissioner)
    response = client.post(
        reverse("return_review", args=["birmingham", "2018-10"]),
        {"version": version, "action": "accept"},
        follow=True,
    )
    assert response.status_code == 200
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("Nothing was changed: version:")


@pytest.mark.parametrize("kpi", ["abc", HUGE, "-1", ""])
def test_a_preview_for_a_kpi_that_is_not_one_is_not_found(client, officer, kpi):
    client.force_login(officer)
    response = client.post(
        reverse("return_preview", args=["birmingham", "2018-11"]), {"kpi": kpi, "value": "22"}
    )
    assert response.status_code == 404


def test_the_preview_still_rates_a_kpi_of_the_organisation(client, officer):
    client.force_login(officer)
    kpi = KPI.objects.get(organisation__slug="birmingham", code="KPI2")
    response = client.post(
        reverse("return_preview", args=["birmingham", "2018-11"]), {"kpi": kpi.pk, "value": "22"}
    )
    assert response.json()["error"] == ""
    assert response.json()["status"]


def test_a_finding_filter_no_database_holds_lists_every_action(client, member, world):
    client.force_login(member)
    response = client.get(reverse("action_tracker", args=["birmingham"]), {"finding": HUGE})
    assert response.status_code == 200
    assert response.context["filters"]["finding"] is None
    assert len(response.context["rows"]) == len(
        client.get(reverse("action_tracker", args=["birmingham"])).context["rows"]
    )


@pytest.mark.parametrize("login", ["login", "admin:login"])
def test_a_300_character_username_is_a_failed_log_in(client, member, login):
    """django-axes keeps the username in a varchar(255): on PostgreSQL a
    longer one was a 500 for anyone, logged in or not."""
    response = client.post(reverse(login), {"username": "u" * 300, "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get().username == "u" * 150


def test_a_refused_host_is_a_warning_without_a_traceback(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="django.security.DisallowedHost"):
        response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    [record] = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert (record.levelname, record.exc_info) == ("WARNING", None)
    assert "evil.example" in record.getMessage()
