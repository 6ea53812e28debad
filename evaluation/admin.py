"""The evaluation in the admin: its events, read-only, without their details.

Platform staff get nothing on bids (DESIGN): the details of an evaluation event (reasons,
verdicts, a supplier's answer) are bid content, so the admin shows who did what and when,
never `data`. Verdicts, clarifications and rejections are not in the admin at all.
"""

from __future__ import annotations

from django.contrib import admin

from backend.admin import EventAdmin
from evaluation.models import EvaluationEvent


@admin.register(EvaluationEvent)
class EvaluationEventAdmin(EventAdmin):
    list_display = ("at", "notice", "kind", "kind_code", "by")
    exclude = ("data",)


# The award stage's events (evaluation.award), read-only like every event table; `data`
# quotes letters and reasons, so it is left out here too (the protocol shows it).
from evaluation.award.models import AwardEvent  # noqa: E402


@admin.register(AwardEvent)
class AwardEventAdmin(EventAdmin):
    list_display = ("at", "notice", "kind", "kind_code", "by")
    exclude = ("data",)
from evaluation.audits import admin as audits_admin  # noqa: E402,F401
from evaluation.library import admin as library_admin  # noqa: E402,F401
