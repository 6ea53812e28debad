"""Turns service errors raised in web views into the right HTTP answer.

API views get JSON from backend.exceptions; web views get Django's 404/403 pages, and other
ApplicationErrors a 400 page that shows the message.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotAuthenticated

from backend.errors import ApplicationError, Forbidden, NotFound, TooLarge


def too_large_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return _("The request body is larger than the limit of %(limit)d MB (files are sent as "
             "uploads, which have their own limit).") % {"limit": limit}


class ApplicationErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotAuthenticated):  # backend.auth.request_user, anonymous
            return redirect_to_login(request.get_full_path())
        if isinstance(exception, NotFound):
            raise Http404(exception.message)
        if isinstance(exception, RequestDataTooBig):
            exception = TooLarge(too_large_message())
        if isinstance(exception, Forbidden):
            raise PermissionDenied(exception.message)
        if isinstance(exception, ApplicationError):
            return render(request, "error.html", {"error": exception},
                          status=exception.status_code)
        return None
