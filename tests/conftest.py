"""The cast: a member, an officer and an admin at Birmingham, and a Sandwell
officer who must never see Birmingham's data (after healthchecks' Alice & co)."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from kpis.access import COMMISSIONER, PERFORMANCE_OFFICER, SCRUTINY_MEMBER
from kpis.models import MonthlyReturn, Organisation


@pytest.fixture
def seeds(db):
    # As `make run` loads them: the seed months are accepted returns, so
    # members read them (the publication rule).
    call_command("loaddata", "birmingham", "sandwell", "seed_returns", verbosity=0)
    return {o.slug: o for o in Organisation.objects.all()}


@pytest.fixture
def unreturned_seeds(seeds):
    """The seed readings with no return for their months, as if the trust had
    just entered them: for tests that enter or import the seed months before
    anything is submitted (members read none of them)."""
    MonthlyReturn.objects.all().delete()
    MonthlyReturn.history.all().delete()  # nor any trace of them
    return seeds


def _user(username, group=None, organisations=(), **extra):
    user = User.objects.create_user(username=username, password="password", **extra)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    for organisation in organisations:
        organisation.staff.add(user)
    return user


@pytest.fixture
def member(seeds):
    return _user("member", SCRUTINY_MEMBER)


@pytest.fixture
def officer(seeds):
    return _user("officer", PERFORMANCE_OFFICER, [seeds["birmingham"]])


@pytest.fixture
def sandwell_officer(seeds):
    return _user("sandwell-officer", PERFORMANCE_OFFICER, [seeds["sandwell"]])


@pytest.fixture
def commissioner(seeds):
    return _user("commissioner", COMMISSIONER, list(seeds.values()))


@pytest.fixture
def admin_user(seeds):
    return _user("admin", is_staff=True, is_superuser=True)
