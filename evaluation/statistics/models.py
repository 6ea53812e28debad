"""Summary tables of the public statistics.

Two levels, both derived (``manage.py statistics_rebuild`` writes them afresh from the
source tables; nothing else depends on them):

* ``StatNotice``: one row per public notice, its dimensions (year, buyer, NUTS, CPV division,
  kind) and its measures as a small dict of whole numbers ("offers": 3, "kind:cn": 1, …);
  the old row is what a change is subtracted from.
* ``StatCell``: the sums of those measures per (year, NUTS, CPV division, measure), without
  the buyer, so a page without an authority filter reads a few thousand rows whatever the
  number of notices. With an authority filter the page sums that buyer's ``StatNotice`` rows.

``StatCursor`` holds, per event table, the position the incremental refresh has read to.
"""

from __future__ import annotations

from django.db import models


class StatNotice(models.Model):
    notice = models.OneToOneField("notices.Notice", on_delete=models.CASCADE,
                                  primary_key=True, related_name="+")
    year = models.PositiveSmallIntegerField()
    buyer = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE,
                              related_name="+")
    nuts = models.CharField(max_length=5)
    cpv_division = models.CharField(max_length=2)
    kind = models.CharField(max_length=16)
    measures = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["buyer", "year"], name="statnotice_buyer_year")]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.year} {self.kind}"


class StatCell(models.Model):
    year = models.PositiveSmallIntegerField()
    nuts = models.CharField(max_length=5)
    cpv_division = models.CharField(max_length=2)
    measure = models.CharField(max_length=80)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["year", "nuts", "cpv_division", "measure"], name="statcell_unique")]
        indexes = [models.Index(fields=["measure", "year"], name="statcell_measure_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.nuts} {self.cpv_division} {self.measure}={self.value}"


class StatCursor(models.Model):
    source = models.CharField(max_length=40, unique=True)
    position = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.source}@{self.position}"
