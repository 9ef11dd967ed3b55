"""Response headers: the Content-Security-Policy on every page, and the
production hardening (HSTS, secure cookies, frames, referrer) as the
production settings make it."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "example.org",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_SETTINGS_MODULE": "trustmonitor.settings",
}


def _production_env() -> dict[str, str]:
    """This process's environment as production has it: without the test
    run's database and the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return {**env, **PRODUCTION_ENV}


def _directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _nonces(html: str) -> set[str]:
    return set(re.findall(r'<script\b[^>]*\bnonce="([^"]+)"', html))


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/o/birmingham/",
        "/o/birmingham/kpi/KPI2/",
        "/o/birmingham/kpi/KPI2/?view=spc",
        "/o/birmingham/compliance/2018/",
        "/o/birmingham/report/2018-10/",
        "/o/birmingham/returns/2018-11/",
    ],
)
def test_every_page_has_a_policy_with_a_nonce_and_no_unsafe_script(client, commissioner, url):
    client.force_login(commissioner)
    response = client.get(url)
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    script_src = policy["script-src"]
    assert "'self'" in script_src
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    [nonce_source] = [s for s in script_src if s.startswith("'nonce-")]
    nonce = nonce_source.removeprefix("'nonce-").removesuffix("'")
    # Every script tag carries this response's nonce, and nothing runs inline.
    html = response.content.decode()
    assert _nonces(html) == {nonce}
    for attributes, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S):
        # Only data sits inside a script tag (json_script); code comes by src.
        assert not body.strip() or 'type="application/json"' in attributes, attributes
    assert not re.search(r"\son[a-z]+=\"", html)  # no inline event handlers
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]


def test_the_nonce_is_new_on_every_response(client, member):
    client.force_login(member)
    first = client.get("/o/birmingham/")["Content-Security-Policy"]
    second = client.get("/o/birmingham/")["Content-Security-Policy"]
    assert first != second


def test_the_log_in_and_lock_out_pages_have_the_policy_too(client, db):
    response = client.get(reverse("login"))
    assert "'nonce-" in response["Content-Security-Policy"]


def _production_settings() -> dict:
    """The settings module as production loads it, in a fresh interpreter."""
    names = [
        "DEBUG", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
        "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY", "X_FRAME_OPTIONS", "SECURE_REFERRER_POLICY",
        "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_CROSS_ORIGIN_OPENER_POLICY", "SECURE_PROXY_SSL_HEADER",
    ]  # fmt: skip
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    env = _production_env()
    out = subprocess.run(  # noqa: S603 — our own interpreter, fixed arguments
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def production():
    return _production_settings()


def test_production_settings_harden_the_site(production):
    assert production["DEBUG"] is False
    assert production["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert production["SECURE_REFERRER_POLICY"] == "same-origin"


def test_a_production_response_carries_the_hardening_headers(client, officer, production):
    keys = [
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
        "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "X_FRAME_OPTIONS",
        "SECURE_REFERRER_POLICY", "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    ]  # fmt: skip
    with override_settings(DEBUG=False, **{key: production[key] for key in keys}):
        # Plain HTTP is sent to HTTPS.
        insecure = client.get("/o/birmingham/")
        assert insecure.status_code == 301
        assert insecure.url == "https://testserver/o/birmingham/"

        response = client.post(
            reverse("login"), {"username": "officer", "password": "password"}, secure=True
        )
        assert response.status_code == 302
        session = response.cookies["sessionid"]
        assert session["secure"] is True and session["httponly"] is True
        assert session["samesite"] == "Lax"
        assert response.cookies["csrftoken"]["secure"] is True

        page = client.get("/o/birmingham/", secure=True)
        assert page.status_code == 200
        hsts = page["Strict-Transport-Security"]
        assert hsts == "max-age=31536000; includeSubDomains; preload"
        assert page["X-Frame-Options"] == "DENY"
        assert page["Referrer-Policy"] == "same-origin"
        assert page["X-Content-Type-Options"] == "nosniff"
        assert page["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "'nonce-" in page["Content-Security-Policy"]


def test_the_deploy_check_is_clean_with_production_settings():
    env = _production_env()
    out = subprocess.run(  # noqa: S603 — our own interpreter, fixed arguments
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout
