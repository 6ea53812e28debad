"""The ethical-trade terms as the notice published them, and a contract's follow-up plan."""

from __future__ import annotations

from typing import Any

from django import template

from evaluation.ethics.models import FollowUpPlan
from evaluation.ethics.selectors import plan_for_contract, published_terms, terms_view
from notices.models import Notice

register = template.Library()


@register.simple_tag
def ethical_terms_of(notice: Notice) -> dict[str, Any] | None:
    return terms_view(published_terms(notice))


@register.simple_tag
def follow_up_of(contract: Any) -> FollowUpPlan | None:
    return plan_for_contract(contract.pk)
