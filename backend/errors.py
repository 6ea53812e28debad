"""One error family for the whole application.

Services raise these with a message a person can act on; the API's exception handler and
the web views turn them into a 4xx answer. Messages never contain secrets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class ApplicationError(Exception):
    status_code = 400
    default_code = "invalid"

    def __init__(
        self,
        message: str | Sequence[str],
        *,
        code: str | None = None,
        fields: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.messages = [message] if isinstance(message, str) else list(message)
        self.message = " ".join(self.messages)
        self.code = code or self.default_code
        self.fields = {name: list(errors) for name, errors in (fields or {}).items()}
        super().__init__(self.message)


class NotFound(ApplicationError):
    status_code = 404
    default_code = "not_found"


class Forbidden(ApplicationError):
    status_code = 403
    default_code = "forbidden"


class Conflict(ApplicationError):
    """A compare-and-swap lost: the object changed under us."""

    status_code = 409
    default_code = "conflict"


class TooLarge(ApplicationError):
    status_code = 413
    default_code = "too_large"
