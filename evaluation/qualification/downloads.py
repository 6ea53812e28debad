"""The HTTP answer for the document a supplier sent with a clarification answer: opaque
bytes from private storage, never rendered on the platform's origin (as opened bid files)."""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext as _

from backend.errors import NotFound
from evaluation.qualification.models import ClarificationRequest


def attachment_download(request: ClarificationRequest) -> FileResponse:
    from bids.opening.services import private_storage

    if not request.attachment_storage_name:
        raise NotFound(_("This answer has no document."))
    handle = private_storage().open(request.attachment_storage_name, "rb")
    response = FileResponse(handle, as_attachment=True, filename=request.attachment_name,
                            content_type="application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Repr-Digest"] = f"sha-256=:{_b64(request.attachment_sha256)}:"
    return response


def _b64(hex_digest: str) -> str:
    import base64

    return base64.b64encode(bytes.fromhex(hex_digest)).decode() if hex_digest else ""
