"""Writes: everything that changes state goes through a function here."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from kpis.access import COMMISSIONER, PERFORMANCE_OFFICER, ROLES, SCRUTINY_MEMBER
from kpis.models import Organisation

# Demo-only accounts for a local or demo install; `make run` creates them.
DEMO_PASSWORD = "demo-only-password"  # noqa: S105
DEMO_ACCOUNTS = [
    # username, full name, role, organisation slugs, staff (admin site)
    ("member", "Demo scrutiny member", SCRUTINY_MEMBER, [], False),
    (
        "officer-birmingham",
        "Demo performance officer (Birmingham)",
        PERFORMANCE_OFFICER,
        ["birmingham"],
        False,
    ),
    (
        "officer-sandwell",
        "Demo performance officer (Sandwell)",
        PERFORMANCE_OFFICER,
        ["sandwell"],
        False,
    ),
    ("commissioner", "Demo commissioner", COMMISSIONER, ["birmingham", "sandwell"], True),
    ("admin", "Demo administrator", None, [], True),
]


@transaction.atomic
def roles_ensure() -> dict[str, Group]:
    return {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}


@transaction.atomic
def demo_accounts_create(*, password: str = DEMO_PASSWORD) -> list[str]:
    """Create or reset the demo accounts; safe to run again."""
    groups = roles_ensure()
    user_model = get_user_model()
    names = []
    for username, full_name, role, slugs, staff in DEMO_ACCOUNTS:
        first, _, last = full_name.partition(" ")
        user, _ = user_model.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "is_staff": staff,
                "is_superuser": username == "admin",
            },
        )
        user.set_password(password)
        user.save()
        user.groups.set([groups[role]] if role else [])
        for organisation in Organisation.objects.filter(slug__in=slugs):
            organisation.staff.add(user)
        names.append(username)
    return names
