"""The OpenAPI document: one error body, and the error answers every operation can give.

Every 4xx of the API has the body of backend.exceptions (`{"error": {"code", "message",
"fields"}}`), described once here as `Error`. The AutoSchema adds the error answers that follow
from how an operation is built (its method, parameters, body, authentication and throttles);
a view adds the ones only its own logic can give (403 on a read, 409) with `errors(...)`.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS, AllowAny

JSON = "application/json"


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable code a program can act on "
                                           "(invalid, not_found, conflict, ...).")
    message = serializers.CharField(help_text="What went wrong, in words a person can act on.")
    # Named like Serializer.fields; DRF collects declared fields first, the stubs see a clash.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="The problems per input field; empty when the error is not about a field.")


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


DESCRIPTIONS = {
    400: "Bad input: `error.fields` names each field that is wrong and why.",
    401: "Not signed in, or the token is wrong, expired or revoked.",
    403: "Signed in, but not allowed to do this (or the session's CSRF token is missing).",
    404: "No such object, or it is not visible to you.",
    409: "The object is not in a state that allows this (for example, past the deadline, "
         "or changed by someone else at the same time).",
    413: "The request body is larger than the limit.",
    415: "The request body has a content type this operation does not take.",
    429: "Too many attempts; the `Retry-After` header says how many seconds to wait.",
}


def error(code: int, description: str | None = None) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=description or DESCRIPTIONS[code])


def errors(*codes: int) -> dict[tuple[int, str], OpenApiResponse]:
    """Error answers of a view's own logic, for `extend_schema(responses={..., **errors(409)})`.

    Always JSON, whatever the operation's success media type."""
    return {(code, JSON): error(code) for code in codes}


def described(code: int, description: str) -> dict[tuple[int, str], OpenApiResponse]:
    """One error answer with a description of its own (`**described(404, "...")`)."""
    return {(code, JSON): error(code, description)}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema plus the error answers each operation's shape implies."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code, description in self._implied_errors(operation).items():
            if str(code) in responses:
                continue
            responses[str(code)] = self._get_response_for_code(error(code, description),
                                                               str(code), [JSON])
        if "429" in responses:  # DRF's throttles and django-axes (accounts.signin) alike
            responses["429"].setdefault("headers", {})["Retry-After"] = {
                "schema": {"type": "integer"}, "required": True,
                "description": "Seconds to wait before trying again."}
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _implied_errors(self, operation: dict[str, Any]) -> dict[int, str]:
        where = {parameter.get("in") for parameter in operation.get("parameters", [])}
        has_body = "requestBody" in operation
        writes = self.method not in SAFE_METHODS
        authenticators = self.view.get_authenticators()
        anonymous_ok = all(self._allows_anonymous(p) for p in self.view.get_permissions())
        implied: dict[int, str] = {}
        if writes or "query" in where:
            implied[400] = DESCRIPTIONS[400]
        if authenticators:
            implied[401] = (DESCRIPTIONS[401] if not anonymous_ok else
                            "The token sent is wrong, expired or revoked (this operation "
                            "needs no token at all).")
        if writes and any(isinstance(a, SessionAuthentication) for a in authenticators):
            implied[403] = DESCRIPTIONS[403]
        if "path" in where:
            implied[404] = DESCRIPTIONS[404]
        elif self.method == "GET" and self._get_paginator() is not None:
            implied[404] = "No such page (DRF's page numbers start at 1)."
        if has_body:
            implied[413] = DESCRIPTIONS[413]
            implied[415] = DESCRIPTIONS[415]
        if self.view.get_throttles():
            implied[429] = DESCRIPTIONS[429]
        return implied

    def _allows_anonymous(self, permission: Any) -> bool:
        if isinstance(permission, AllowAny):
            return True
        from backend.auth import ReadPublicWriteAuthenticated

        return isinstance(permission, ReadPublicWriteAuthenticated) and self.method in SAFE_METHODS


def only_api_paths(endpoints: list[tuple[str, str, str, Any]], **kwargs: Any) -> list[Any]:
    """The OpenAPI document describes /api/ only; web pages share some views but are not API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]
