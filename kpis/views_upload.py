"""Upload a spreadsheet of readings: preview every row and how its columns
are read, correct that if need be, then confirm; and the blank template.
A commissioner's file of targets goes the same way: upload, preview, confirm."""

import datetime as dt
from functools import wraps
from pathlib import PurePath
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from kpis import exports, plausibility, selectors, services
from kpis.access import (
    get_organisation_for_commissioner,
    get_organisation_for_officer,
    get_organisation_for_user,
)
from kpis.imports import files
from kpis.imports.mapping import BLANK, ROLE_CHOICES, Mapping
from kpis.imports.messages import TOO_BIG
from kpis.imports.template_file import readings_template
from kpis.models import Upload, UploadKind, UploadState
from kpis.periods import PeriodError, contract_year, format_period, parse_period
from trustmonitor.progress import progress_context
from trustmonitor.security import log_event

TARGETS_FILE_HELP = "Columns kpi, valid_from, target, lower, upper (title optional). Up to 5 MB."


class UploadForm(forms.Form):
    # Empty files get the import's own message (from check_file), like every other.
    file = forms.FileField(
        allow_empty_file=True,
        label="CSV or XLSX file",
        help_text="Long layout (kpi, period, value, commentary) or wide (kpi, then a column "
        "per month). Up to 5 MB.",
    )

    def __init__(self, *args, kind: str = UploadKind.READINGS, **kwargs):
        super().__init__(*args, **kwargs)
        if kind == UploadKind.TARGETS:
            self.fields["file"].help_text = TARGETS_FILE_HELP

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refuse before reading: the parser never sees an oversized file
        # (SizeLimitedUploadHandler kept no more than one byte too many).
        if upload.size > files.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                TOO_BIG.format(limit=files.MAX_UPLOAD_BYTES), code="too_big"
            )
        # Then the name and the first bytes, before the file is stored: a
        # program, an image or a zip bomb never reaches the database.
        try:
            files.check_file(upload.name, upload.read())
        except files.ImportFileError as error:
            raise forms.ValidationError(str(error), code="bad_file") from None
        upload.seek(0)
        return upload


# Who uploads each kind of file: officers their readings, commissioners targets.
_UPLOADERS = {
    UploadKind.READINGS: get_organisation_for_officer,
    UploadKind.TARGETS: get_organisation_for_commissioner,
}


