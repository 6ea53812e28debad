"""Clarification questions and the authority's answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from backend.events import Event
from notices.models import Notice


class QuestionStatus(models.TextChoices):
    OPEN = "open", _("Awaiting answer")
    ANSWERED = "answered", _("Answered")
    MERGED = "merged", _("Merged with another question")


class Question(models.Model):
    """A supplier's question. Private to the asker's organisation and the buyer."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, related_name="+")
    supplier = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("question"))
    created_at = models.DateTimeField()
    status = models.CharField(_("status"), max_length=16, choices=QuestionStatus.choices,
                              default=QuestionStatus.OPEN)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="merged")

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Q{self.pk} on {self.notice_id}"

    @property
    def primary(self) -> Question:
        """The question whose answer answers this one."""
        return self.merged_into if self.merged_into_id else self  # type: ignore[return-value]


class Answer(models.Model):
    """The answer to a question and to every question merged into it.

    A public answer is published with `published_question_text` (the question as the
    authority worded it, without the asker's identity); a private one is seen by the askers.
    """

    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="answer")
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="answers")
    published_question_text = models.TextField(_("question as published"))
    text = models.TextField(_("answer"))
    public = models.BooleanField(_("publish to everyone"), default=True)
    published_at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           related_name="+")

    class Meta:
        ordering = ["published_at", "pk"]

    def __str__(self) -> str:
        return f"A{self.pk} to Q{self.question_id}"


class QuestionEventKind(models.TextChoices):
    """What happened to a question. The values are stored: never rename one."""

    ASKED = "question.asked", _("Question asked")
    ANSWERED = "question.answered", _("Question answered")
    MERGED = "question.merged", _("Question merged into another")
    MERGE_RECEIVED = "question.merge_received", _("Another question merged into this one")


class QuestionEvent(Event):
    """Append-only trail of every question: asked, merged, answered."""

    # Questions exist only on published notices, whose record is kept: never cascade.
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=64, choices=QuestionEventKind.choices)

    def __str__(self) -> str:
        return f"{self.kind} Q{self.question_id}"
