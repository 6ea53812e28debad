"""Validate eForms XML against the SDK: the XSD, and the Schematron business rules.

The SDK files are not part of this repository: `settings.EFORMS_SDK_DIR` points at an SDK
folder holding `schemas/` (the XSDs, `maindoc/` beside `common/`) and
`schematrons/static/complete-validation.sch` (beside the checkout, ../shared/standards/eforms,
by default). Without it, or without the `saxonche` wheel (Saxon-HE, which runs the rules'
XPath 2), the validators say so (`available()`) and callers fall back to their own checks.

How the rules run (no network, no Java): the Schematron is expanded and compiled to XSLT by
the ISO "skeleton" stylesheets that ship with lxml, run by Saxon; one compiled stylesheet per
eForms phase (`eforms-16`, `eforms-E3`, ...), cached on disk under
`settings.EFORMS_SCHEMATRON_CACHE` and in memory for the life of the process, so the ~10 s
compilation happens once. This is the method of ../shared/standards/tools/
validate_eforms_schematron.py; it is not the official TED validator.

Norwegian national notices (E2, E3, E4) break a few stock rules by design of the Norwegian
tailoring (the language NOR and the extended CustomizationID): NATIONAL_TAILORING_RULES lists
them with the reason; `business_rule_failures(..., national_exceptions=True)` leaves them out.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml
from django.conf import settings
from lxml import etree

SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
EFAC = "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1"
SKELETON_DIR = (Path(lxml.__file__).parent / "isoschematron" / "resources" / "xsl"
                / "iso-schematron-xslt1")
NATIONAL_SUBTYPES = frozenset({"E1", "E2", "E3", "E4", "E5", "E6"})

_NOR_LANGUAGE = ("The Norwegian tailoring writes national notices in Norwegian (NOR); the "
                 "stock rule accepts only the EU official languages.")
# Stock SDK 1.15.1 rules that Norwegian national notices (E2, E3, E4) fail by design of the
# Norwegian tailoring (DFØ's eforms-sdk-nor); the valid Norwegian examples in
# ../shared/standards/eforms-no/examples fail exactly these. Nothing else is excused.
NATIONAL_TAILORING_RULES: dict[str, str] = {
    "BR-OPT-00002-0052": "The CustomizationID carries the Norwegian suffix "
                         "#extended#urn:fdc:anskaffelser.no:2026:eforms:national-e, which the "
                         "stock pattern ^eforms-sdk-[0-9]+\\.[0-9]+$ does not allow.",
    "BR-BT-00702-0102": "Notice language (BT-702) NOR. " + _NOR_LANGUAGE,
    "BR-BT-00001-0254": "Legal basis description (BT-01(d)) in NOR, as the national rules "
                        "prescribe the text. " + _NOR_LANGUAGE,
    "BR-BT-00021-0297": "Lot title (BT-21-Lot) in NOR. " + _NOR_LANGUAGE,
    "BR-BT-00021-0299": "Part title (BT-21-Part) in NOR. " + _NOR_LANGUAGE,
    "BR-BT-00021-0300": "Procedure title (BT-21-Procedure) in NOR. " + _NOR_LANGUAGE,
    "BR-BT-00024-0300": "Lot description (BT-24-Lot) in NOR. " + _NOR_LANGUAGE,
    "BR-BT-00024-0302": "Part description (BT-24-Part) in NOR. " + _NOR_LANGUAGE,
    "BR-BT-00024-0303": "Procedure description (BT-24-Procedure) in NOR. " + _NOR_LANGUAGE,
    "BR-BT-00500-0304": "Organisation name (BT-500) in NOR. " + _NOR_LANGUAGE,
    "BR-BT-00141-0051": "Change description (BT-141) of a change notice in NOR. "
                        + _NOR_LANGUAGE,
    "BR-BT-00762-0051": "Change reason description (BT-762) of a change notice in NOR. "
                        + _NOR_LANGUAGE,
    "BR-BT-00721-0051": "Contract title (BT-721) of a result notice (E4) in NOR. "
                        + _NOR_LANGUAGE,
    "BR-BT-00734-0103": "Award criterion name (BT-734) in NOR. " + _NOR_LANGUAGE,
    "BR-BT-00540-0222": "Award criterion description (BT-540) in NOR. " + _NOR_LANGUAGE,
    "BR-BT-00777-0088": "Strategic procurement description (BT-777) in NOR. "
                        + _NOR_LANGUAGE,
    "BR-BT-00539-0104": "Award criterion type (BT-539): the Norwegian climate and environment "
                        "codes quality-nor-env-* (FOA § 7-9), which DFØ's national code list "
                        "adds to the stock list (cost, price, quality).",
}


@dataclass(frozen=True)
class Failure:
    """One failed assertion: the rule's id, where it failed (an XPath) and its role."""

    rule: str
    location: str
    role: str = "ERROR"

    def __str__(self) -> str:
        return f"{self.rule} at {self.location}"


