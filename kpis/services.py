"""Writes: everything that changes state goes through a function here."""

import datetime as dt
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kpis.access import COMMISSIONER, PERFORMANCE_OFFICER, ROLES, SCRUTINY_MEMBER
from kpis.imports import files
from kpis.imports.saving import _import_lock
from kpis.models import (
    UPLOAD_BUSY,
    MonthlyReturn,
    Organisation,
    Reading,
    ReturnState,
    Source,
    Target,
    Upload,
    UploadKind,
    UploadState,
)
from kpis.periods import contract_year_label, format_period
from kpis.selectors import status_table, targets_in_force
from kpis.status_cache import status_version_bump
from notifications.tasks import return_submitted_notify
from trustmonitor.security import log_event, log_import

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
    # Not staff: a commissioner's work is all in the app's own pages; only
    # the administrator reaches /admin/.
    ("commissioner", "Demo commissioner", COMMISSIONER, ["birmingham", "sandwell"], False),
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
                # example.org never delivers: make run's worker prints the mail.
                "email": f"{username}@example.org",
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


# --- Monthly returns --------------------------------------------------------

RETURN_CONFLICT = (
    "Someone else saved this return while you were editing it. Your entries are "
    "still in the form below: check the latest figures, then save again."
)
RETURN_LOCKED = "The return for {period} is {state}; it cannot be changed now."
RED_NEEDS_COMMENTARY = "{code} is Red: explain the variance in the commentary before submitting."
REOPEN_NEEDS_REASON = "Say why the return is being reopened."


class ReturnError(Exception):
    """A change to a return that the rules refuse; the message says why."""


class ReturnConflict(ReturnError):
    pass


class RedWithoutCommentary(ReturnError):
    """The submit is refused: these KPIs are Red and have no commentary. The
    form puts each message on its KPI's commentary box."""

    def __init__(self, kpis):
        self.kpis = list(kpis)
        self.messages = {kpi: RED_NEEDS_COMMENTARY.format(code=kpi.code) for kpi in self.kpis}
        super().__init__(" ".join(self.messages.values()))


def held_span_extend(*, organisation: Organisation, periods) -> None:
    """Readings for months outside a held span extend it to them: a closed
    record (such as a seed's) grows when the trust reports again, and the
    months between are then Missing as any gap is."""
    periods = list(periods)
    if not periods:
        return
    changes = {}
    if organisation.held_until and max(periods) > organisation.held_until:
        changes["held_until"] = max(periods)
    if organisation.held_from and min(periods) < organisation.held_from:
        changes["held_from"] = min(periods)
    if changes:
        Organisation.objects.filter(pk=organisation.pk).update(**changes)
        # update() sends no signal: the cached pages move on by hand.
        status_version_bump(organisation_id=organisation.pk)
        for name, value in changes.items():
            setattr(organisation, name, value)


def monthly_return_get_or_create(*, organisation: Organisation, period) -> MonthlyReturn:
    monthly_return, _ = MonthlyReturn.objects.get_or_create(
        organisation=organisation, period=period
    )
    return monthly_return


def _bump_version(
    monthly_return: MonthlyReturn, version: int, *, user=None, reason: str = "", **changes
) -> None:
    """Claim the return at ``version``; refuse if someone saved it since.

    A single UPDATE … WHERE version = v: on PostgreSQL a second, concurrent
    claim waits for the first and then finds the version moved on.
    """
    claimed = MonthlyReturn.objects.filter(pk=monthly_return.pk, version=version).update(
        version=F("version") + 1, **changes
    )
    if not claimed:
        raise ReturnConflict(RETURN_CONFLICT)
    monthly_return.refresh_from_db()
    # update() sends no signals; saving the claimed row once more records it
    # in the history, with who and why, and its post_save moves on the
    # status cache's version (kpis.status_cache).
    monthly_return._history_user = user
    monthly_return._change_reason = reason
    monthly_return.save()


def _require_state(monthly_return: MonthlyReturn, *states: str) -> None:
    if monthly_return.state not in states:
        raise ReturnError(
            RETURN_LOCKED.format(
                period=f"{monthly_return.period:%B %Y}",
                state=monthly_return.get_state_display().lower(),
            )
        )


