"""The signed contract document, from the private storage, with its SHA-256."""

from __future__ import annotations

import base64

from django.http import FileResponse
from django.utils.translation import gettext as _

from backend.errors import NotFound
from evaluation.award.models import Contract


def contract_document_download(contract: Contract) -> FileResponse:
    from bids.opening.services import private_storage

    if not contract.document or not contract.document.name:
        raise NotFound(_("This contract has no document."))
    try:
        handle = private_storage().open(contract.document.name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise NotFound(_("The signed document is not in the storage.")) from exc
    response = FileResponse(handle, as_attachment=True,
                            filename=contract.document_name or "contract",
                            content_type="application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    if contract.document_sha256:
        digest = base64.b64encode(bytes.fromhex(contract.document_sha256)).decode()
        response["Repr-Digest"] = f"sha-256=:{digest}:"
    return response
