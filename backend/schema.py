from __future__ import annotations

from typing import Any


def only_api_paths(endpoints: list[tuple[str, str, str, Any]], **kwargs: Any) -> list[Any]:
    """The OpenAPI document describes /api/ only; web pages share some views but are not API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]