@transaction.atomic
def monthly_return_save(
    *, monthly_return: MonthlyReturn, version: int, entries: dict, user
) -> MonthlyReturn:
    """Save a draft return's readings: ``entries`` maps a KPI to its cleaned
    value, numerator, denominator and commentary (value None clears it)."""
    _require_state(monthly_return, ReturnState.DRAFT)
    if any(entry["value"] is not None for entry in entries.values()):
        # First: the organisation's row before the return's and the status
        # version's, the order the imports and the targets form take them
        # in, so two writers never wait on each other in a circle.
        held_span_extend(organisation=monthly_return.organisation, periods=[monthly_return.period])
    _bump_version(monthly_return, version, user=user, reason="readings saved")
    existing = {
        r.kpi_id: r
        for r in Reading.objects.filter(
            kpi__organisation=monthly_return.organisation, period=monthly_return.period
        )
    }
    for kpi, entry in entries.items():
        reading = existing.get(kpi.pk)
        if entry["value"] is None:
            if reading is not None:
                reading._history_user = user
                reading._change_reason = "cleared in the return form"
                reading.delete()
            continue
        fields = {
            "value": entry["value"],
            "numerator": entry.get("numerator"),
            "denominator": entry.get("denominator"),
            "commentary": entry.get("commentary", ""),
        }
        if reading is None:
            reading = Reading(kpi=kpi, period=monthly_return.period)
        elif all(getattr(reading, k) == v for k, v in fields.items()):
            continue
        for key, value in fields.items():
            setattr(reading, key, value)
        reading.source = Source.FORM
        reading.entered_by = user
        reading.full_clean()
        reading._history_user = user
        reading._change_reason = "return form"
        reading.save()
    return monthly_return


@transaction.atomic
def monthly_return_submit(*, monthly_return: MonthlyReturn, version: int, user) -> MonthlyReturn:
    """draft → submitted, once every Red reading has its commentary."""
    _require_state(monthly_return, ReturnState.DRAFT)
    table = status_table(
        organisation=monthly_return.organisation, period=monthly_return.period, drafts=True
    )
    commentary = dict(
        Reading.objects.filter(
            kpi__organisation=monthly_return.organisation, period=monthly_return.period
        ).values_list("kpi_id", "commentary")
    )
    missing = [
        row.kpi
        for row in table.rows
        if row.status == "red" and not commentary.get(row.kpi.pk, "").strip()
    ]
    if missing:
        raise RedWithoutCommentary(missing)
    _bump_version(
        monthly_return, version, user=user, reason="submitted",
        state=ReturnState.SUBMITTED, submitted_at=timezone.now(), submitted_by=user,
    )  # fmt: skip
    _log_return("return_submitted", monthly_return, user)
    # The commissioners hear of it from the worker, once the submit is saved.
    transaction.on_commit(
        partial(return_submitted_notify.enqueue, monthly_return.pk, monthly_return.version)
    )
    return monthly_return


@transaction.atomic
def monthly_return_accept(*, monthly_return: MonthlyReturn, version: int, user) -> MonthlyReturn:
    """submitted → accepted: the month's readings are locked."""
    _require_state(monthly_return, ReturnState.SUBMITTED)
    _bump_version(
        monthly_return, version, user=user, reason="accepted",
        state=ReturnState.ACCEPTED, accepted_at=timezone.now(), accepted_by=user,
    )  # fmt: skip
    _log_return("return_accepted", monthly_return, user)
    return monthly_return


@transaction.atomic
def monthly_return_reopen(
    *, monthly_return: MonthlyReturn, version: int, user, reason: str
) -> MonthlyReturn:
    """submitted or accepted → draft, with the reason kept in the history."""
    if not reason.strip():
        raise ReturnError(REOPEN_NEEDS_REASON)
    _require_state(monthly_return, ReturnState.SUBMITTED, ReturnState.ACCEPTED)
    _bump_version(
        monthly_return, version, user=user, reason=f"reopened: {reason.strip()}",
        state=ReturnState.DRAFT, reopen_reason=reason.strip(),
        accepted_at=None, accepted_by=None,
    )  # fmt: skip
    _log_return("return_reopened", monthly_return, user, reason=reason.strip())
    return monthly_return


def _log_return(event: str, monthly_return: MonthlyReturn, user, **details) -> None:
    log_event(
        event,
        user=user,
        organisation=monthly_return.organisation,
        period=format_period(monthly_return.period),
        version=monthly_return.version,
        **details,
    )


