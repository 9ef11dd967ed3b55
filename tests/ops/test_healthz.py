import logging

import pytest
from django.db import OperationalError
from django.test import override_settings

from ops import views


@pytest.mark.django_db
def test_it_answers_ok_without_login_session_or_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_it_answers_503_with_the_reason_when_the_database_fails(client, monkeypatch, caplog):
    class BrokenConnection:
        def cursor(self):
            raise OperationalError('connection to server at "db.internal" failed')

    monkeypatch.setattr(views, "connection", BrokenConnection())
    with caplog.at_level(logging.ERROR, logger="trustmonitor.ops"):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "error",
        "reason": "database query failed (OperationalError)",
    }
    # The server's details go to the log only.
    assert "db.internal" not in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "trustmonitor.ops"]
    assert record.event == "healthz_failed"
    assert record.error == 'OperationalError: connection to server at "db.internal" failed'


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True)
def test_it_is_not_redirected_to_https_as_other_pages_are(client):
    """A proxy's health probe comes over plain HTTP (SECURE_REDIRECT_EXEMPT)."""
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301
    assert client.get("/healthz", headers={"X-Forwarded-Proto": "https"}).status_code == 200


@pytest.mark.django_db
def test_it_answers_head_and_refuses_post(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
