"""Upload a spreadsheet of readings: preview every row, then confirm."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kpis.access import get_organisation_for_officer
from kpis.imports import files, readings
from kpis.imports.messages import TOO_BIG
from kpis.models import Upload
from trustmonitor.security import log_event, log_import


class UploadForm(forms.Form):
    # Empty files get the import's own message (from check_file), like every other.
    file = forms.FileField(
        allow_empty_file=True,
        label="CSV or XLSX file",
        help_text="Long layout (kpi, period, value, commentary) or wide (kpi, then a column "
        "per month). Up to 5 MB.",
    )

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


@login_required
def upload_start(request, slug):
    organisation = get_organisation_for_officer(request, slug)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        upload = Upload.objects.create(
            organisation=organisation, uploaded_by=request.user, name=file.name, data=file.read()
        )
        return redirect("upload_preview", slug=slug, pk=upload.pk)
    return render(request, "kpis/upload.html", {"organisation": organisation, "form": form})


def _get_upload_for_user(request, slug, pk) -> Upload:
    """The user's own unsaved upload; someone else's answers 404, and is logged."""
    organisation = get_organisation_for_officer(request, slug)
    upload = Upload.objects.filter(
        pk=pk, organisation=organisation, uploaded_by=request.user, saved_at=None
    ).first()
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
    return upload


def _import(upload: Upload, *, dry_run: bool, user):
    try:
        return readings.readings_import(
            organisation=upload.organisation, name=upload.name, data=bytes(upload.data),
            user=user, dry_run=dry_run,
        ), None  # fmt: skip
    except files.ImportFileError as error:
        return None, str(error)


@login_required
def upload_preview(request, slug, pk):
    upload = _get_upload_for_user(request, slug, pk)
    result, file_error = _import(upload, dry_run=True, user=request.user)
    context = {
        "organisation": upload.organisation,
        "upload": upload,
        "result": result,
        "file_error": file_error,
    }
    return render(request, "kpis/upload_preview.html", context)


@login_required
@require_POST
def upload_confirm(request, slug, pk):
    upload = _get_upload_for_user(request, slug, pk)
    # Parsed again on confirmation: the database may have moved since the preview.
    result, file_error = _import(upload, dry_run=False, user=request.user)
    who = {"user": request.user, "organisation": upload.organisation, "file": upload.name}
    if file_error or result.errors:
        reason = file_error or f"{len(result.errors)} bad rows"
        log_event("readings_import_refused", **who, reason=reason, via="upload")
        messages.error(request, "Nothing was saved: the file now has errors (see below).")
        return redirect("upload_preview", slug=slug, pk=pk)
    upload.saved_at = timezone.now()
    upload.save(update_fields=["saved_at"])
    log_import("readings_imported", result, **who, via="upload")
    messages.success(request, f"{upload.name}: {result.summary()}.")
    return redirect("return_list", slug=slug)
