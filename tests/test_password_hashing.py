"""Passwords are stored with Argon2id; an account whose password was stored
with PBKDF2 (before the change) still logs in, and is re-hashed as it does.
The suite's own settings use a fast hasher, so these use production's list."""

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.test import override_settings

from trustmonitor import settings as production

pytestmark = pytest.mark.django_db


@override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS)
def test_a_new_password_is_stored_with_argon2id():
    user = User.objects.create_user("new-member", password="a-long-pass-phrase")
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("a-long-pass-phrase")


@override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS)
def test_an_older_pbkdf2_password_logs_in_and_is_rehashed(client):
    User.objects.create(
        username="older-member",
        password=make_password("a-long-pass-phrase", hasher="pbkdf2_sha256"),
    )
    response = client.post(
        "/accounts/login/",
        {"username": "older-member", "password": "a-long-pass-phrase"},
    )
    assert response.status_code == 302
    assert User.objects.get(username="older-member").password.startswith("argon2$")
