"""The API's JSON parser: DRF's, with a nesting limit.

Python's json module recurses per level, so a body of a few thousand brackets raised
RecursionError (a 500) in the parser or later in a serializer. Bodies nested deeper than
MAX_DEPTH are refused as a 400 before any view sees them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


def json_depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            depth += 1
            stack.extend((child, depth) for child in item.values())
        elif isinstance(item, list):
            depth += 1
            stack.extend((child, depth) for child in item)
        deepest = max(deepest, depth)
    return deepest


def too_deep() -> ParseError:
    return ParseError(_("The JSON body is nested more than %(max)d levels deep.")
                      % {"max": MAX_DEPTH})


class DepthLimitedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None,
              parser_context: Mapping[str, Any] | None = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise too_deep() from exc
        if json_depth(data) > MAX_DEPTH:
            raise too_deep()
        return data
