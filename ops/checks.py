"""Deploy checks (`manage.py check --deploy`, which `make serve` runs): a
production server refuses to start on a weak secret key or without mail."""

from django.conf import settings
from django.core.checks import Error, Tags, register

# As Django's security.W009, but an error: `make serve` stops on it.
MIN_LENGTH = 50
MIN_UNIQUE = 5
WEAK_KEY = (
    "SECRET_KEY is weak: it must be at least 50 characters with at least 5 different "
    "ones, and not a default or example key."
)
WEAK_KEY_HINT = (
    "Make one with: python -c 'import secrets; print(secrets.token_urlsafe(50))' "
    "and keep it secret (docs/deploy.md)."
)
KNOWN_KEYS = {"dev-only-insecure-key-never-use-in-production", "changeme", "secret"}


def secret_key_is_weak(key: str) -> bool:
    return (
        len(key) < MIN_LENGTH
        or len(set(key)) < MIN_UNIQUE
        or key.startswith("django-insecure-")
        or key.strip().lower() in KNOWN_KEYS
    )


@register(Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs):
    if secret_key_is_weak(settings.SECRET_KEY):
        return [Error(WEAK_KEY, hint=WEAK_KEY_HINT, id="trustmonitor.E001")]
    return []
