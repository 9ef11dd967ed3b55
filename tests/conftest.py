"""The cast: a member, an officer and an admin at Birmingham, and a Sandwell
officer who must never see Birmingham's data (after healthchecks' Alice & co)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache

from inspections import services as inspection_services
from inspections.models import BRAG, FindingKind, InspectionKind
from kpis.access import COMMISSIONER, PERFORMANCE_OFFICER, SCRUTINY_MEMBER
from kpis.models import KPI, MonthlyReturn, Organisation, ReturnState, Target
from tests.fast_fixtures import load_fixtures


@pytest.fixture(autouse=True)
def _empty_status_cache():
    """Each test starts with an empty cache: the database is rolled back
    between tests (ids and versions come round again), the cache is not."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seeds(db):
    # As `make run` loads them: the seed months are accepted returns, so
    # members read them (the publication rule). Loaded as loaddata does, faster.
    load_fixtures("birmingham", "sandwell", "seed_returns")
    return {o.slug: o for o in Organisation.objects.all()}


@pytest.fixture
def inspected_seeds(seeds):
    """The seeds with the inspections, findings and action plans the seed
    letters and plans give (fixtures/inspections_*.json), as `make run` loads them."""
    load_fixtures("inspections_letters", "inspections_plans")
    return seeds


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


@pytest.fixture
def sandwell_twin(seeds):
    """Sandwell made-up (TEST) data of every kind a Birmingham test holds, so a
    query that forgets its organisation filter shows Sandwell's in Birmingham's
    page: an inspection with a finding on PI15, an overdue Red action led by
    "ZZ", a target for 2018/19 and an accepted return for November 2018 (a
    month Birmingham has not returned). Returns what it made."""
    sandwell = seeds["sandwell"]
    inspection = inspection_services.inspection_create(
        organisation=sandwell, kind=InspectionKind.MONITORING_VISIT,
        title="TEST Sandwell visit", start_date=dt.date(2018, 9, 3),
    )  # fmt: skip
    finding = inspection_services.finding_create(
        inspection=inspection, kind=FindingKind.AREA_FOR_IMPROVEMENT,
        text="TEST Sandwell finding", kpis=[KPI.objects.get(organisation=sandwell, code="PI15")],
    )  # fmt: skip
    action = inspection_services.action_create(
        finding=finding, number="S1", text="TEST Sandwell action", lead="ZZ",
        timescale=dt.date(2018, 6, 1), timescale_text="Jun-18", status=BRAG.RED,
    )  # fmt: skip
    # The seeds hold Sandwell's 2018/19 targets as not yet agreed: this one agrees it.
    target, _ = Target.objects.update_or_create(
        kpi=KPI.objects.get(organisation=sandwell, code="PI1"), valid_from=dt.date(2018, 4, 1),
        defaults={"agreed": True, "value": 90, "lower": 80, "upper": 90},
    )  # fmt: skip
    november, _ = MonthlyReturn.objects.update_or_create(
        organisation=sandwell, period=dt.date(2018, 11, 1),
        defaults={"state": ReturnState.ACCEPTED},
    )  # fmt: skip
    return {
        "inspection": inspection, "finding": finding, "action": action,
        "target": target, "return": november,
    }  # fmt: skip


@pytest.fixture
def officer_and_member(seeds):
    """One person with two roles: Birmingham's performance officer who is also
    a scrutiny member (so reads every trust's published months)."""
    user = _user("officer-member", PERFORMANCE_OFFICER, [seeds["birmingham"]])
    user.groups.add(Group.objects.get_or_create(name=SCRUTINY_MEMBER)[0])
    return user


@pytest.fixture
def officer_of_both(seeds):
    """A performance officer on both trusts' staff (a shared post)."""
    return _user("officer-both", PERFORMANCE_OFFICER, [seeds["birmingham"], seeds["sandwell"]])