def _start(request, slug, *, kind: str, template: str, preview: str):
    """The upload form; a file that passes is kept as its table, then previewed."""
    organisation = _UPLOADERS[kind](request, slug)
    form = UploadForm(request.POST or None, request.FILES or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        upload = services.upload_create(
            organisation=organisation, user=request.user, name=file.name, data=file.read(),
            kind=kind,
        )  # fmt: skip
        return redirect(preview, slug=slug, pk=upload.pk)
    return render(request, template, {"organisation": organisation, "form": form})


@login_required
def upload_start(request, slug):
    return _start(
        request, slug, kind=UploadKind.READINGS, template="kpis/upload.html",
        preview="upload_preview",
    )  # fmt: skip


class UploadGone(Exception):
    """The upload has expired: its pages answer 410 and say so."""


def _get_upload_for_user(
    request, slug, pk, kind: str = UploadKind.READINGS, *, saved: bool = False
) -> Upload:
    """The user's own upload of this kind, not yet saved (``saved``: or
    saved); someone else's answers 404, and is logged; an expired one raises
    UploadGone."""
    organisation = _UPLOADERS[kind](request, slug)
    mine = Upload.objects.filter(
        pk=pk, organisation=organisation, uploaded_by=request.user, kind=kind
    )
    upload = (mine if saved else mine.filter(saved_at=None)).first()
    if upload is None:
        other = Upload.objects.filter(pk=pk).exclude(uploaded_by=request.user).first()
        if other is not None:
            log_event(
                "access_denied",
                user=request.user,
                organisation=other.organisation,
                path=request.path,
                method=request.method,
                status=404,
                upload=pk,
            )
        raise Http404("No such upload.")
    if services.upload_is_expired(upload):
        raise UploadGone
    return upload


def _gone(request, slug):
    organisation = get_organisation_for_user(request, slug)
    context = {"organisation": organisation, "reason": services.UPLOAD_EXPIRED}
    return render(request, "kpis/upload_expired.html", context, status=410)


def upload_page(view):
    """An expired upload's pages answer 410 Gone, saying to upload the file again."""

    @wraps(view)
    def wrapped(request, slug, pk, *args, **kwargs):
        try:
            return view(request, slug, pk, *args, **kwargs)
        except UploadGone:
            return _gone(request, slug)

    return wrapped


class MappingForm(forms.Form):
    """The officer's correction of a trust's own sheet's mapping: a role for
    each column and, for a month column, its month."""

    def __init__(self, *args, mapping: Mapping, **kwargs):
        super().__init__(*args, **kwargs)
        self.mapping = mapping
        self.rows = []
        for column in mapping.columns:
            if column.role == BLANK:
                continue
            role = forms.ChoiceField(
                choices=ROLE_CHOICES,
                initial=column.choice,
                label=f"Column {column.letter} is",
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            period = forms.CharField(
                required=False,
                initial=format_period(column.period) if column.period else "",
                label=f"Column {column.letter}'s month (YYYY-MM)",
                max_length=7,
                widget=forms.TextInput(
                    attrs={
                        "class": "form-control form-control-sm",
                        "size": 7,
                        "placeholder": "YYYY-MM",
                    }
                ),
            )
            self.fields[f"role_{column.index}"] = role
            self.fields[f"period_{column.index}"] = period
            self.rows.append((column, f"role_{column.index}", f"period_{column.index}"))

    def bound_rows(self):
        """(column, role field, month field) for the template."""
        return [(column, self[role], self[period]) for column, role, period in self.rows]

    def clean(self):
        cleaned = super().clean()
        for _, role, period in self.rows:
            if cleaned.get(role) == "month" and cleaned.get(period):
                try:
                    parse_period(cleaned[period])
                except PeriodError as error:
                    self.add_error(period, str(error))
        return cleaned

    def choices(self) -> list[dict]:
        chosen = []
        for column, role, period in self.rows:
            choice = {"index": column.index, "role": self.cleaned_data[role]}
            if choice["role"] == "month" and self.cleaned_data[period]:
                choice["period"] = format_period(parse_period(self.cleaned_data[period]))
            chosen.append(choice)
        return chosen


# A page lists this many row errors; all of them are a CSV download away.
ERRORS_SHOWN = 100
# And this many new and changed rows each.
ROWS_SHOWN = 500


def _checked(upload: Upload) -> selectors.UploadCheck:
    """The worker's check of a checked upload; 404 when it has none (yet)."""
    check = selectors.upload_check(upload)
    if check is None:
        raise Http404("This upload has not been checked yet.")
    return check


def _following(request, upload: Upload, *, check_again: str):
    """The page of an upload being checked or saved, or whose task failed:
    what the worker is doing, refreshing itself until it ends. It only reads."""
    busy = upload.busy
    context = {
        "organisation": upload.organisation,
        "upload": upload,
        "check_again": check_again,
        "start": "upload_start" if upload.kind == UploadKind.READINGS else "targets_upload_start",
    }
    return render(request, "kpis/upload_progress.html", context | progress_context(busy=busy))


def _preview(request, upload: Upload, form: MappingForm | None = None, status: int = 200):
    check = _checked(upload)
    result, file_error, mapping = check.result, check.file_error, check.mapping
    if mapping is not None and form is None:
        form = MappingForm(mapping=mapping)
    lines = {"new": [], "changed": []}
    if result is not None:
        # Each row as the return form would rate it, unusual ones questioned.
        new = [(row, None) for row in result.new[:ROWS_SHOWN]]
        rated = selectors.upload_lines(
            organisation=upload.organisation,
            rows=new + result.changed[:ROWS_SHOWN],
            unusual=result.unusual,
        )
        lines = {"new": rated[: len(new)], "changed": rated[len(new) :]}
    context = {
        "lines": lines,
        "rows_shown": ROWS_SHOWN,
        "red_without_commentary": sum(
            line.red_without_commentary for group in lines.values() for line in group
        ),
        "confirm_label": plausibility.CONFIRM_LABEL,
        "organisation": upload.organisation,
        "upload": upload,
        "result": result,
        "errors_shown": result.errors[:ERRORS_SHOWN] if result else [],
        "file_error": file_error,
        "mapping": mapping,
        "mapping_form": form,
        "skipped": result.skipped if result else (mapping.skipped if mapping else []),
        "notice": check.notice,
        "checked_at": upload.checked_at,
    }
    return render(request, "kpis/upload_preview.html", context, status=status)


def _saved(request, upload: Upload, landing):
    """A saved upload's page: on to what it wrote, saying what was saved. The
    page's own poll (js/follow-progress.js, X-Follow) is told only that the
    work has ended, so the message is said once, on the page it then loads."""
    if request.headers.get("X-Follow"):
        return _following(request, upload, check_again="")
    outcome = upload.checked or {}
    if outcome.get("summary"):
        messages.success(request, f"{upload.name}: {outcome['summary']}.")
    months = [dt.date.fromisoformat(month) for month in outcome.get("months", [])]
    return landing(upload.organisation.slug, months)


@login_required
@upload_page
def upload_preview(request, slug, pk):
    """The upload's page: its progress while the worker checks or saves it,
    then the preview; once saved, the return it wrote."""
    upload = _get_upload_for_user(request, slug, pk, saved=True)
    if upload.saved_at is not None:
        return _saved(request, upload, _landing)
    if upload.state != UploadState.READY:
        return _following(request, upload, check_again="upload_check")
    return _preview(request, upload)


@login_required
@require_POST
@upload_page
def upload_check(request, slug, pk):
    """Check the upload again (its task failed): nothing is lost, the file or
    its table is kept until the upload is saved or expires."""
    upload = _get_upload_for_user(request, slug, pk)
    services.upload_check_again(upload=upload)
    return redirect("upload_preview", slug=slug, pk=pk)


@login_required
@upload_page
def upload_errors_csv(request, slug, pk):
    """Every row error of the upload's preview, as CSV: the page lists the first few."""
    upload = _get_upload_for_user(request, slug, pk)
    check = _checked(upload)
    result = check.result
    if result is None:
        raise Http404(check.file_error)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    rows = [(error.row, error.column, error.message) for error in result.errors]
    exports.write_csv(["row", "column", "error"], rows, response)
    name = f"{slugify(PurePath(upload.name).stem) or 'upload'}-errors.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
@upload_page
def upload_mapping(request, slug, pk):
    """Keep the officer's correction of the mapping for this upload, and preview again."""
    upload = _get_upload_for_user(request, slug, pk)
    mapping = _checked(upload).mapping
    if mapping is None:
        raise Http404("This file has no mapping to correct.")
    form = MappingForm(request.POST, mapping=mapping)
    if not form.is_valid():
        return _preview(request, upload, form=form, status=400)
    upload.mapping = form.choices()
    upload.save(update_fields=["mapping"])
    services.upload_check_again(upload=upload)  # read again with the roles chosen
    return redirect("upload_preview", slug=slug, pk=pk)


def _confirm(request, upload: Upload, *, already_saved: str, **options):
    """Queue the save (``services.upload_confirm_start``) and follow it on
    the upload's page; a second confirmation saves nothing again."""
    try:
        services.upload_confirm_start(upload=upload, user=request.user, **options)
    except services.UploadAlreadySaved as saved:
        # Another confirmation (a second click, a second tab) saved it first.
        messages.info(request, f"{upload.name}: {saved} Nothing was saved again.")
        return redirect(already_saved)
    except services.UploadBusy as busy:
        messages.info(request, f"{upload.name}: {busy} Nothing will be saved twice.")
    preview = "upload_preview" if upload.kind == UploadKind.READINGS else "targets_upload_preview"
    return redirect(preview, slug=upload.organisation.slug, pk=upload.pk)


@login_required
@require_POST
@upload_page
def upload_confirm(request, slug, pk):
    upload = _get_upload_for_user(request, slug, pk, saved=True)
    # Checked again by the save, from the kept table: the database may have
    # moved since the preview.
    return _confirm(
        request, upload, already_saved=reverse("return_list", args=[slug]),
        save_comparators=request.POST.get("comparators") == "on",
        accepted=frozenset(request.POST.getlist("unusual")),
    )  # fmt: skip


def _landing(slug, months: list[dt.date]):
    """Where the officer lands: the return of the one month the file wrote,
    else the returns list showing the months it wrote."""
    if len(months) == 1:
        return redirect("return_detail", slug=slug, period=format_period(months[0]))
    url = reverse("return_list", args=[slug])
    if months:
        url += "?" + urlencode({"months": ",".join(format_period(m) for m in months)})
    return redirect(url)


@login_required
def upload_template(request, slug, fmt):
    """The organisation's blank readings file, CSV or XLSX, formulas neutralised."""
    organisation = get_organisation_for_officer(request, slug)
    today = timezone.localdate()
    headings, rows = readings_template(organisation=organisation, today=today)
    name = f"{slugify(organisation.slug)}-readings-{contract_year(today)}"
    if fmt == "xlsx":
        data = exports.xlsx_bytes(headings, rows, title="Readings")
        response = HttpResponse(
            data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        exports.write_csv(headings, rows, response)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# --- Targets ----------------------------------------------------------------------


@login_required
def targets_upload_start(request, slug):
    return _start(
        request, slug, kind=UploadKind.TARGETS, template="kpis/targets_upload.html",
        preview="targets_upload_preview",
    )  # fmt: skip


def _targets_landing(slug, dates: list[dt.date]):
    """The targets of the earliest contract year the file wrote."""
    year = (
        min(contract_year(date) for date in dates) if dates else contract_year(timezone.localdate())
    )
    return redirect("targets_edit", slug=slug, year=year)


@upload_page
@login_required
def targets_upload_preview(request, slug, pk):
    upload = _get_upload_for_user(request, slug, pk, kind=UploadKind.TARGETS, saved=True)
    if upload.saved_at is not None:
        return _saved(request, upload, _targets_landing)
    if upload.state != UploadState.READY:
        return _following(request, upload, check_again="targets_upload_check")
    check = _checked(upload)
    result = check.result
    context = {
        "organisation": upload.organisation,
        "upload": upload,
        "result": result,
        "errors_shown": result.errors[:ERRORS_SHOWN] if result else [],
        "file_error": check.file_error,
        "notice": check.notice,
        "checked_at": upload.checked_at,
        "year": contract_year(timezone.localdate()),
    }
    return render(request, "kpis/targets_upload_preview.html", context)


@upload_page
@login_required
@require_POST
def targets_upload_check(request, slug, pk):
    upload = _get_upload_for_user(request, slug, pk, kind=UploadKind.TARGETS)
    services.upload_check_again(upload=upload)
    return redirect("targets_upload_preview", slug=slug, pk=pk)


@upload_page
@login_required
@require_POST
def targets_upload_confirm(request, slug, pk):
    upload = _get_upload_for_user(request, slug, pk, kind=UploadKind.TARGETS, saved=True)
    year = contract_year(timezone.localdate())
    already_saved = reverse("targets_edit", kwargs={"slug": slug, "year": year})
    return _confirm(request, upload, already_saved=already_saved)
