"""The password pages are the app's, with its bar and a way back, not
Django admin's (which had no link to the app)."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

APP = '<a class="navbar-brand fw-semibold" href="/">trustmonitor</a>'
ADMIN = ("Django administration", "trustmonitor administration", "admin/css/base.css")


def _assert_app_page(response, back):
    html = response.content.decode()
    assert response.status_code == 200
    assert APP in html
    assert not any(mark in html for mark in ADMIN), "an admin page"
    assert f'<li class="breadcrumb-item"><a href="{back}">' in html


@pytest.mark.parametrize("name", ["password_change", "password_change_done"])
def test_the_password_change_pages_are_the_apps(client, officer, name):
    client.force_login(officer)
    _assert_app_page(client.get(reverse(name)), back="/")


@pytest.mark.parametrize(
    "name", ["password_reset", "password_reset_done", "password_reset_complete"]
)
def test_the_password_reset_pages_are_the_apps(client, db, name):
    _assert_app_page(client.get(reverse(name)), back="/accounts/login/")


def test_the_reset_link_sets_a_new_password_on_an_app_page(client, officer):
    uid = urlsafe_base64_encode(force_bytes(officer.pk))
    token = default_token_generator.make_token(officer)
    response = client.get(reverse("password_reset_confirm", args=[uid, token]), follow=True)
    _assert_app_page(response, back="/accounts/login/")
    assert 'name="new_password1"' in response.content.decode()
    bad = client.get(reverse("password_reset_confirm", args=[uid, "not-a-token"]))
    _assert_app_page(bad, back="/accounts/login/")
    assert "cannot be used" in bad.content.decode()


def test_a_refused_password_change_says_why_where_the_focus_is(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x", "new_password2": "y"},
    )
    html = response.content.decode()
    summary = html[html.index('class="alert alert-danger error-summary"') :]
    assert 'role="alert"' in html and "autofocus" in summary[:200]
    assert '<a class="alert-link" href="#id_old_password">Old password: ' in summary
