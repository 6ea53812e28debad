"""Clarification questions and the authority's answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
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


class QuestionEvent(models.Model):
    """Append-only trail of every question: asked, merged, answered."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=64)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           blank=True, related_name="+")
    at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} Q{self.question_id}"
