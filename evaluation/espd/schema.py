"""Validation of ESPD documents against the official UBL 2.3 schemas (XSD), loaded by path
from ../shared/standards/espd/ubl-2.3 when they are there. Without them (a plain clone) the
structural checks in evaluation.espd.response still run and the answer says the schema check
was skipped."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from lxml import etree

from evaluation.espd.catalogue import CAC, CBC, standards_dir

Kind = Literal["request", "response"]

REQUEST_NS = "urn:oasis:names:specification:ubl:schema:xsd:QualificationApplicationRequest-2"
RESPONSE_NS = "urn:oasis:names:specification:ubl:schema:xsd:QualificationApplicationResponse-2"
ROOTS: dict[Kind, tuple[str, str]] = {
    "request": (REQUEST_NS, "QualificationApplicationRequest"),
    "response": (RESPONSE_NS, "QualificationApplicationResponse"),
}
PREFIXES = {CAC: "cac", CBC: "cbc", REQUEST_NS: "", RESPONSE_NS: "",
            "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2": "ext"}
_QNAME = re.compile(r"\{([^}]*)\}([\w.-]+)")


@dataclass(frozen=True)
class XmlProblem:
    line: int
    element: str   # e.g. "cac:EconomicOperatorParty"; "" when the problem is not one element
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}" if self.line else self.message


def schema_path(kind: Kind) -> Path:
    _ns, root = ROOTS[kind]
    return standards_dir() / "ubl-2.3" / "xsdrt" / "maindoc" / f"UBL-{root}-2.3.xsd"


def schema_available(kind: Kind = "response") -> bool:
    return schema_path(kind).is_file()


@lru_cache(maxsize=4)
def _schema(path: str, mtime_ns: int) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(path))


def short_name(qname: str) -> str:
    """`{urn:...CommonAggregateComponents-2}Party` -> `cac:Party`."""
    def replace(match: re.Match[str]) -> str:
        prefix = PREFIXES.get(match.group(1))
        if prefix is None:
            return match.group(0)
        return f"{prefix}:{match.group(2)}" if prefix else match.group(2)

    return _QNAME.sub(replace, qname)


def _element_of(message: str) -> str:
    found = re.match(r"Element '([^']+)'", message)
    return short_name(found.group(1)) if found else ""


def schema_problems(root: etree._Element, kind: Kind, *, limit: int = 20
                    ) -> list[XmlProblem] | None:
    """The XSD errors of a document (at most `limit`), or None when the schema is absent."""
    path = schema_path(kind)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    schema = _schema(str(path), mtime)
    if schema.validate(root):
        return []
    problems = []
    for error in list(schema.error_log)[:limit]:
        message = short_name(error.message)
        problems.append(XmlProblem(line=error.line, element=_element_of(error.message),
                                   message=message))
    return problems
