"""The public statistics: filters, and the figures as one plain structure (page, JSON, CSV).

Without an authority filter the figures are sums of ``StatCell`` rows (thousands of rows,
whatever the number of notices); with one, of that buyer's ``StatNotice`` rows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import Organization, OrganizationKind
from backend.errors import ApplicationError
from evaluation.criteria.models import ClimateRule
from evaluation.statistics.facts import AWARD_DAY_BANDS
from evaluation.statistics.models import StatCell, StatNotice
from notices.models import CpvCode, NoticeKind, NutsCode, Regime

NUTS_RE = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    authority: Organization | None = None
    region: str = ""
    cpv: str = ""  # a CPV division, two digits

    def as_query(self) -> dict[str, str]:
        return {k: v for k, v in (
            ("year", str(self.year or "")), ("authority", str(self.authority.pk)
                                              if self.authority else ""),
            ("region", self.region), ("cpv", self.cpv)) if v}


def _bad(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, fields={field: [message]}, code="invalid")


def filters_parse(params: Any) -> Filters:
    """The filters of a query string; a bad value is a 400 naming the parameter."""
    year_raw = (params.get("year") or "").strip()
    year = None
    if year_raw:
        if not (year_raw.isascii() and year_raw.isdigit() and 1900 <= int(year_raw) <= 2200):
            raise _bad("year", _("A year, four digits (e.g. 2026)."))
        year = int(year_raw)
    authority = None
    auth_raw = (params.get("authority") or "").strip()
    if auth_raw:
        if not (auth_raw.isascii() and auth_raw.isdigit() and len(auth_raw) < 12):
            raise _bad("authority", _("An authority's number, as the list gives it."))
        authority = Organization.objects.filter(pk=int(auth_raw),
                                                kind=OrganizationKind.AUTHORITY).first()
        if authority is None:
            raise _bad("authority", _("No such contracting authority."))
    region = (params.get("region") or "").strip().upper()
    if region and not NUTS_RE.match(region):
        raise _bad("region", _("A NUTS code, e.g. NO08 or NO081."))
    cpv = (params.get("cpv") or "").strip()
    if cpv and not (cpv.isascii() and cpv.isdigit() and len(cpv) in (2, 8)):
        raise _bad("cpv", _("A CPV division (two digits, e.g. 45) or a CPV code (eight "
                            "digits)."))
    return Filters(year=year, authority=authority, region=region, cpv=cpv[:2])


def _labels_cpv(codes: set[str]) -> dict[str, str]:
    nb = (get_language() or "en")[:2] == "nb"
    rows = CpvCode.objects.filter(code__in=[f"{c}000000" for c in codes]).values_list(
        "code", "label_nb", "label_en")
    return {code[:2]: (label_nb if nb else label_en) or label_en for code, label_nb, label_en
            in rows}


def _labels_nuts(codes: set[str]) -> dict[str, str]:
    rows = NutsCode.objects.filter(code__in=list(codes)).values_list("code", "label")
    return dict(rows)


def _climate_options() -> dict[str, tuple[str, str]]:
    nb = (get_language() or "en")[:2] == "nb"
    found: dict[str, tuple[str, str]] = {}
    for rule in ClimateRule.objects.order_by("valid_from"):
        for option in rule.options or []:
            label = option.get("label_nb" if nb else "label_en") or option.get("code", "")
            found[option.get("code", "")] = (label, option.get("means", ""))
    return found


def _sums(filters: Filters) -> tuple[dict[str, int], dict[str, dict[str, int]],
                                      dict[str, dict[str, int]]]:
    """Totals per measure, and per CPV division and per NUTS code for a few measures."""
    totals: dict[str, int] = defaultdict(int)
    by_cpv: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_nuts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    split = ("notices", "awarded", "awarded_value")
    if filters.authority is not None:
        rows = StatNotice.objects.filter(buyer=filters.authority)
        if filters.year:
            rows = rows.filter(year=filters.year)
        if filters.region:
            rows = rows.filter(nuts__startswith=filters.region)
        if filters.cpv:
            rows = rows.filter(cpv_division=filters.cpv)
        for nuts, cpv, measures in rows.values_list("nuts", "cpv_division", "measures"):
            for name, value in measures.items():
                totals[name] += value
                if name in split:
                    by_cpv[cpv][name] += value
                    by_nuts[nuts][name] += value
        return totals, by_cpv, by_nuts
    cells = StatCell.objects.all()
    if filters.year:
        cells = cells.filter(year=filters.year)
    if filters.region:
        cells = cells.filter(nuts__startswith=filters.region)
    if filters.cpv:
        cells = cells.filter(cpv_division=filters.cpv)
    for name, value in cells.values_list("measure").annotate(v=Sum("value")):
        totals[name] = value or 0
    for cpv, nuts, name, value in (cells.filter(measure__in=split)
                                   .values_list("cpv_division", "nuts", "measure")
                                   .annotate(v=Sum("value"))):
        by_cpv[cpv][name] += value or 0
        by_nuts[nuts][name] += value or 0
    return totals, by_cpv, by_nuts


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def years_available() -> list[int]:
    return sorted(set(StatCell.objects.values_list("year", flat=True).distinct()),
                  reverse=True)


def statistics_get(filters: Filters) -> dict[str, Any]:
    """Every figure of the statistics for these filters."""
    t, by_cpv, by_nuts = _sums(filters)
    procedures = t.get("procedures", 0)
    options = _climate_options()
    cpv_labels = _labels_cpv(set(by_cpv))
    nuts_labels = _labels_nuts(set(by_nuts))
    tenders = t.get("offer_tenders", 0)
    weighted = t.get("climate_weighted", 0)
    days_n = t.get("award_days_n", 0)
    contracts = t.get("contracts", 0)

    def counted(key: str) -> dict[str, Any]:
        return {"count": t.get(key, 0), "share": _share(t.get(key, 0), procedures)}

    return {
        "filters": {"year": filters.year, "authority": filters.authority.pk
                    if filters.authority else None,
                    "authority_name": filters.authority.name if filters.authority else "",
                    "region": filters.region, "cpv": filters.cpv},
        "notices": {
            "total": t.get("notices", 0),
            "by_kind": [{"code": k.value, "label": str(k.label), "count": t.get(f"kind:{k}", 0)}
                        for k in NoticeKind],
            "by_regime": [{"code": r.value, "label": str(r.label),
                           "count": t.get(f"regime:{r}", 0)} for r in Regime]
                         + [{"code": "none", "label": _("Not stated"),
                             "count": t.get("regime:none", 0)}],
        },
        "offers": {
            "tenders": tenders, "offers": t.get("offers", 0),
            "average": round(t.get("offers", 0) / tenders, 2) if tenders else None,
            "sme": t.get("offers_sme", 0),
            "sme_share": _share(t.get("offers_sme", 0), t.get("offers", 0)),
        },
        "electronic": {"procedures": procedures, "documents": counted("e_documents"),
                       "submission": counted("e_submission"),
                       "evaluation": counted("e_evaluation")},
        "climate": {
            "procedures": procedures, "with_criteria": counted("climate_criteria"),
            "average_weight": round(t.get("climate_weight_x100", 0) / weighted / 100, 2)
            if weighted else None,
            "options": sorted(
                [{"code": name.split(":", 1)[1],
                  "label": options.get(name.split(":", 1)[1], ("", ""))[0]
                  or name.split(":", 1)[1],
                  "means": options.get(name.split(":", 1)[1], ("", ""))[1], "count": v}
                 for name, v in t.items() if name.startswith("climate_option:") and v],
                key=lambda o: (-o["count"], o["code"])),
        },
        "ethical_trade": {
            "notices_with_terms": t.get("ethical_terms", 0),
            "contracts": contracts, "contracts_with_terms": t.get("contracts_ethical", 0),
            "share": _share(t.get("contracts_ethical", 0), contracts),
            "follow_up_plans": t.get("follow_up_plans", 0),
            "follow_ups_done": t.get("follow_ups_done", 0),
        },
        "awarded_value": {
            "total": t.get("awarded_value", 0), "awarded": t.get("awarded", 0),
            "by_cpv_division": sorted(
                [{"code": c, "label": cpv_labels.get(c, c), "value": m.get("awarded_value", 0),
                  "notices": m.get("notices", 0)} for c, m in by_cpv.items()],
                key=lambda r: (-r["value"], r["code"])),
            "by_region": sorted(
                [{"code": n, "label": nuts_labels.get(n, n), "value": m.get("awarded_value", 0),
                  "notices": m.get("notices", 0)} for n, m in by_nuts.items()],
                key=lambda r: (-r["value"], r["code"])),
        },
        "time_to_award": {
            "count": days_n,
            "average_days": round(t.get("award_days_sum", 0) / days_n, 1) if days_n else None,
            "bands": [{"band": label, "count": t.get(f"award_days:{label}", 0)}
                      for _upper, label in AWARD_DAY_BANDS],
        },
    }


def statistics_csv_rows(figures: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
    """The same figures as rows (section, key, label, value) for the CSV variant."""
    rows: list[tuple[str, str, str, Any]] = []
    n = figures["notices"]
    rows.append(("notices", "total", "", n["total"]))
    rows += [("notices_by_kind", k["code"], k["label"], k["count"]) for k in n["by_kind"]]
    rows += [("notices_by_regime", r["code"], r["label"], r["count"]) for r in n["by_regime"]]
    for section in ("offers",):
        rows += [(section, key, "", value) for key, value in figures[section].items()]
    e = figures["electronic"]
    rows.append(("electronic", "procedures", "", e["procedures"]))
    for key in ("documents", "submission", "evaluation"):
        rows += [("electronic", f"{key}_count", "", e[key]["count"]),
                 ("electronic", f"{key}_share", "", e[key]["share"])]
    c = figures["climate"]
    rows += [("climate", "with_criteria_count", "", c["with_criteria"]["count"]),
             ("climate", "with_criteria_share", "", c["with_criteria"]["share"]),
             ("climate", "average_weight", "", c["average_weight"])]
    rows += [("climate_options", o["code"], o["label"], o["count"]) for o in c["options"]]
    rows += [("ethical_trade", key, "", value) for key, value in figures["ethical_trade"].items()]
    a = figures["awarded_value"]
    rows += [("awarded_value", "total", "", a["total"]), ("awarded_value", "awarded", "",
                                                          a["awarded"])]
    rows += [("awarded_value_by_cpv_division", r["code"], r["label"], r["value"])
             for r in a["by_cpv_division"]]
    rows += [("awarded_value_by_region", r["code"], r["label"], r["value"])
             for r in a["by_region"]]
    ta = figures["time_to_award"]
    rows += [("time_to_award", "count", "", ta["count"]),
             ("time_to_award", "average_days", "", ta["average_days"])]
    rows += [("time_to_award_days", b["band"], "", b["count"]) for b in ta["bands"]]
    return [(s, k, lbl, "" if v is None else v) for s, k, lbl, v in rows]
