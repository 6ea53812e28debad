"""Keeping the summary tables current.

``statistics_refresh`` (every minute, CELERY_BEAT_SCHEDULE) reads the event tables after its
stored position, recomputes the notices they name and applies the difference to the cells:
one changed notice costs a few queries, whatever the size of the board. Events younger than
``SETTLE`` are read again on the next run (a transaction that committed late with a lower id is
not skipped); recomputing is idempotent, so reading twice is harmless.
``statistics_rebuild`` (``manage.py statistics_rebuild``) writes everything afresh.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from bids.models import BidEvent
from evaluation.award.models import AwardEvent
from evaluation.ethics.models import FollowUpEvent
from evaluation.models import EvaluationEvent
from evaluation.statistics.facts import facts_for
from evaluation.statistics.models import StatCell, StatCursor, StatNotice
from notices.models import Notice, NoticeEvent

SETTLE = timedelta(seconds=60)
BATCH = 2000
# Each event table, with the path from its row to the notice it concerns.
SOURCES = {
    "notice": (NoticeEvent, "notice_id"),
    "bid": (BidEvent, "notice_id"),
    "evaluation": (EvaluationEvent, "notice_id"),
    "award": (AwardEvent, "notice_id"),
    "follow_up": (FollowUpEvent, "plan__contract__notice_id"),
}

CellKey = tuple[int, str, str, str]


def _add(cells: dict[CellKey, int], dims: tuple, measures: dict[str, int], sign: int) -> None:
    year, _buyer, nuts, cpv, _kind = dims
    for name, value in measures.items():
        cells[(year, nuts, cpv, name)] += sign * value


def _apply(cells: dict[CellKey, int]) -> None:
    for (year, nuts, cpv, name), delta in cells.items():
        if not delta:
            continue
        hit = StatCell.objects.filter(year=year, nuts=nuts, cpv_division=cpv,
                                      measure=name).update(value=F("value") + delta)
        if not hit:
            StatCell.objects.create(year=year, nuts=nuts, cpv_division=cpv, measure=name,
                                    value=delta)


@transaction.atomic
def statistics_recompute(*, notice_ids: Iterable[int]) -> int:
    """Bring the statistics of these notices up to date; returns how many changed."""
    ids = sorted(set(notice_ids))
    changed = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        old = {row.notice_id: row for row in StatNotice.objects.select_for_update().filter(
            notice_id__in=chunk)}
        new = facts_for(chunk)
        cells: dict[CellKey, int] = defaultdict(int)
        for nid in chunk:
            before = old.get(nid)
            after = new.get(nid)
            before_key = ((before.year, before.buyer_id, before.nuts, before.cpv_division,
                           before.kind), before.measures) if before else None
            if before_key == after:
                continue
            changed += 1
            if before_key:
                _add(cells, before_key[0], before_key[1], -1)
            if after:
                _add(cells, after[0], after[1], +1)
                (year, buyer, nuts, cpv, kind), measures = after
                StatNotice.objects.update_or_create(notice_id=nid, defaults={
                    "year": year, "buyer_id": buyer, "nuts": nuts, "cpv_division": cpv,
                    "kind": kind, "measures": measures})
            elif before:
                before.delete()
        _apply(cells)
    return changed


def _notice_ids_with_awards(ids: set[int]) -> set[int]:
    # An award notice's publication changes the statistics of the notice it reports on.
    return set(Notice.objects.filter(pk__in=list(ids), award_for__isnull=False)
               .values_list("award_for_id", flat=True))


def statistics_refresh(*, now: datetime | None = None, limit: int = 10_000) -> int:
    """Read the new events of every source and recompute the notices they name."""
    now = now or timezone.now()
    total = 0
    with transaction.atomic():
        cursors = {c.source: c for c in StatCursor.objects.select_for_update().filter(
            source__in=list(SOURCES))}
        for source, (model, path) in SOURCES.items():
            cursor = cursors.get(source) or StatCursor.objects.create(source=source)
            rows = list(model.objects.filter(pk__gt=cursor.position).order_by("pk")
                        .values_list("pk", "at", path)[:limit])
            ids = {nid for _pk, _at, nid in rows if nid}
            ids |= _notice_ids_with_awards(ids)
            total += statistics_recompute(notice_ids=ids)
            # Only past the oldest rows: one younger than SETTLE may still be preceded by a
            # transaction that commits late with a lower id, so it is read again next time.
            for pk, at, _nid in rows:
                if at > now - SETTLE:
                    break
                cursor.position = pk
            cursor.refreshed_at = now
            cursor.save(update_fields=["position", "refreshed_at"])
    return total


@transaction.atomic
def statistics_rebuild(*, batch: int = 5000) -> int:
    """Write every summary table afresh from the source tables; returns the notices counted.
    One transaction: readers see the old figures or the new, never half."""
    positions = {source: model.objects.aggregate(m=Max("pk"))["m"] or 0
                 for source, (model, _path) in SOURCES.items()}
    StatCell.objects.all().delete()
    StatNotice.objects.all().delete()
    cells: dict[CellKey, int] = defaultdict(int)
    counted = 0
    last = 0
    while True:
        ids = list(Notice.objects.filter(pk__gt=last).order_by("pk")
                   .values_list("pk", flat=True)[:batch])
        if not ids:
            break
        last = ids[-1]
        facts = facts_for(ids)
        StatNotice.objects.bulk_create([
            StatNotice(notice_id=nid, year=d[0], buyer_id=d[1], nuts=d[2], cpv_division=d[3],
                       kind=d[4], measures=m) for nid, (d, m) in facts.items()])
        for dims, measures in facts.values():
            _add(cells, dims, measures, +1)
        counted += len(facts)
    StatCell.objects.bulk_create([
        StatCell(year=y, nuts=n, cpv_division=c, measure=name, value=v)
        for (y, n, c, name), v in cells.items() if v], batch_size=5000)
    now = timezone.now()
    for source, position in positions.items():
        StatCursor.objects.update_or_create(source=source, defaults={
            "position": position, "refreshed_at": now})
    return counted
