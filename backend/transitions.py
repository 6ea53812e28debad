"""The compare-and-swap every aggregate's transitions module is built on.

Each aggregate has one `transitions.py` (notices, notices.questions, bids, bids.opening) that
owns its status edges: a table of allowed (old, new) pairs and a `<entity>_flip` that swaps
the status with this helper and writes exactly one event row, in the caller's transaction.
Nothing else writes a `status` (tests/test_transitions.py checks the source).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import models

from backend.errors import Conflict


class TransitionNotAllowed(Exception):
    """A programming error: the caller asked for an edge that is not in the table."""


def swap_status(model: type[models.Model], *, pk: Any, old: str, new: str,
                allowed: Collection[tuple[str, str]], conflict: str, **fields: Any) -> None:
    """`UPDATE ... SET status=new WHERE pk=pk AND status=old`; exactly one row or Conflict."""
    if (old, new) not in allowed:
        raise TransitionNotAllowed(f"{model.__name__}: {old} -> {new} is not an allowed edge")
    changed = model._default_manager.filter(pk=pk, status=old).update(status=new, **fields)
    if changed != 1:
        raise Conflict(conflict)
