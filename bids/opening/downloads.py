"""The HTTP answer for an opened file, shared by the API and the web view (both log the read
through bids.opening.services.opened_file_read before streaming)."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

from bids.opening.services import OpenedRead


def streaming_download(read: OpenedRead) -> StreamingHttpResponse:
    response = StreamingHttpResponse(read.chunks, content_type="application/octet-stream")
    response["Content-Length"] = str(read.size)
    response["Content-Disposition"] = content_disposition_header(True, read.filename) or ""
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