class ValidationUnavailable(RuntimeError):
    """The SDK files or the Saxon engine are not installed here."""


def sdk_dir() -> Path | None:
    configured = getattr(settings, "EFORMS_SDK_DIR", "")
    if not configured:
        return None
    path = Path(configured)
    return path if (path / "schemas").is_dir() else None


def _saxon() -> Any:
    try:
        from saxonche import PySaxonProcessor
    except ImportError:
        return None
    return PySaxonProcessor


def available() -> bool:
    """Are both the XSD and the Schematron checks possible here?"""
    root = sdk_dir()
    return (root is not None and (root / "schematrons" / "static").is_dir()
            and _saxon() is not None)


def subtype_of(doc: etree._Element) -> str:
    node = doc.find(f".//{{{EFAC}}}NoticeSubType/{{{CBC}}}SubTypeCode")
    return (node.text or "").strip() if node is not None else ""


# --- XSD ---------------------------------------------------------------------------------

@functools.cache
def _xsd(root_name: str) -> etree.XMLSchema:
    root = sdk_dir()
    if root is None:
        raise ValidationUnavailable("no eForms SDK (settings.EFORMS_SDK_DIR)")
    path = root / "schemas" / "maindoc" / f"UBL-{root_name}-2.3.xsd"
    if not path.is_file():
        raise ValueError(f"no eForms schema for the root element {root_name}")
    return etree.XMLSchema(etree.parse(str(path)))


def xsd_errors(doc: etree._Element) -> list[str]:
    """The XSD errors of a parsed notice ('line N: message'); [] when valid."""
    root_name = etree.QName(doc).localname
    schema = _xsd(root_name)
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


# --- Schematron --------------------------------------------------------------------------

def _private(path: Path) -> Path:
    """A name beside `path` that only this process writes."""
    return path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")


class Schematron:
    """The SDK's complete-validation.sch compiled per phase; thread-safe compilation."""

    def __init__(self, sch_path: Path, cache_dir: Path) -> None:
        processor_class = _saxon()
        if processor_class is None:
            raise ValidationUnavailable("the saxonche wheel is not installed")
        self.sch_path = sch_path.resolve()
        stat = self.sch_path.stat()
        # The same cache key and file names as ../shared/standards/tools/
        # validate_eforms_schematron.py, so the two share one compiled cache.
        key = hashlib.sha1(f"{self.sch_path}|{stat.st_size}|{stat.st_mtime_ns}".encode(),
                           usedforsecurity=False).hexdigest()[:12]
        self.cache_dir = cache_dir / key
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.processor = processor_class(license=False)
        self.xslt = self.processor.new_xslt30_processor()
        self._compiled: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _transform(self, stylesheet: Path, source: Path, out: Path,
                   params: dict[str, str] | None = None) -> None:
        executable = self.xslt.compile_stylesheet(stylesheet_file=str(stylesheet))
        for name, value in (params or {}).items():
            executable.set_parameter(name, self.processor.make_string_value(value))
        tmp = _private(out)
        executable.transform_to_file(source_file=str(source), output_file=str(tmp))
        tmp.replace(out)

    def _expanded(self) -> Path:
        expanded = self.cache_dir / "2-expanded.sch"
        if not expanded.exists():
            # Built under names of this process's own and renamed at the end, so that test
            # workers (pytest-xdist) compiling at once never read a half-written file.
            included = _private(self.cache_dir / "1-included.sch")
            building = _private(expanded)
            self._transform(SKELETON_DIR / "iso_dsdl_include.xsl", self.sch_path, included)
            self._transform(SKELETON_DIR / "iso_abstract_expand.xsl", included, building)
            tree = etree.parse(str(building))
            # The skeleton accepts only queryBinding "xslt"; Saxon runs the result as XSLT 2.
            tree.getroot().set("queryBinding", "xslt")
            tree.write(str(building), xml_declaration=True, encoding="utf-8")
            included.unlink(missing_ok=True)
            building.replace(expanded)
        return expanded

    def _stylesheet(self, phase: str) -> Any:
        with self._lock:
            if phase not in self._compiled:
                out = self.cache_dir / f"3-compiled-{phase.replace('#', '')}.xsl"
                if not out.exists():
                    building = _private(out)
                    self._transform(SKELETON_DIR / "iso_svrl_for_xslt1.xsl", self._expanded(),
                                    building, {"phase": phase, "allow-foreign": "true"})
                    _as_xslt2(building)
                    building.replace(out)
                self._compiled[phase] = self.xslt.compile_stylesheet(stylesheet_file=str(out))
            return self._compiled[phase]

    def failures(self, xml: bytes, phase: str) -> list[Failure]:
        stylesheet = self._stylesheet(phase)
        with self._lock:
            node = self.processor.parse_xml(xml_text=xml.decode("utf-8"))
            svrl = stylesheet.transform_to_string(xdm_node=node)
        report = etree.fromstring(svrl.encode("utf-8"))
        failed = (report.findall(f"{{{SVRL_NS}}}failed-assert")
                  + report.findall(f"{{{SVRL_NS}}}successful-report"))
        return [Failure(a.get("id") or "?", short_location(a.get("location") or ""),
                        (a.get("role") or "ERROR").upper()) for a in failed]


