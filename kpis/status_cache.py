"""The shared cache of ratings: each organisation's status table and home
summary for a month, and what a KPI's page works out of its ratings, kept
in Django's cache (Redis when ``CACHE_URL`` is set, else each process's own
memory) under a key that carries a version read from the database.

The version (``StatusVersion``) is bumped in the same transaction as every
write that can change a rating: the services and imports bump it themselves
(``status_version_bump``), and the receivers below bump it on any save or
delete of a reading, target, return, KPI, comparator or organisation (the
admin, loaddata, ``update_fields`` saves). Bulk writes send no signals, so
the code that makes them bumps by hand. A page reads the version *before*
the data, in its own query; so a server that sees the new version reads the
new data, whichever server wrote it, and one that read the old version at
worst caches new data under a key nobody asks for again. A GET only reads
the database: writing the cache is not writing the database.

The key also carries the day (Awaiting turns Missing when a return falls
due), the SPC run length and ``SCHEMA`` (the shape of what is kept, so a deploy never reads an
older release's entries).
"""

import logging
import time

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.template.loader import get_template
from django.utils import timezone

from kpis import selectors, spc
from kpis.models import KPI, Comparator, MonthlyReturn, Organisation, Reading, StatusVersion, Target

logger = logging.getLogger("trustmonitor.cache")

# The shape of the cached values; raise it when StatusTable or the home
# summary changes shape.
SCHEMA = 3
# Every organisation at once (loaddata: a row may arrive before its KPI).
ALL_ORGANISATIONS = 0
# Entries of days gone by are never asked for again; they go after a day.
TIMEOUT_SECONDS = 24 * 3600


def _cache_errors() -> tuple[type[BaseException], ...]:
    try:
        from redis.exceptions import RedisError
    except ImportError:  # redis-py is only needed with CACHE_URL
        return (OSError,)
    return (OSError, RedisError)


# --- the version (a write, in the writer's transaction) ----------------------------


def status_version_bump(*, organisation_id: int | None) -> None:
    """Move on the version of an organisation's ratings (None or
    ``ALL_ORGANISATIONS``: every organisation's). Call it inside the
    transaction that writes, so the new version and the new data commit
    together.

    A row is made at the first bump, numbered from the clock rather than 1,
    so a database emptied and filled again never repeats a version that an
    old cache entry carries.
    """
    key = organisation_id or ALL_ORGANISATIONS
    if StatusVersion.objects.filter(key=key).update(version=F("version") + 1):
        return
    try:
        with transaction.atomic():
            StatusVersion.objects.create(key=key, version=time.time_ns())
    except IntegrityError:
        # Another transaction made the row first (and has committed): move it on.
        StatusVersion.objects.filter(key=key).update(version=F("version") + 1)


def status_versions_new_epoch() -> None:
    """Set every organisation's version apart from any used before (after a
    restore, whose versions the old database may have reached too): the
    every-organisation row takes a fresh number from the clock."""
    StatusVersion.objects.update_or_create(
        key=ALL_ORGANISATIONS, defaults={"version": time.time_ns()}
    )


def status_versions(*, organisation_ids=None) -> dict[int, int]:
    """key → version, ``ALL_ORGANISATIONS`` included; one query. An
    organisation never written since the cache came has no row: version 0."""
    rows = StatusVersion.objects.all()
    if organisation_ids is not None:
        rows = rows.filter(key__in=[ALL_ORGANISATIONS, *organisation_ids])
    return dict(rows.values_list("key", "version"))


def _key(kind: str, organisation_id: int, versions: dict, *parts) -> str:
    version = f"{versions.get(ALL_ORGANISATIONS, 0)}.{versions.get(organisation_id, 0)}"
    day = timezone.localdate().isoformat()
    # The SPC run length is a setting: a server set otherwise has its own entries.
    rules = f"run{spc.run_length()}"
    return ":".join(
        map(str, ("status", SCHEMA, kind, organisation_id, version, day, rules, *parts))
    )


def _get_many(keys) -> dict:
    try:
        return cache.get_many(keys)
    except _cache_errors() as error:
        # The cache is a saving, not a source: without it, pages work it out.
        logger.warning("status cache unavailable: %s", error)
        return {}


def _set_many(values: dict) -> None:
    try:
        cache.set_many(values, TIMEOUT_SECONDS)
    except _cache_errors() as error:
        logger.warning("status cache unavailable: %s", error)


# --- cached reads --------------------------------------------------------------------


