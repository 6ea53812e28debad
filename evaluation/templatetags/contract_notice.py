"""The award notice on the public notice pages, without notices importing evaluation:
`{% award_notice_fact notice %}` (the key fact of an award notice: the contract notice it
belongs to) and `{% award_results_section notice %}` (an award notice's results per lot as
published; on a contract notice, the link to its award notice)."""

from __future__ import annotations

from typing import Any

from django import template

from notices.models import Notice, NoticeKind

register = template.Library()


@register.inclusion_tag("contract/_notice_award_fact.html")
def award_notice_fact(notice: Notice) -> dict[str, Any]:
    from evaluation.contract.selectors import published_results

    results = published_results(notice)
    return {"notice": notice,
            "contract_notice": results.contract_notice if results else None}


@register.inclusion_tag("contract/_notice_award.html")
def award_results_section(notice: Notice) -> dict[str, Any]:
    from evaluation.contract.selectors import published_award_notice, published_results

    if notice.kind == NoticeKind.AWARD:
        results = published_results(notice)
        return {"notice": notice, "is_award_notice": True,
                "lots": results.lots if results else [],
                "contract_notice": results.contract_notice if results else None}
    if notice.pk is None or notice.status == "draft":
        return {"notice": notice, "award_notice": None}
    return {"notice": notice, "award_notice": published_award_notice(notice)}
