"""Checks other apps add to publishing, without notices importing them.

bids/ registers "every committee member has enrolled a key" here in its AppConfig.ready().
A check returns plain-word problems; an empty list means it has no objection.

Warnings are the same seam for what does not stop publishing but should not surprise the
officer afterwards (bids: "this notice will take no electronic bids"); the preview shows them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from notices.models import Notice

PublishCheck = Callable[["Notice", datetime], list[str]]
_checks: list[PublishCheck] = []
_warnings: list[PublishCheck] = []


def register(check: PublishCheck) -> PublishCheck:
    if check not in _checks:
        _checks.append(check)
    return check


def run(notice: Notice, at: datetime) -> list[str]:
    return [problem for check in _checks for problem in check(notice, at)]


def register_warning(check: PublishCheck) -> PublishCheck:
    if check not in _warnings:
        _warnings.append(check)
    return check


def warnings(notice: Notice, at: datetime) -> list[str]:
    """What publishing allows but the officer should know first, in plain words."""
    return [warning for check in _warnings for warning in check(notice, at)]
