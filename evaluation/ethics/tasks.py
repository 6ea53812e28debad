"""The hourly follow-up reminders (CELERY_BEAT_SCHEDULE "evaluation-follow-up-reminders")."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="evaluation.ethics.follow_up_reminders")
def follow_up_reminders() -> int:
    from evaluation.ethics.services import follow_up_remind

    return follow_up_remind()
