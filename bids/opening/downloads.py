"""The HTTP answer for an opened file, shared by the API and the web view (both log the read
through bids.opening.services.opened_file_read before streaming)."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

from bids.opening.services import OpenedRead

OCTET_STREAM = "application/octet-stream"
TAR = "application/x-tar"


def streaming_download(read: OpenedRead, *, content_type: str = OCTET_STREAM
                       ) -> StreamingHttpResponse:
    """The opened tar is `application/x-tar`; a file from inside a bid stays an opaque
    `application/octet-stream` (with nosniff): its bytes are the bidder's, whatever it is
    named, and a browser must not render them on the platform's origin."""
    response = StreamingHttpResponse(read.chunks, content_type=content_type)
    response["Content-Length"] = str(read.size)
    response["Content-Disposition"] = content_disposition_header(True, read.filename) or ""
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
