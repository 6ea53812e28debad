"""What text may be stored, and how text already stored is made safe for each output format.

One home for both rules:
- `check_text` / `check_instance_text`: text fields refuse control characters other than tab,
  line feed and carriage return, lone surrogates and the Unicode non-characters, and a value
  longer than its field's `max_length` (SQLite would store it, PostgreSQL would refuse it with
  a 500; checking here makes every database answer the same 400).
- `xml_safe`: outputs that carry text (Atom, eForms XML, PDF) drop what XML 1.0 cannot carry,
  so a row written before these checks, or by a migration, never turns a public page into a 500.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from backend.errors import ApplicationError


def _noncharacters() -> str:
    # U+FDD0..U+FDEF and the last two code points of every plane (U+FFFE, U+FFFF, U+1FFFE, ...).
    ranges = ["\ufdd0-\ufdef"]
    for plane in range(17):
        base = plane * 0x10000
        ranges.append(f"{chr(base + 0xFFFE)}{chr(base + 0xFFFF)}")
    return "".join(ranges)


# C0 controls except \t \n \r, DEL and the C1 controls, lone surrogates, non-characters.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff" + _noncharacters() + "]")


def forbidden_characters(value: str) -> list[str]:
    """The distinct forbidden characters in `value`, as U+XXXX, in order of appearance."""
    seen: dict[str, None] = {}
    for match in FORBIDDEN.finditer(value):
        seen.setdefault(f"U+{ord(match.group()):04X}", None)
    return list(seen)


def text_problems(value: str, *, max_length: int | None = None) -> list[str]:
    problems: list[str] = []
    bad = forbidden_characters(value)
    if bad:
        problems.append(_("Contains characters that cannot be stored (%(chars)s); remove them. "
                          "Tabs and line breaks are fine.") % {"chars": ", ".join(bad[:5])})
    if max_length is not None and len(value) > max_length:
        problems.append(_("At most %(max)d characters (this has %(n)d).")
                        % {"max": max_length, "n": len(value)})
    return problems


def check_text(values: Mapping[str, Any], *, max_lengths: Mapping[str, int] | None = None) -> None:
    """Raise one ApplicationError naming every bad field of `values` (strings only are checked)."""
    fields: dict[str, list[str]] = {}
    for name, value in values.items():
        if isinstance(value, str):
            problems = text_problems(value, max_length=(max_lengths or {}).get(name))
            if problems:
                fields[name] = problems
    if fields:
        raise ApplicationError(_("Some fields hold text that cannot be stored."), code="invalid",
                               fields=fields)


def _text_fields(model: type[models.Model]) -> Iterable[models.Field[Any, Any]]:
    for field in model._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField | models.FileField):
            yield field


def check_instance_text(instance: models.Model) -> None:
    """Every text field of a model instance, against its own max_length: the last line of defence
    before the database, so no write path can store what the checks refuse."""
    values: dict[str, Any] = {}
    limits: dict[str, int] = {}
    for field in _text_fields(type(instance)):
        value = getattr(instance, field.attname)
        if isinstance(field, models.FileField):
            value = str(value.name) if value else ""
        if not isinstance(value, str) or not value:
            continue
        values[field.name] = value
        if field.max_length:
            limits[field.name] = field.max_length
    check_text(values, max_lengths=limits)


def xml_safe(value: object) -> str:
    """`value` as text with every character XML 1.0 cannot carry removed."""
    return FORBIDDEN.sub("", "" if value is None else str(value))


def max_length_of(model: type[models.Model], field: str) -> int:
    found = model._meta.get_field(field)
    length = getattr(found, "max_length", None)
    assert length is not None, f"{model.__name__}.{field} has no max_length"
    return int(length)


GUARDED_APPS = frozenset({"accounts", "notices", "bids", "evaluation"})


def guard_text_on_save(sender: type[models.Model], instance: models.Model, raw: bool = False,
                       **kwargs: Any) -> None:
    """pre_save receiver: refuse a row of the platform's apps whose text cannot be stored.

    The one place these rules are enforced for every write path: the error names the model
    field (which the forms and serializers use too), so a bad value is a 400 next to its field
    and never a half-written row or a 500.
    """
    if raw or sender._meta.app_label not in GUARDED_APPS:
        return
    check_instance_text(instance)