def _remembered(kind: str, organisation_id: int, versions: dict, parts: tuple, work):
    """``work()``, from the cache when it was worked out today for these
    versions of the organisation's data (read before the data) and these
    ``parts`` (everything else the value depends on)."""
    key = _key(kind, organisation_id, versions, *parts)
    value = _get_many([key]).get(key)
    if value is None:
        value = work()
        _set_many({key: value})
    return value


def status_table(
    *, organisation: Organisation, period=None, drafts: bool = False
) -> selectors.StatusTable:
    """``selectors.status_table`` for a page (today, every KPI), from the
    cache when this version of the organisation's data has been rated today."""
    table = _remembered(
        "table",
        organisation.pk,
        status_versions(organisation_ids=[organisation.pk]),
        (period or "latest", int(drafts)),
        lambda: selectors.status_table(organisation=organisation, period=period, drafts=drafts),
    )
    # The page's own copy of the organisation, not the one pickled with it.
    table.organisation = organisation
    return table


def kpi_trend(*, kpi: KPI, drafts: bool = False) -> selectors.KpiTrend:
    """``selectors.kpi_trend`` for a KPI's page, from the cache when this
    version of its organisation's data has been worked out today."""
    versions = status_versions(organisation_ids=[kpi.organisation_id])
    trend = _remembered(
        "kpi",
        kpi.organisation_id,
        versions,
        (kpi.pk, int(drafts)),
        lambda: selectors.kpi_trend(kpi=kpi, drafts=drafts),
    )
    trend.table.organisation = kpi.organisation
    # What the page works out of it is kept under the same versions.
    trend.versions = versions
    return trend


def kpi_drawing(*, kpi: KPI, trend: selectors.KpiTrend, parts: tuple, work):
    """What a KPI's page draws of its ``trend`` (its chart and readings
    table): ``work()``, from the cache when it was worked out today for the
    versions the trend was read under and ``parts``, everything else the
    drawing shows that is not ratings data (the view; the inspections it
    marks)."""
    return _remembered(
        "kpi-drawing",
        kpi.organisation_id,
        trend.versions,
        (kpi.pk, int(trend.drafts), *parts),
        work,
    )


# What a home card shows of an organisation, all of it worked out from the data.
_SUMMARY_FIELDS = ("period", "publications", "kpi_count", "counts")
CARD_BODY_TEMPLATE = "kpis/_home_card_body.html"


def organisation_summaries(*, organisations, drafts_of: set[int] = frozenset()) -> list[dict]:
    """``selectors.organisation_summaries`` of ``organisations``, in their
    order: each from the cache if this version of its data was summarised
    today, the others worked out together in one call (a fixed number of
    queries). One query for the versions and one cache round trip however
    many organisations."""
    organisations = list(organisations)
    versions = status_versions()  # before the data
    keys = {o.pk: _key("summary", o.pk, versions, int(o.pk in drafts_of)) for o in organisations}
    found = _get_many(list(keys.values()))
    missing = [o for o in organisations if keys[o.pk] not in found]
    if missing:
        fresh = {}
        body = get_template(CARD_BODY_TEMPLATE)
        for summary in selectors.organisation_summaries(drafts_of=drafts_of, organisations=missing):
            kept = {f: summary[f] for f in _SUMMARY_FIELDS}
            # The card's figures as HTML too: at 500 organisations, rendering
            # them is most of a warm page's time.
            kept["body"] = body.render({"summary": kept})
            fresh[keys[summary["organisation"].pk]] = kept
        _set_many(fresh)
        found.update(fresh)
    return [{"organisation": o, **found[keys[o.pk]]} for o in organisations]


# --- the backstop: every save and delete of what a rating is made of ---------------


def _organisation_id(instance) -> int | None:
    if isinstance(instance, Organisation):
        return instance.pk
    if isinstance(instance, KPI | MonthlyReturn):
        return instance.organisation_id
    # A reading, target or comparator: its KPI's organisation.
    if type(instance).kpi.is_cached(instance):
        return instance.kpi.organisation_id
    return KPI.objects.filter(pk=instance.kpi_id).values_list("organisation_id", flat=True).first()


def _bump_for(sender, instance, raw=False, **kwargs) -> None:
    # loaddata saves raw: the KPI a row names may not be loaded yet.
    status_version_bump(organisation_id=None if raw else _organisation_id(instance))


for _model in (Reading, Target, MonthlyReturn, KPI, Comparator, Organisation):
    post_save.connect(_bump_for, sender=_model, dispatch_uid=f"status-cache-save-{_model.__name__}")
    post_delete.connect(
        _bump_for, sender=_model, dispatch_uid=f"status-cache-delete-{_model.__name__}"
    )
