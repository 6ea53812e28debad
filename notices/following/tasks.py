"""Thin Celery tasks for following, inbox and saved searches: ids in, services do the work."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="notices.following_tasks.notify_event", autoretry_for=(Exception,),
             retry_backoff=True, max_retries=5)
def notify_event(event_id: int) -> int:
    """Tell every follower (or asker) about one notice event. Idempotent per (event, user)."""
    from notices.following.services import notification_send

    return notification_send(event_id=event_id)


@shared_task(name="notices.following_tasks.send_digests")
def send_digests() -> int:
    """Periodic: digests of saved searches that are due. Idempotent."""
    from notices.following.saved_searches import saved_search_send_digests

    return saved_search_send_digests()


@shared_task(name="notices.following_tasks.retry_unsent_notifications")
def retry_unsent_notifications() -> int:
    """Periodic: e-mail inbox messages whose first attempt failed."""
    from notices.following.services import notification_retry_unsent

    return notification_retry_unsent()



@shared_task(name="notices.following_tasks.mail_messages", autoretry_for=(Exception,),
             retry_backoff=True, max_retries=5)
def mail_messages(message_ids: list[int]) -> int:
    """E-mail inbox messages written by inbox_send. Idempotent (claimed by emailed_at)."""
    from notices.following.services import inbox_mail

    return inbox_mail(message_ids=message_ids)


@shared_task(name="notices.following_tasks.notify_question_asked", autoretry_for=(Exception,),
             retry_backoff=True, max_retries=5)
def notify_question_asked(question_id: int) -> int:
    """Tell the buyer's officers that a question waits for an answer. Idempotent."""
    from notices.questions.services import question_notify_buyer

    return question_notify_buyer(question_id=question_id)
