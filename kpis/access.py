"""Who may see which organisation: one helper every view goes through.

Every refusal of another organisation's data is logged to the security log
(``trustmonitor.security``): a 404 for an organisation that exists but is not
the user's to see, and a 403 for a page they may read but not change.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from kpis.models import KPI, Organisation
from national.models import Measure
from trustmonitor.security import log_event

SCRUTINY_MEMBER = "Scrutiny member"
PERFORMANCE_OFFICER = "Performance officer"
COMMISSIONER = "Commissioner"
ROLES = (SCRUTINY_MEMBER, PERFORMANCE_OFFICER, COMMISSIONER)
# Who enters an organisation's returns (and so reads its drafts).
RETURN_ROLES = frozenset({PERFORMANCE_OFFICER, COMMISSIONER})


def roles(user) -> frozenset[str]:
    """The names of the user's roles (groups), read once per user object, as
    Django's ModelBackend keeps a user's permissions: a page asks several
    of these questions of ``request.user``, one query in all."""
    if not hasattr(user, "_trustmonitor_roles"):
        user._trustmonitor_roles = frozenset(user.groups.values_list("name", flat=True))
    return user._trustmonitor_roles


def visible_organisations(user):
    """Scrutiny members and superusers see every organisation; officers and
    commissioners see the organisations they act for."""
    organisations = Organisation.objects.all()
    if user.is_superuser:
        return organisations
    if SCRUTINY_MEMBER in roles(user):
        return organisations
    return organisations.filter(staff=user)


def get_organisation_for_user(request: HttpRequest, slug: str) -> Organisation:
    """The organisation, or 404 if it does not exist or is not the user's to see.

    404 rather than 403, so an officer cannot learn which slugs exist.
    """
    organisation = visible_organisations(request.user).filter(slug=slug).first()
    if organisation is None:
        # Only a real organisation is worth a log line: a mistyped slug is not a probe.
        if Organisation.objects.filter(slug=slug).exists():
            _log_denied(request, slug, status=404)
        raise Http404("No such organisation.")
    return organisation


def get_owned_or_404(request: HttpRequest, queryset, organisation: Organisation, **lookup):
    """One object from ``queryset`` (already limited to ``organisation``).
    Anything else answers 404; another organisation's object is also logged
    as a denial, as another organisation's slug is."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        if queryset.model._default_manager.filter(**lookup).exists():
            _log_denied(request, organisation, status=404)
        raise Http404(f"No such {queryset.model._meta.verbose_name}.") from None


def _log_denied(request: HttpRequest, organisation, *, status: int) -> None:
    log_event(
        "access_denied",
        user=request.user,
        organisation=organisation,
        path=request.path,
        method=request.method,
        status=status,
    )


def can_commission(user, organisation: Organisation) -> bool:
    """Commissioners act for their own organisations; superusers for all."""
    if user.is_superuser:
        return True
    return COMMISSIONER in roles(user) and organisation.staff.filter(pk=user.pk).exists()


def commissioned_organisations(user):
    """The organisations the user commissions (as ``can_commission``), for
    pages that gather their work such as the review queue; None for a user
    who commissions none (not a commissioner)."""
    if user.is_superuser:
        return Organisation.objects.all()
    if COMMISSIONER not in roles(user):
        return None
    return Organisation.objects.filter(staff=user)


def get_organisation_for_commissioner(request: HttpRequest, slug: str) -> Organisation:
    """The organisation if the user commissions it: 404 if unseen, 403 if read-only."""
    organisation = get_organisation_for_user(request, slug)
    if not can_commission(request.user, organisation):
        _log_denied(request, organisation, status=403)
        raise PermissionDenied("Only the organisation's commissioners can change this.")
    return organisation


def return_organisations(user):
    """The organisations whose returns the user enters: officers and
    commissioners their own, superusers all. The same people read those
    organisations' draft months (``sees_drafts``)."""
    if user.is_superuser:
        return Organisation.objects.all()
    if not roles(user) & RETURN_ROLES:
        return Organisation.objects.none()
    return Organisation.objects.filter(staff=user)


def can_enter_returns(user, organisation: Organisation) -> bool:
    """Officers and commissioners of the organisation; superusers (as
    ``return_organisations``, asked of one organisation)."""
    if user.is_superuser:
        return True
    if not roles(user) & RETURN_ROLES:
        return False
    return organisation.staff.filter(pk=user.pk).exists()


def sees_drafts(user, organisation: Organisation) -> bool:
    """Whether the user reads the organisation's draft months: whoever enters
    its returns. Scrutiny members read a month once its return is submitted
    (``Reading.objects.published``)."""
    return can_enter_returns(user, organisation)


def draft_organisations(user) -> set[int]:
    """The ids of the organisations whose drafts the user reads (as
    ``sees_drafts``), for pages that show several organisations at once."""
    return set(return_organisations(user).values_list("pk", flat=True))


def get_organisation_for_officer(request: HttpRequest, slug: str) -> Organisation:
    """The organisation if the user enters its returns: 404 if unseen, 403 if read-only."""
    organisation = get_organisation_for_user(request, slug)
    if not can_enter_returns(request.user, organisation):
        _log_denied(request, organisation, status=403)
        raise PermissionDenied("Only the organisation's own officers can enter its returns.")
    return organisation


def get_measure_for_user(request: HttpRequest, slug: str):
    """A national measure: DfE's published statistics, readable by every
    logged-in user (they belong to no organisation)."""
    measure = Measure.objects.filter(slug=slug).first()
    if measure is None or not request.user.is_authenticated:
        raise Http404("No such national measure.")
    return measure


def get_kpi_for_commissioner(request: HttpRequest, slug: str, code: str) -> KPI:
    """A KPI of an organisation the user commissions: 404 if unseen, 403 if read-only."""
    return _kpi_of(get_organisation_for_commissioner(request, slug), code)


def get_kpi_for_user(request: HttpRequest, slug: str, code: str) -> KPI:
    """A KPI of an organisation the user sees (one query), or 404 as
    ``get_organisation_for_user`` and ``_kpi_of`` answer."""
    found = (
        KPI.objects.select_related("organisation", "national_measure")
        .filter(
            organisation__in=visible_organisations(request.user),
            organisation__slug=slug,
            code__iexact=code,
        )
        .first()
    )
    return found or _kpi_of(get_organisation_for_user(request, slug), code)


def _kpi_of(organisation: Organisation, code: str) -> KPI:
    """The organisation's KPI by code (any case), or 404."""
    try:
        return organisation.kpis.select_related("organisation", "national_measure").get(
            code__iexact=code
        )
    except KPI.DoesNotExist:
        raise Http404(f"No KPI {code} for {organisation.name}") from None


def require_national_loader(request: HttpRequest) -> None:
    """Loading DfE's files changes what every organisation is compared with:
    superusers only; anyone else logged in is refused (403, logged)."""
    if not request.user.is_superuser:
        _log_denied(request, None, status=403)
        raise PermissionDenied("Only an administrator can load DfE's statistics.")