# --- Targets ----------------------------------------------------------------------


TARGET_CHANGE_NEEDS_REASON = (
    "Say why the targets are being changed: {codes} already had a target for {year}."
)
NOTHING_TO_COPY = "{year} has no targets in force to copy."
YEAR_HAS_TARGETS = "{year} already has targets: change them in the form instead."


class TargetsError(Exception):
    """A change to a year's targets that the rules refuse; the message says why."""


# The contract year in words has its home in kpis.periods; the name stays for callers.
year_label = contract_year_label


def _target_fields(values: dict) -> dict:
    if not values.get("agreed", True):
        return {"agreed": False, "value": None, "lower": None, "upper": None}
    return {
        "agreed": True,
        "value": values["target"],
        "lower": values["lower"],
        "upper": values["upper"],
    }


@transaction.atomic
def targets_set(
    *, organisation: Organisation, year: int, entries: dict, user, reason: str = ""
) -> int:
    """Set each KPI's target for the contract year starting 1 April ``year``.

    ``entries`` maps a KPI to {target, lower, upper}, to {agreed: False} for
    "Target not yet agreed", or to None to remove that year's row. Changing
    or removing a target the year already has needs a ``reason``, kept in
    the history. Earlier years' targets, and so earlier ratings, are left
    alone. Returns the number of targets changed.
    """
    valid_from = dt.date(year, 4, 1)
    label = year_label(year)
    reason = reason.strip()
    # As the copy and the imports: one change to the organisation's targets at a time.
    _import_lock(organisation)
    existing = {
        t.kpi_id: t
        for t in Target.objects.filter(kpi__organisation=organisation, valid_from=valid_from)
    }
    writes, deletes = [], []
    for kpi, values in entries.items():
        target = existing.get(kpi.pk)
        if values is None:
            if target is not None:
                deletes.append(target)
            continue
        fields = _target_fields(values)
        if target is not None and all(getattr(target, k) == v for k, v in fields.items()):
            continue
        writes.append((target or Target(kpi=kpi, valid_from=valid_from), fields))
    altered = [t.kpi.code for t in deletes] + [t.kpi.code for t, _ in writes if t.pk]
    if altered and not reason:
        raise TargetsError(TARGET_CHANGE_NEEDS_REASON.format(codes=", ".join(altered), year=label))
    for target in deletes:
        target._history_user = user
        target._change_reason = reason
        target.delete()
    for target, fields in writes:
        for key, value in fields.items():
            setattr(target, key, value)
        target.full_clean()
        target._history_user = user
        target._change_reason = reason or f"targets for {label}"
        target.save()
    changed = len(deletes) + len(writes)
    if changed:
        codes = [t.kpi.code for t in deletes] + [t.kpi.code for t, _ in writes]
        _log_targets(organisation, user, label, codes, via="form")
    return changed


@transaction.atomic
def targets_copy_previous_year(*, organisation: Organisation, year: int, user) -> int:
    """Start the contract year starting 1 April ``year`` from the targets in
    force at the end of the year before (March ``year``): each KPI's target,
    band, or "not yet agreed", copied as a row of its own for the commissioner
    to edit. Refused if the year already has targets. Returns how many."""
    label, previous = year_label(year), year_label(year - 1)
    valid_from = dt.date(year, 4, 1)
    # Taken first, so two commissioners pressing the button at once copy once.
    _import_lock(organisation)
    if Target.objects.filter(kpi__organisation=organisation, valid_from=valid_from).exists():
        raise TargetsError(YEAR_HAS_TARGETS.format(year=label))
    in_force = targets_in_force(organisation=organisation, period=dt.date(year, 3, 1))
    if not in_force:
        raise TargetsError(NOTHING_TO_COPY.format(year=previous))
    codes = []
    for kpi in organisation.kpis.filter(pk__in=in_force):
        source = in_force[kpi.pk]
        target = Target(
            kpi=kpi, valid_from=valid_from, agreed=source.agreed,
            value=source.value, lower=source.lower, upper=source.upper,
        )  # fmt: skip
        target.full_clean()
        target._history_user = user
        target._change_reason = f"Copied from {previous}"
        target.save()
        codes.append(kpi.code)
    _log_targets(organisation, user, label, codes, via="copy")
    return len(codes)


