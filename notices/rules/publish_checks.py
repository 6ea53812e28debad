"""Checks other apps add to publishing, without notices importing them.

bids/ registers "every committee member has enrolled a key" here in its AppConfig.ready().
A check returns plain-word problems; an empty list means it has no objection.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from notices.models import Notice

PublishCheck = Callable[["Notice", datetime], list[str]]
_checks: list[PublishCheck] = []


def register(check: PublishCheck) -> PublishCheck:
    if check not in _checks:
        _checks.append(check)
    return check


def run(notice: Notice, at: datetime) -> list[str]:
    return [problem for check in _checks for problem in check(notice, at)]
