"""Thin web views of the open-data features: the eForms upload and the open-data page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.selectors import authorities_editable_by
from backend.auth import request_user
from notices.exports import ocds
from notices.exports.eforms_import import MAX_BYTES, ImportRefused, eforms_import
from notices.exports.forms import EformsImportForm
from notices.exports.models import ExportFormat, OpenDataExport


@login_required
@require_http_methods(["GET", "POST"])
def eforms_import_page(request: HttpRequest) -> HttpResponse:
    """An authority's officers upload an eForms notice of their own; it is published on the
    board as imported (all or nothing), or refused with the element and the rule."""
    buyers = authorities_editable_by(user=request.user)
    if not buyers.exists():
        raise PermissionDenied(_("Only procurement officers of a contracting authority can "
                                 "import notices."))
    form = EformsImportForm(request.POST or None, request.FILES or None, buyers=buyers)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            problems = [_("The file is too large for an eForms notice.")]
        else:
            try:
                result = eforms_import(data=upload.read(), source_name=upload.name,
                                       by=request_user(request),
                                       buyer=form.cleaned_data["buyer"])
            except ImportRefused as exc:
                problems = exc.messages
            else:
                text = {
                    "created": _("The notice is imported and published on the board."),
                    "changed": _("The change notice is imported as a new version."),
                    "updated": _("The notice was imported before; it is updated."),
                    "unchanged": _("The notice was imported before and has not changed."),
                }[result.action]
                messages.success(request, text)
                return redirect("notices:detail", pk=result.notice.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "notices/eforms_import.html", {
        "form": form, "problems": problems,
        "summary": [{"message": p, "anchor": "id_file"} for p in problems]},
        status=status)


# Open data: public, no account needed.
@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    """The exports, feeds and APIs of the board's open data, with their licence."""
    exports = list(OpenDataExport.objects.all()[:120])
    by_day: dict[str, dict[str, OpenDataExport]] = {}
    for row in exports:
        by_day.setdefault(row.day.isoformat(), {})[row.format] = row
    days = [(day, [(f, rows.get(f)) for f in (ExportFormat.OCDS, ExportFormat.EFORMS)])
            for day, rows in by_day.items()]
    return render(request, "notices/open_data.html", {
        "days": days,
        "license_url": settings.OPEN_DATA_LICENSE_URL,
        "license_name": settings.OPEN_DATA_LICENSE_NAME,
        "ocid_prefix": ocds.ocid_prefix(),
    })


CONTENT_TYPES = {ExportFormat.OCDS: "application/json",
                 ExportFormat.EFORMS: "application/zip"}


@require_GET
def open_data_file(request: HttpRequest, day: str, format: str) -> FileResponse:
    """One daily export file, streamed from storage."""
    row = OpenDataExport.objects.filter(day=day, format=format).exclude(path="").first() \
        if format in ExportFormat.values and _is_day(day) else None
    if row is None or not default_storage.exists(row.path):
        raise Http404(_("No export of this kind for this day."))
    response = FileResponse(default_storage.open(row.path, "rb"),
                            content_type=CONTENT_TYPES[ExportFormat(format)],
                            as_attachment=True, filename=row.filename)
    response["Repr-Digest"] = f"sha-256=:{_b64(row.sha256)}:"
    response["ETag"] = f'"{row.sha256}"'
    return response


def _is_day(value: str) -> bool:
    from django.utils.dateparse import parse_date

    try:
        return parse_date(value) is not None
    except ValueError:
        return False


def _b64(hex_digest: str) -> str:
    import base64

    return base64.b64encode(bytes.fromhex(hex_digest)).decode()
