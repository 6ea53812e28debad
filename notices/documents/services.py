"""Tender documents (konkurransegrunnlag): streamed upload, versions, SHA-256."""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
from datetime import datetime
from typing import IO

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from accounts.models import User
from backend.errors import ApplicationError, Conflict, TooLarge
from backend.text import max_length_of
from notices.deadlines import notice_lock, refuse_documents_after_deadline
from notices.models import (
    DocumentVersion,
    Notice,
    NoticeEventKind,
    NoticeStatus,
    TenderDocument,
)
from notices.rules import checks as rules
from notices.services import _announce, _require_editor, notice_event

CHUNK = 1024 * 1024


def _human_size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return f"{size} B"


def check_upload(*, filename: str, size: int | None) -> str:
    """The cleaned file name, or an error that says what is allowed."""
    name = get_valid_filename(filename.replace("\\", "/").split("/")[-1]) if filename else ""
    if not name:
        raise ApplicationError(_("The file needs a name."), fields={"file": [_("No file name.")]})
    longest = max_length_of(DocumentVersion, "filename")
    if len(name) > longest:
        raise ApplicationError(
            _("The file name is %(n)d characters long; at most %(max)d are allowed. Rename the "
              "file and upload it again.") % {"n": len(name), "max": longest},
            code="file_name", fields={"file": [_("File name too long.")]})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = settings.TENDER_DOCUMENT_EXTENSIONS
    if extension not in allowed:
        raise ApplicationError(
            _("Files of type “.%(ext)s” cannot be published. Allowed types: %(allowed)s.")
            % {"ext": extension or "?", "allowed": ", ".join(allowed)},
            code="file_type", fields={"file": [_("File type not allowed.")]})
    limit = settings.TENDER_DOCUMENT_MAX_BYTES
    if size is not None and size > limit:
        shown, shown_limit = _human_size(size), _human_size(limit)
        if shown == shown_limit:  # 3.0 MB vs 3.0 MB says nothing; show the bytes
            shown, shown_limit = f"{size:,} B", f"{limit:,} B"
        raise TooLarge(_("The file is %(size)s; the limit is %(limit)s.")
                       % {"size": shown, "limit": shown_limit},
                       fields={"file": [_("Too large.")]})
    if size == 0:
        raise ApplicationError(_("The file is empty."), fields={"file": [_("Empty file.")]})
    return name


def _hash_stream(stream: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    limit = settings.TENDER_DOCUMENT_MAX_BYTES
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if size > limit:
            raise TooLarge(_("The file is larger than the limit of %(limit)s.")
                           % {"limit": _human_size(limit)}, fields={"file": [_("Too large.")]})
    return digest.hexdigest(), size


@transaction.atomic
def document_upload(*, notice: Notice, by: User, stream: IO[bytes], filename: str,
                    title: str = "", document: TenderDocument | None = None, note: str = "",
                    size: int | None = None,
                    now: datetime | None = None) -> tuple[DocumentVersion, list[str]]:
    """Store a new document, or a new version of `document`. Returns warnings to show.

    The stream is read twice in 1 MiB chunks (hash, then store), so memory stays flat for any
    size; Django has already spooled large uploads to a temporary file.
    """
    _require_editor(notice.buyer, by)
    name = check_upload(filename=filename, size=size)
    # The clock decides, not the close job: lock the notice, then read the database clock.
    notice, now = notice_lock(notice.pk, now=now)
    if notice.status not in (NoticeStatus.DRAFT, NoticeStatus.PUBLISHED):
        raise Conflict(_("Documents cannot change once the notice is %(status)s.")
                       % {"status": notice.get_status_display().lower()})
    if notice.status == NoticeStatus.PUBLISHED:
        refuse_documents_after_deadline(notice, now)
    if document is not None and document.notice_id != notice.pk:
        raise ApplicationError(_("That document belongs to another notice."))
    sha256, actual_size = _hash_stream(stream)
    if actual_size == 0:
        raise ApplicationError(_("The file is empty."), fields={"file": [_("Empty file.")]})
    stream.seek(0)
    if document is None:
        document = TenderDocument.objects.create(notice=notice, title=(title or name)[:200])
    number = (document.versions.order_by("-number").values_list("number", flat=True).first()
              or 0) + 1
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    version = DocumentVersion(document=document, number=number, filename=name, size=actual_size,
                              sha256=sha256, content_type=content_type, note=note[:300],
                              uploaded_at=now, uploaded_by=by)
    version.file.save(name, File(stream, name=name), save=False)
    try:
        version.save()
        event = notice_event(notice, NoticeEventKind.DOCUMENT_VERSION_ADDED, by=by, at=now,
                             document=document.title, document_id=document.pk, version=number,
                             filename=name, sha256=sha256, size=actual_size, note=note[:300])
    except BaseException:
        # The transaction rolls the rows back; storage is not transactional, so remove the
        # file we just wrote instead of leaving an orphan no row points to.
        with contextlib.suppress(Exception):
            version.file.storage.delete(str(version.file.name))
        raise
    warnings: list[str] = []
    if notice.status == NoticeStatus.PUBLISHED:
        _announce(notice, "document", event=event)
        # The late-change period is a dated rule row (notices/rules), not a constant here.
        late = rules.late_change(notice, at=now)
        if late is not None:
            warnings.append(_("The tender documents changed less than %(days)s days before the "
                              "deadline (%(source)s). Consider extending the deadline with a "
                              "change notice so every supplier has time to adapt.")
                            % {"days": late.days, "source": late.source})
    return version, warnings
