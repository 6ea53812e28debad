"""The one event model: every aggregate's append-only table is a subclass of `Event`.

An event records who (`by`, empty for the platform's own jobs), when (`at`), what (`kind`, a
value of the aggregate's `TextChoices` enumeration, used as the field's choices) and the
details (`data`). The procurement protocol and the audit trail are views of these rows, so a
row, once written, is part of the record: nothing changes or removes it. `save()` on an
existing row, `delete()`, and a queryset's `update()`, `bulk_update()` and `delete()` all
raise `EventImmutable`; the admin shows events read-only (backend.admin.ReadOnlyAdmin).

Deleting a parent row is decided by the parent's foreign key on the event table, not here:
see `notices.models.cascade_while_draft` (a draft that was never published goes with its
trail) and the PROTECT keys elsewhere. `by` is PROTECT too: a person who acted in a
procedure is deactivated, never deleted, so the record keeps naming them.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models


class EventImmutable(Exception):
    """Something tried to change or delete an event row."""


def _refuse(what: str) -> NoReturn:
    raise EventImmutable(f"Event rows are append-only: {what} is refused.")


class EventQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        _refuse("update()")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        _refuse("bulk_update()")

    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse("delete()")


class EventManager(models.Manager.from_queryset(EventQuerySet)):  # type: ignore[misc]
    pass


class Event(models.Model):
    """Abstract base. A subclass adds the parent key(s) and overrides `kind` with choices."""

    kind = models.CharField(max_length=64)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                           blank=True, related_name="+")
    at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)

    objects = EventManager()

    class Meta:
        abstract = True
        ordering = ["at", "pk"]
        # Related managers and Model._base_manager refuse updates and deletes as well.
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse("saving an existing event")
        # Never an UPDATE, even for an unsaved instance that carries an existing pk.
        kwargs["force_insert"] = True
        kwargs.pop("force_update", None)
        kwargs.pop("update_fields", None)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("delete()")

