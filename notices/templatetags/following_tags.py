"""Template helpers for following, inbox and questions, and the notice page's section tag.

Usage on the notice page: {% load following_tags %}{% notice_questions_section notice %}
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template

from backend.formatting import format_oslo

register = template.Library()


@register.filter
def oslo_time(value: datetime | None) -> str:
    """01.12.2026 12:00: a time as Norwegians read it, always in Oslo time."""
    return format_oslo(value or None, "short")


@register.inclusion_tag("notices/questions/_notice_section.html", takes_context=True)
def notice_questions_section(context: template.Context, notice: Any) -> dict[str, Any]:
    from notices.questions.views import notice_section_context

    request = context["request"]
    data = notice_section_context(request, notice)
    data["request"] = request
    data["csrf_token"] = context.get("csrf_token")
    return data


@register.simple_tag(takes_context=True)
def inbox_unread(context: template.Context) -> int:
    """Unread inbox messages of the signed-in user, for the navigation: {% inbox_unread %}."""
    from notices.following.services import inbox_unread_count

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return inbox_unread_count(user=user)
