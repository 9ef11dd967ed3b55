"""Test settings: only what makes the suite faster."""

from trustmonitor.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run at once, in the test's own process; the end-to-end test
# (tests/notifications/test_worker_smtp.py) runs the real worker.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
SITE_URL = "http://testserver"
# Each test process keeps its own cache whatever CACHE_URL says; the tests
# that need Redis (tests/kpis/test_status_cache_servers.py) name it themselves.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # The flush after each transactional test deletes rather than truncates
    # (trustmonitor/postgresql_tests/base.py says why).
    DATABASES["default"]["ENGINE"] = "trustmonitor.postgresql_tests"  # noqa: F405