def _log_targets(organisation, user, label, codes, *, via: str) -> None:
    log_event(
        "targets_changed",
        user=user,
        organisation=organisation,
        contract_year=label,
        changed=len(codes),
        kpis=",".join(codes),
        via=via,
    )


# --- Uploads ----------------------------------------------------------------------


UPLOAD_EXPIRED = "This upload has expired; upload the file again."


class UploadAlreadySaved(Exception):
    """The upload was confirmed before (by another request, perhaps at the same moment)."""

    def __init__(self, saved_at):
        super().__init__(f"This upload was already saved at {saved_at:%H:%M}.")
        self.saved_at = saved_at


def upload_expires_at(upload: Upload) -> dt.datetime:
    """When an unconfirmed upload stops being previewable (UPLOAD_EXPIRY_HOURS after it)."""
    return upload.created_at + dt.timedelta(hours=settings.UPLOAD_EXPIRY_HOURS)


def upload_is_expired(upload: Upload, now: dt.datetime | None = None) -> bool:
    return upload.saved_at is None and upload_expires_at(upload) <= (now or timezone.now())


def uploads_expire(now: dt.datetime | None = None) -> int:
    """Delete every unconfirmed upload older than UPLOAD_EXPIRY_HOURS, with
    the table it kept (which may hold personal data); returns how many. Run
    daily (`manage.py expire_uploads`); pages treat an expired upload as gone
    before this deletes it."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.UPLOAD_EXPIRY_HOURS)
    deleted, _ = Upload.objects.filter(saved_at=None, created_at__lte=cutoff).delete()
    return deleted


def upload_read(
    upload: Upload, *, dry_run: bool, user, save_comparators: bool = False, accepted=frozenset(),
    on_row=lambda number: None,
):  # fmt: skip
    """(result, file error, mapping) of the table an upload kept: the
    mapping of a trust's own sheet also when its columns cannot all be
    placed, so that it can be corrected. The file is never read again."""
    from kpis.imports import readings  # it imports this module
    from kpis.imports.layouts import MappingError

    if upload.file_error:
        return None, upload.file_error, None
    try:
        result = readings.readings_import(
            organisation=upload.organisation, name=upload.name,
            table=files.table_from_json(upload.table), user=user, dry_run=dry_run,
            chosen=upload.mapping, save_comparators=save_comparators,
            accept_unusual=accepted, on_row=on_row,
        )  # fmt: skip
    except MappingError as error:
        return None, str(error), error.mapping
    except files.ImportFileError as error:
        return None, str(error), None
    return result, None, result.mapping


def upload_confirm(*, upload: Upload, user, save_comparators: bool = False, accepted=frozenset()):
    """Save an upload's readings (or targets): (result, file error); nothing
    is saved when either says so, nor while an unusual value is not among
    ``accepted`` (``result.unconfirmed``). Raises UploadAlreadySaved when it
    was confirmed before. Run by the worker (``upload_save``).

    The upload's row is locked before ``saved_at`` is read, so of several
    confirmations at once one saves and the others wait, then find it saved
    (only one is reported and logged as saved). Once saved, the table is
    dropped: nothing needs it again, and it may hold personal data; what was
    saved is kept for the page (``upload_outcome``).
    """
    from kpis.imports.remembered import import_mapping_remember

    with transaction.atomic():
        locked = Upload.objects.select_for_update().get(pk=upload.pk)
        if locked.saved_at is not None:
            raise UploadAlreadySaved(locked.saved_at)
        if locked.kind == UploadKind.TARGETS:
            result, file_error = upload_read_targets(locked, dry_run=False, user=user)
        else:
            result, file_error, _ = upload_read(
                locked, dry_run=False, user=user, save_comparators=save_comparators,
                accepted=accepted,
            )  # fmt: skip
        if file_error or result.errors or getattr(result, "unconfirmed", None):
            return result, file_error
        locked.saved_at = timezone.now()
        locked.table = None
        locked.state = UploadState.SAVED
        locked.checked = _outcome(locked, result)
        locked.save(update_fields=["saved_at", "table", "state", "checked"])
        if getattr(result, "mapping", None) is not None:
            # Confirmed: the organisation's next file with these headings is read the same way.
            import_mapping_remember(
                organisation=locked.organisation, mapping=result.mapping, user=user
            )
    upload.saved_at, upload.table = locked.saved_at, None
    upload.state, upload.checked = locked.state, locked.checked
    return result, None


def _outcome(upload: Upload, result) -> dict:
    """What a saved upload keeps for its page: the summary said on landing
    and the months (targets: the dates from) it wrote, ISO dates."""
    summary = result.summary()
    if getattr(result, "comparators_saved", False):
        summary += f"; comparators for {result.mapping.year} saved"
    if upload.kind == UploadKind.TARGETS:
        dates = {row.valid_from for row in (*result.new, *result.unchanged)}
    else:
        dates = {row.period for row in result.new}
    dates |= {getattr(row, "valid_from", None) or row.period for row, _ in result.changed}
    return {"summary": summary, "months": sorted(d.isoformat() for d in dates)}


def upload_read_targets(upload: Upload, *, dry_run: bool, user, on_row=lambda number: None):
    """(result, file error) of a targets file, from the table kept at upload
    (``targets_import``)."""
    from kpis.imports import targets  # it imports this module

    if upload.file_error:
        return None, upload.file_error
    try:
        result = targets.targets_import(
            organisation=upload.organisation, name=upload.name,
            table=files.table_from_json(upload.table), user=user, dry_run=dry_run, on_row=on_row,
        )  # fmt: skip
    except files.ImportFileError as error:
        return None, str(error)
    return result, None


def upload_create(
    *, organisation: Organisation, user, name: str, data: bytes, kind: str = UploadKind.READINGS
) -> Upload:
    """Keep an uploaded file and queue its check (``upload_check``, in the
    worker): the file is read there, once, and what is kept is its table, or
    why it cannot be read; never the file."""
    upload = Upload.objects.create(
        organisation=organisation, uploaded_by=user, name=name, data=data, kind=kind,
    )  # fmt: skip
    _upload_check_enqueue(upload)
    upload.refresh_from_db()  # the immediate backend (tests) has checked it already
    return upload


# --- Uploads in the background (kpis/tasks.py runs these in the worker) ------------

CHECK_FAILED = "The check stopped: {error}"
SAVE_FAILED = "Saving stopped: {error} Nothing was saved: the save is all or nothing."
FILE_NOW_HAS_ERRORS = "Nothing was saved: the file now has errors (see below)."
UNCONFIRMED = (
    "Nothing was saved: {count} unusual value(s) are not confirmed. Correct the file, or tick "
    "“{label}” beside each."
)
# Progress is written every this many rows (and at the end), not on each.
PROGRESS_EVERY = 250


class UploadBusy(Exception):
    """The upload is being checked or saved: it cannot be confirmed now."""

    def __init__(self, upload: Upload):
        super().__init__(f"This upload is {upload.get_state_display().lower()} already.")


def _upload_check_enqueue(upload: Upload) -> None:
    from kpis.tasks import upload_check_run  # the task module imports this one

    upload_check_run.enqueue(upload.pk)


def upload_check_again(*, upload: Upload) -> None:
    """Queue the check again (after a correction of the mapping, or a failed
    task); the page follows it. An upload saved or being saved is left alone."""
    changed = (
        Upload.objects.filter(pk=upload.pk, saved_at=None)
        .exclude(state__in=UPLOAD_BUSY)
        .update(state=UploadState.QUEUED, step=0, error="", checked=None, checked_at=None)
    )
    if changed:
        _upload_check_enqueue(upload)
    upload.refresh_from_db()


def _upload_check(upload: Upload, *, on_row, accepted=(), notice: str = "") -> dict:
    """The dry run of an upload's kept table, as ``Upload.checked`` keeps it."""
    from kpis.imports.stored import to_json

    if upload.kind == UploadKind.TARGETS:
        result, file_error = upload_read_targets(
            upload, dry_run=True, user=upload.uploaded_by, on_row=on_row
        )
        mapping = None
    else:
        result, file_error, mapping = upload_read(
            upload, dry_run=True, user=upload.uploaded_by, accepted=frozenset(accepted),
            on_row=on_row,
        )  # fmt: skip
    return {
        "result": to_json(result),
        "file_error": file_error or "",
        "mapping": to_json(mapping),
        "accepted": sorted(accepted),
        "notice": notice,
    }


