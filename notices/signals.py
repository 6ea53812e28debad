"""Signals other parts subscribe to (search index, followers). Sent after commit."""

from __future__ import annotations

from django.dispatch import Signal

# kwargs: notice_id: int, change: str ("published", "changed", "cancelled", "closed",
# "document", "answer"), version: int, event_id: int (the NoticeEvent the signal announces)
notice_changed = Signal()
