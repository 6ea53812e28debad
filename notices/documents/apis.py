"""Free document download: no account needed for a published notice.

A DRF view, so the buyer can fetch draft documents with a session or an API token alike.
"""

from __future__ import annotations

import base64

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from notices.selectors import document_version_get_visible, notice_get_visible


class DocumentDownloadApi(APIView):
    # Public for published notices; a draft's documents are 404 to all but its buyer.
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Download a tender document version",
        description="The file as uploaded, with the content type its name implies "
                    "(`application/octet-stream` when the name implies none), as an "
                    "attachment. `Repr-Digest` and `ETag` carry its SHA-256.",
        parameters=[
            OpenApiParameter("Repr-Digest", str, OpenApiParameter.HEADER, response=[200],
                             required=True, description="sha-256=:<base64>: (RFC 9530)"),
            OpenApiParameter("ETag", str, OpenApiParameter.HEADER, response=[200],
                             required=True, description="The SHA-256 in hex, quoted."),
            OpenApiParameter("Content-Disposition", str, OpenApiParameter.HEADER,
                             response=[200], required=True,
                             description="attachment, with the file name."),
        ],
        responses={(200, "*/*"): OpenApiResponse(response=OpenApiTypes.BINARY,
                                                 description="The file's bytes.")})
    def get(self, request: Request, pk: int, document_id: int, number: int) -> FileResponse:
        notice = notice_get_visible(pk=pk, user=request.user)
        version = document_version_get_visible(notice=notice, document_id=document_id,
                                               number=number)
        response = FileResponse(version.file.open("rb"), as_attachment=True,
                                filename=version.filename, content_type=version.content_type)
        # Lets a client check integrity without trusting the page (RFC 9530).
        digest = base64.b64encode(bytes.fromhex(version.sha256)).decode()
        response["Repr-Digest"] = f"sha-256=:{digest}:"
        response["ETag"] = f'"{version.sha256}"'
        response["Cache-Control"] = ("public, max-age=31536000, immutable" if notice.is_public
                                     else "private, no-store")
        return response


document_download = DocumentDownloadApi.as_view()