def upload_check(*, upload_id: int) -> None:
    """The worker's check of an upload: read the file kept with it into its
    table (dropping the file), then check every row as the preview shows it,
    writing the row reached as it goes. Nothing here writes a reading or a
    target. A failure is written on the upload and raised (the worker records
    it); the table or file stays, so the check can run again."""
    uploads = Upload.objects.filter(pk=upload_id, saved_at=None)
    upload = uploads.exclude(state__in=[UploadState.SAVING, UploadState.SAVED]).first()
    if upload is None:
        return  # expired and deleted, or saved meanwhile
    try:
        if upload.data is not None:
            uploads.update(state=UploadState.READING)
            try:
                table = files.table_to_json(files.read_table(upload.name, bytes(upload.data)))
                error = ""
            except files.ImportFileError as refused:
                table, error = None, str(refused)
            upload.table, upload.file_error, upload.data = table, error, None
            uploads.update(table=table, file_error=error, data=None)
        rows = len(upload.table["rows"]) if upload.table else 0
        last = rows + 1  # the spreadsheet's number of the last row (header = 1)
        uploads.update(state=UploadState.CHECKING, step=0, steps=last if rows else 0)

        def on_row(number: int) -> None:
            if number % PROGRESS_EVERY == 0:
                uploads.update(step=number)

        checked = _upload_check(upload, on_row=on_row)
    except Exception as error:
        uploads.update(state=UploadState.FAILED, error=CHECK_FAILED.format(error=error))
        raise
    uploads.update(
        state=UploadState.READY, step=last if rows else 0, checked=checked,
        checked_at=timezone.now(),
    )  # fmt: skip


