"""A GET never writes: every page, download and form of the app, each role.

A page that saves something as a side effect of being read changes what the
next reader sees and what the history says happened; reads go in selectors.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.test_permissions import ROLES, _requests, world  # noqa: F401 (fixture)

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)


@pytest.mark.parametrize("role", ROLES)
def test_no_get_writes_to_the_database(client, world, role, request, settings):  # noqa: F811
    # The one write a GET may make is the session renewing its own idle
    # timeout, at most once a minute (tests/security/test_sessions_caches_and_settings.py);
    # a slow run must not reach it.
    settings.SESSION_RENEW_SECONDS = 10**9
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    writes = {}
    for name, method, url, _data in _requests(world):
        if method != "get":
            continue
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        found = [q["sql"][:120] for q in queries.captured_queries if WRITE.match(q["sql"])]
        if found:
            writes[name] = found
    assert writes == {}
