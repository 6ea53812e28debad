"""Template tags of the ESPD: the link to a notice's ESPD request (notice page) and the ESPD
section of the bid page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from evaluation.criteria.models import QualificationRequirement
from evaluation.espd.forms import form_criteria
from evaluation.espd.request import requested_criteria
from evaluation.espd.response import EspdAnswer
from notices.models import Notice

register = template.Library()


@register.inclusion_tag("evaluation/espd/_request_link.html")
def espd_request_link(notice: Notice) -> dict[str, Any]:
    """The ESPD request's download link, when the notice asks for any ESPD criterion."""
    return {"notice": notice, "criteria": requested_criteria(notice)}


def espd_messages() -> dict[str, str]:
    return {
        "building": _("Making the ESPD response…"),
        "built": _("The ESPD response is ready: espd-response.xml is sealed with your bid."),
        "twice": _("You attached espd-response.xml and also chose an ESPD file; keep one."),
        "not_xml": _("The ESPD file is not well-formed XML."),
        "wrong_root": _("The ESPD file is not an ESPD response "
                        "(QualificationApplicationResponse)."),
        "no_file": _("Choose the ESPD response file, or answer the questions instead."),
        "answers_invalid": _("The ESPD response has answers that cannot be used: %(fields)s"),
        "check_ok": _("The ESPD response is valid for this notice."),
        "check_failed": _("The ESPD response cannot be used: %(reason)s"),
        "checking": _("Checking the ESPD response…"),
        "nothing": _("Answer at least one question first."),
    }


@register.filter
def espd_for(answers: list[EspdAnswer] | None, requirement: QualificationRequirement
             ) -> EspdAnswer | None:
    """The answer for one requirement: `{% with a=espd_answers|espd_for:requirement %}`."""
    for answer in answers or []:
        if answer.requirement.pk == requirement.pk:
            return answer
    return None


@register.inclusion_tag("evaluation/espd/_bid_section.html")
def espd_bid_section(notice: Notice) -> dict[str, Any]:
    """The ESPD part of the bid form: answer here, or attach a response made elsewhere."""
    return {"notice": notice, "criteria": form_criteria(notice), "messages": espd_messages()}