def upload_confirm_start(
    *, upload: Upload, user, save_comparators: bool = False, accepted=frozenset()
) -> None:
    """Queue the save of a checked upload (``upload_save``, in the worker).
    Raises UploadAlreadySaved when it was saved, UploadBusy while it is being
    checked or saved: of two confirmations, one queues the save."""
    from kpis.tasks import upload_save_run  # the task module imports this one

    with transaction.atomic():
        locked = Upload.objects.select_for_update().get(pk=upload.pk)
        if locked.saved_at is not None:
            raise UploadAlreadySaved(locked.saved_at)
        if locked.state != UploadState.READY:
            raise UploadBusy(locked)
        Upload.objects.filter(pk=upload.pk).update(state=UploadState.SAVING, error="")
        upload_save_run.enqueue(upload.pk, user.pk, save_comparators, sorted(accepted))
    upload.refresh_from_db()  # the immediate backend (tests) has saved it already


def upload_save(
    *, upload_id: int, user_id: int, save_comparators: bool = False, accepted=()
) -> None:
    """The worker's save of a confirmed upload (``upload_confirm``: checked
    again from the kept table, in one transaction). Saved: logged, and the
    upload keeps what was saved. Refused (the database moved since the check,
    or an unusual value not ticked): nothing saved, logged, and the upload is
    checked again with the reason and the ticks given kept for its page. A
    failure is written on the upload and raised; nothing was saved."""
    from kpis.plausibility import CONFIRM_LABEL

    upload = Upload.objects.select_related("organisation").filter(pk=upload_id).first()
    if upload is None:
        return
    user = get_user_model().objects.get(pk=user_id)
    uploads = Upload.objects.filter(pk=upload_id, saved_at=None)
    try:
        result, file_error = upload_confirm(
            upload=upload, user=user, save_comparators=save_comparators,
            accepted=frozenset(accepted),
        )  # fmt: skip
    except UploadAlreadySaved:
        return
    except Exception as error:
        uploads.update(state=UploadState.FAILED, error=SAVE_FAILED.format(error=error))
        raise
    what = "targets" if upload.kind == UploadKind.TARGETS else "readings"
    who = {"user": user, "organisation": upload.organisation, "file": upload.name}
    if upload.saved_at is not None:
        log_import(f"{what}_imported", result, **who, via="upload")
        return
    if file_error or result.errors:
        reason = file_error or f"{len(result.errors)} bad rows"
        log_event(f"{what}_import_refused", **who, reason=reason, via="upload")
        notice = FILE_NOW_HAS_ERRORS
    else:
        notice = UNCONFIRMED.format(count=len(result.unconfirmed), label=CONFIRM_LABEL)
    checked = _upload_check(upload, on_row=lambda number: None, accepted=accepted, notice=notice)
    uploads.update(state=UploadState.READY, checked=checked, checked_at=timezone.now())
