"""Free document download: no account needed for a published notice."""

from __future__ import annotations

import base64

from django.http import FileResponse, HttpRequest

from .selectors import document_version_get_visible, notice_get_visible


def document_download(request: HttpRequest, pk: int, document_id: int,
                      number: int) -> FileResponse:
    notice = notice_get_visible(pk=pk, user=request.user)
    version = document_version_get_visible(notice=notice, document_id=document_id, number=number)
    response = FileResponse(version.file.open("rb"), as_attachment=True,
                            filename=version.filename, content_type=version.content_type)
    # Lets a client check integrity without trusting the page (RFC 9530).
    digest = base64.b64encode(bytes.fromhex(version.sha256)).decode()
    response["Repr-Digest"] = f"sha-256=:{digest}:"
    response["ETag"] = f'"{version.sha256}"'
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