_STEP = re.compile(r"\*:?\[local-name\(\)='([^']+)' and namespace-uri\(\)='([^']*)'\]")
_PREFIX = {namespace: prefix for prefix, namespace in (
    ("cac", "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"),
    ("cbc", CBC), ("efac", EFAC),
    ("efbc", "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1"),
    ("efext", "http://data.europa.eu/p27/eforms-ubl-extensions/1"),
    ("ext", "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"))}


def short_location(location: str) -> str:
    """/*[local-name()='Lot' and namespace-uri()='urn:…'][1] -> /cac:Lot[1]."""
    def step(match: re.Match[str]) -> str:
        prefix = _PREFIX.get(match.group(2))
        return f"{prefix}:{match.group(1)}" if prefix else match.group(1)

    return _STEP.sub(step, location)


def _as_xslt2(path: Path) -> None:
    """The XSLT1 skeleton writes each rule's XPath into literal attributes that XSLT reads as
    attribute value templates, so the braces of the eForms regexes are doubled; and the
    stylesheet is switched to XSLT 2.0, or Saxon would compare dates as numbers (XPath 1.0
    backwards compatibility)."""
    tree = etree.parse(str(path))
    tree.getroot().set("version", "2.0")
    for element in tree.iter(f"{{{SVRL_NS}}}*"):
        for name in ("test", "context"):
            value = element.get(name)
            if value and ("{" in value or "}" in value):
                element.set(name, value.replace("{", "{{").replace("}", "}}"))
    tree.write(str(path), xml_declaration=True, encoding="utf-8")


@functools.cache
def schematron() -> Schematron:
    """The process-wide engine (compiled phases are kept for the life of the process)."""
    root = sdk_dir()
    if root is None:
        raise ValidationUnavailable("no eForms SDK (settings.EFORMS_SDK_DIR)")
    sch = root / "schematrons" / "static" / "complete-validation.sch"
    if not sch.is_file():
        raise ValidationUnavailable(f"no Schematron at {sch}")
    cache = Path(getattr(settings, "EFORMS_SCHEMATRON_CACHE", "") or
                 Path(settings.DATA_DIR) / "cache" / "eforms-schematron")
    return Schematron(sch, cache)


def business_rule_failures(xml: bytes, *, national_exceptions: bool = True) -> list[Failure]:
    """The failed ERROR assertions of the notice's phase (eforms-<subtype>).

    With `national_exceptions`, a national notice's failures of NATIONAL_TAILORING_RULES are
    left out (and only those)."""
    doc = etree.fromstring(xml)
    subtype = subtype_of(doc)
    phase = f"eforms-{subtype}" if subtype else "#ALL"
    failures = [f for f in schematron().failures(xml, phase) if f.role in ("ERROR", "FATAL")]
    if national_exceptions and subtype in NATIONAL_SUBTYPES:
        failures = [f for f in failures if f.rule not in NATIONAL_TAILORING_RULES]
    return failures
