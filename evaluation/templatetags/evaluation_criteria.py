"""The evaluation model on the notice page: `{% evaluation_model_of notice as model %}`.

A published notice shows the model frozen in its latest version; a draft (the preview) shows
its rows. notices' templates include evaluation/criteria/_notice_model.html, which loads this,
so notices' views never import evaluation."""

from __future__ import annotations

from typing import Any

from django import template

from evaluation.criteria.presentation import general_requirements, lot_views
from evaluation.criteria.selectors import frozen_model_of, model_of
from notices.models import Notice, NoticeStatus

register = template.Library()


@register.simple_tag
def evaluation_model_of(notice: Notice) -> dict[str, Any]:
    frozen = frozen_model_of(notice) if notice.status != NoticeStatus.DRAFT else None
    model = frozen.model if frozen is not None else model_of(notice)
    return {"lots": lot_views(notice, model), "general": general_requirements(model),
            "sha256": frozen.sha256 if frozen is not None else "",
            "version": frozen.version if frozen is not None else None}
