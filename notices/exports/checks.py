"""System checks of the open-data settings (`manage.py check` and every server start)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Warning, register


@register()
def ocid_prefix_check(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """The ocid prefix must have the registered form: `ocds-` and six lowercase letters or
    digits. The default has it, but is not registered: an operator registers their own."""
    from notices.exports.ocds import OCID_PREFIX_RE, ocid_prefix

    if OCID_PREFIX_RE.match(ocid_prefix()):
        return []
    return [Warning(f"ANBUD_OCDS_OCID_PREFIX {ocid_prefix()!r} is not an OCDS ocid prefix.",
                    hint="Register a prefix with the Open Contracting Partnership: `ocds-` and "
                         "six lowercase letters or digits (docs/open-data.md).",
                    id="anbud.W012")]
