"""Locust users for bench/load_test.py: SYNTHETIC scrutiny members browsing.

Each user logs in once, with its own account (django-axes throttles by
username), then reads the dashboard, a KPI's page (trend or SPC view), the
Schedule 6 report and the returns list of one SYNTHETIC national
organisation, thinking LOAD_THINK seconds between pages (default 2–10: a
person reading a page of 40 KPIs; 0-1 is a stress test).
"""

import itertools
import os
import random
import re

import gevent
import gevent.event
from locust import HttpUser, between, events, task

USERS = int(os.environ.get("LOAD_USERS", "50"))
PASSWORD = os.environ["LOAD_PASSWORD"]
ORGANISATIONS = int(os.environ.get("LOAD_ORGANISATIONS", "150"))
KPIS = int(os.environ.get("LOAD_KPIS", "40"))
PERIOD = os.environ.get("LOAD_PERIOD", "2026-10")
# Seconds of browsing measured once every user has logged in.
MEASURE = float(os.environ.get("LOAD_MEASURE_SECONDS", "60"))
_numbers = itertools.count(1)
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_logged_in = []
_everyone_in = gevent.event.Event()
LOGIN_SUMMARY = os.environ.get("LOAD_LOGIN_SUMMARY", "")
SPAWN_RATE = float(os.environ.get("LOAD_SPAWN_RATE", "5"))
THINK_MIN, THINK_MAX = (float(s) for s in os.environ.get("LOAD_THINK", "2-10").split("-"))


def _all_logged_in(environment) -> None:
    """Log-ins hash a password each (Argon2id, about 0.1 s of CPU): they
    are timed apart. When the last user is in, write their figures, clear the
    statistics, and browse for MEASURE seconds more."""
    stats = environment.stats
    lines = [
        f"{name} {entry.num_requests} {entry.num_failures} "
        f"{entry.get_response_time_percentile(0.5):.0f} "
        f"{entry.get_response_time_percentile(0.95):.0f} {entry.max_response_time:.0f}"
        for (name, _), entry in stats.entries.items()
    ]
    if LOGIN_SUMMARY:
        with open(LOGIN_SUMMARY, "w") as out:
            out.write("\n".join(lines) + "\n")
    stats.reset_all()
    _everyone_in.set()
    gevent.spawn_later(MEASURE, environment.runner.quit)


@events.init.add_listener
def _on_init(environment, **kwargs):
    environment.all_logged_in = lambda: _all_logged_in(environment)


class Member(HttpUser):
    wait_time = between(THINK_MIN, THINK_MAX)

    def on_start(self):
        number = next(_numbers)
        # Locust starts each second's users together (5 at once at 50 over
        # 10 s): spread them over their second, as people arrive.
        rate = max(1, round(SPAWN_RATE))
        gevent.sleep(((number - 1) % rate) / rate)
        self.slug = f"synthetic-national-{(number - 1) % ORGANISATIONS + 1:03d}"
        form = self.client.get("/accounts/login/", name="login form")
        self._plain_cookies()
        token = _CSRF.search(form.text).group(1)
        with self.client.post(
            "/accounts/login/",
            data={
                "username": f"synthetic-load-{number:02d}",
                "password": PASSWORD,
                "csrfmiddlewaretoken": token,
                "next": f"/o/{self.slug}/",
            },
            name="log in",
            catch_response=True,
        ) as response:
            self._plain_cookies()
            if f"/o/{self.slug}/" not in response.url:
                response.failure(f"log-in did not reach the dashboard: {response.url}")
        _logged_in.append(number)
        if len(_logged_in) == USERS:
            self.environment.all_logged_in()
        _everyone_in.wait()
        # People do not all click at the same instant: start each one's
        # browsing at a random point of one think time, not in a stampede.
        gevent.sleep(random.uniform(0, THINK_MAX))  # noqa: S311 - not for security

    def _plain_cookies(self):
        # With DEBUG off the session and CSRF cookies are Secure; this bench
        # runs over plain HTTP on loopback, so send them back regardless.
        for cookie in self.client.cookies:
            cookie.secure = False

    def _get(self, path, name):
        # The session is renewed once a minute with a new (Secure) cookie.
        self._plain_cookies()
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200 or "/accounts/login/" in response.url:
                response.failure(f"{response.status_code} at {response.url}")

    @task(3)
    def dashboard(self):
        self._get(f"/o/{self.slug}/", "dashboard")

    @task(3)
    def kpi_detail(self):
        code = f"SYN{random.randint(1, KPIS)}"  # noqa: S311 - not for security
        view = random.choice(["", "?view=spc"])  # noqa: S311
        self._get(f"/o/{self.slug}/kpi/{code}/{view}", "kpi detail")

    @task(1)
    def home(self):
        # Every organisation's card: 150 or 500 of them, from the status cache.
        self._get("/", "home")

    @task(1)
    def report(self):
        self._get(f"/o/{self.slug}/report/{PERIOD}/", "report")

    @task(1)
    def returns(self):
        self._get(f"/o/{self.slug}/returns/", "returns")
