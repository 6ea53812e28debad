"""The ESPD criteria Anbud offers: the exclusion grounds and selection criteria of the
ESPD-EDM v4.1.0 criterion taxonomy.

The full taxonomy (every criterion with its requirement groups and questions) is read by path
from ../shared/standards/espd/xml-examples/ESPD-criterion.xml when it is there (setting
`ESPD_STANDARDS_DIR`). Without it (a plain clone) the built-in list below still names every
exclusion ground and selection criterion, and each gets a minimal question structure, so an
ESPD request and response can still be made; docs/espd.md says what differs.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from lxml import etree

from evaluation.criteria.models import RequirementCategory

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NS = {"cac": CAC, "cbc": CBC}
ESPD_VERSION = "4.1.0"
CRITERION_LIST_ID = "http://publications.europa.eu/resource/authority/criterion"
CRITERION_LIST_VERSION = "20240612-0"

E, S, F, T = (RequirementCategory.EXCLUSION.value, RequirementCategory.SUITABILITY.value,
              RequirementCategory.ECONOMIC.value, RequirementCategory.TECHNICAL.value)

# (UUID, code, category, label): the exclusion grounds (Part III of the ESPD) and selection
# criteria (Part IV) of ESPD-EDM v4.1.0, in the taxonomy's order. The English labels are the
# taxonomy's names; the bokmål ones are in the translation file.
BUILT_IN: tuple[tuple[str, str, str, Promise], ...] = (
    ("005eb9ed-1347-4ca3-bb29-9bc0db64e1ab", "crime-org", E,
     _("Participation in a criminal organisation")),
    ("c27b7c4e-c837-4529-b867-ed55ce639db5", "corruption", E, _("Corruption")),
    ("297d2323-3ede-424e-94bc-a91561e6f320", "fraud", E, _("Fraud")),
    ("d486fb70-86b3-4e75-97f2-0d71b5697c7d", "terr-offence", E,
     _("Terrorist offences or offences linked to terrorist activities")),
    ("47112079-6fec-47a3-988f-e561668c3aef", "finan-laund", E,
     _("Money laundering or terrorist financing")),
    ("d789d01a-fe03-4ccd-9898-73f9cfa080d1", "human-traffic", E,
     _("Child labour and other forms of trafficking in human beings")),
    ("b61bbeb7-690e-4a40-bc68-d6d4ecfaa3d4", "tax-pay", E, _("Payment of taxes")),
    ("7d85e333-bbab-49c0-be8d-c36d71a72f5e", "socsec-pay", E,
     _("Payment of social security contributions")),
    ("a80ddb62-d25b-4e4e-ae22-3968460dc0a9", "envir-law", E,
     _("Breaching of obligations in the fields of environmental law")),
    ("a261a395-ed17-4939-9c75-b9ff1109ca6e", "socsec-law", E,
     _("Breaching of obligations in the fields of social law")),
    ("a34b70d6-c43d-4726-9a88-8e2b438424bf", "labour-law", E,
     _("Breaching of obligations in the fields of labour law")),
    ("d3732c09-7d62-4edc-a172-241da6636e7c", "bankruptcy", E, _("Bankruptcy")),
    ("396f288a-e267-4c20-851a-ed4f7498f137", "insolvency", E, _("Insolvency")),
    ("68918c7a-f5bc-4a1a-a62f-ad8983600d48", "cred-arran", E, _("Arrangement with creditors")),
    ("daffa2a9-9f8f-4568-8be8-7b8bf306d096", "bankr-nat", E,
     _("Analogous situation like bankruptcy under national law")),
    ("8fda202a-0c37-41bb-9d7d-de3f49edbfcb", "liq-admin", E,
     _("Assets being administered by liquidator")),
    ("166536e2-77f7-455c-b018-70582474e4f6", "susp-act", E,
     _("Business activities are suspended")),
    ("514d3fde-1e3e-4dcd-b02a-9f984d5bbda3", "prof-misconduct", E,
     _("Guilty of grave professional misconduct")),
    ("56d13e3d-76e8-4f23-8af6-13e60a2ee356", "distorsion", E,
     _("Agreements with other economic operators aimed at distorting competition")),
    ("b1b5ac18-f393-4280-9659-1367943c1a2e", "partic-confl", E,
     _("Conflict of interest due to its participation in the procurement procedure")),
    ("61874050-5130-4f1c-a174-720939c7b483", "prep-confl", E,
     _("Direct or indirect involvement in the preparation of this procurement procedure")),
    ("3293e92b-7f3e-42f1-bee6-a7641bb04251", "sanction", E,
     _("Early termination, damages or other comparable sanctions")),
    ("696a75b2-6107-428f-8b74-82affb67e184", "misrepresent", E,
     _("Guilty of misrepresentation, withheld information, unable to provide required "
       "documents and obtained confidential information of this procedure")),
    ("63adb07d-db1b-4ef0-a14e-a99785cf8cf6", "nati-ground", E,
     _("Purely national exclusion grounds")),
    ("6ee55a59-6adb-4c3a-b89f-e62a7ad7be7f", "prof-regist", S,
     _("Enrolment in a relevant professional register")),
    ("87b3fa26-3549-4f92-b8e0-3fd8f04bf5c7", "trade-regist", S,
     _("Enrolment in a trade register")),
    ("9eeb6d5c-0eb8-48e8-a4c5-5087a7c095a4", "authorisation", S,
     _("For service contracts: authorisation of particular organisation needed")),
    ("73f10e36-ed7a-412e-995c-aa76463e3776", "membership", S,
     _("For service contracts: membership of particular organisation needed")),
    ("499efc97-2ac1-4af2-9e84-323c2ca67747", "gen-year-to", F, _("General yearly turnover")),
    ("b16cb9fc-6cb7-4585-9302-9533b415cf48", "aver-year-to", F, _("Average yearly turnover")),
    ("d3dfb714-f558-4512-bbc5-e456fa2339de", "spec-aver-to", F, _("Specific average turnover")),
    ("074f6031-55f9-4e99-b9a4-c4363e8bc315", "spec-year-to", F, _("Specific yearly turnover")),
    ("e4d37adc-08cd-4f4d-a8d8-32b62b0a1f46", "finan-rat", F, _("Financial ratio")),
    ("7604bd40-4462-4086-8763-a50da51a869c", "indem-insu", F,
     _("Professional risk indemnity insurance")),
    ("ab0e7f2e-6418-40e2-8870-6713123e41ad", "finan-requ", F,
     _("Other economic or financial requirements")),
    ("cdd3bb3e-34a5-43d5-b668-2aab86a73822", "work-perform", T,
     _("For works contracts: performance of works of the specified type")),
    ("3a18a175-1863-4b1d-baef-588ce61960ca", "supply-perform", T,
     _("For supply contracts: performance of deliveries of the specified type")),
    ("5e506c16-26ab-4e32-bb78-b27f87dc0565", "service-perform", T,
     _("For service contracts: performance of services of the specified type")),
    ("3aaca389-4a7b-406b-a4b9-080845d127e7", "qual-cont-tech", T,
     _("Technicians or technical bodies for quality control")),
    ("c599c130-b29f-461e-a187-4e16c7d40db7", "work-tech", T,
     _("For works contracts: technicians or technical bodies to carry out the work")),
    ("4bf996d9-439c-40c6-9ab9-980a48cb55a1", "qual-facil", T,
     _("Technical facilities and measures for ensuring quality")),
    ("90a2e100-44cc-45d3-9970-69d6714f1596", "research-fac", T,
     _("Study and research facilities")),
    ("dc12a151-7fdf-4733-a8f0-30f667292e66", "chain-manage", T, _("Supply chain management")),
    ("9460457e-b43d-48a9-acd1-615de6ddd33e", "envir-measure", T,
     _("Environmental management measures")),
    ("cc18c023-211d-484d-a32e-52f3f970285f", "tech-equip", T,
     _("Tools, plant or technical equipment")),
    ("07301031-2270-41af-8e7e-66fe0c777107", "qualification", T,
     _("Educational and professional qualifications")),
    ("c8809aa1-29b6-4f27-ae2f-27e612e394db", "spec-req-check", T,
     _("Special requirements check")),
    ("6346959b-e097-4ea1-89cd-d1b4c131ea4d", "manage-staff", T,
     _("Number of managerial staff")),
    ("1f49b3f0-d50f-43f6-8b30-4bafab108b9b", "year-manpower", T,
     _("Average annual manpower")),
    ("612a1625-118d-4ea4-a6db-413184e7c0a8", "suncont-port", T, _("Subcontracting proportion")),
    ("bdf0601d-2480-4250-b870-658d0ee95be6", "wo-autent", T,
     _("For supply contracts: samples, descriptions or photographs without certification of "
       "authenticity")),
    ("7662b7a9-bcb8-4763-a0a7-7505d8e8470d", "w-autent", T,
     _("For supply contracts: samples, descriptions or photographs with certification of "
       "authenticity")),
    ("a7669d7d-9297-43e1-9d10-691a1660187c", "qa-certif-inst", T,
     _("For supply contracts: certificates by quality control institutes")),
    ("d726bac9-e153-4e75-bfca-c5385587766d", "qu-certif-indep", T,
     _("Certificates by independent bodies about quality assurance standards")),
    ("8ed65e48-fd0d-444f-97bd-4f58da632999", "envir-certif-indep", T,
     _("Certificates by independent bodies about environmental management systems or "
       "standards")),
)


@dataclass(frozen=True)
class CatalogueCriterion:
    uuid: str
    code: str
    category: str          # a RequirementCategory value
    label: Promise         # translated name for the UI
    name: str              # the taxonomy's (English) name, as the XML carries it
    description: str       # the taxonomy's (English) description; "" without the taxonomy

    def element(self) -> etree._Element:
        """A fresh copy of this criterion's cac:TenderingCriterion, ready to edit."""
        found = _taxonomy_elements().get(self.code)
        if found is not None:
            return copy.deepcopy(found)
        return _minimal_element(self)


def standards_dir() -> Path:
    """Where the official ESPD files are read from (never copied into the repository)."""
    default = Path(settings.BASE_DIR).parent / "shared" / "standards" / "espd"
    return Path(getattr(settings, "ESPD_STANDARDS_DIR", default))


def taxonomy_path() -> Path:
    return standards_dir() / "xml-examples" / "ESPD-criterion.xml"


def taxonomy_available() -> bool:
    return taxonomy_path().is_file()


def safe_parser(**kwargs: bool) -> etree.XMLParser:
    """No DTDs, no entities, no network: untrusted XML cannot reach files or expand."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, **kwargs)


@lru_cache(maxsize=4)
def _taxonomy_for(path: str, mtime_ns: int) -> dict[str, etree._Element]:
    tree = etree.parse(path, safe_parser(remove_comments=True, remove_blank_text=True))
    found: dict[str, etree._Element] = {}
    for criterion in tree.getroot().findall("cac:TenderingCriterion", NS):
        code = (criterion.findtext("cbc:CriterionTypeCode", namespaces=NS) or "").strip()
        if code:
            found[code] = criterion
    return found


def _taxonomy_elements() -> dict[str, etree._Element]:
    path = taxonomy_path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return {}
    return _taxonomy_for(str(path), mtime)


def _built_in() -> list[CatalogueCriterion]:
    elements = _taxonomy_elements()
    out = []
    for uuid, code, category, label in BUILT_IN:
        element = elements.get(code)
        with translation.override("en"):
            name = str(label)
        description = ""
        if element is not None:
            name = element.findtext("cbc:Name", namespaces=NS) or name
            description = element.findtext("cbc:Description", namespaces=NS) or ""
        out.append(CatalogueCriterion(uuid=uuid, code=code, category=category, label=label,
                                      name=name, description=description))
    return out


def catalogue() -> list[CatalogueCriterion]:
    """Every exclusion ground and selection criterion, in the taxonomy's order."""
    return _built_in()


def espd_catalogue() -> list[tuple[str, str, str]]:
    """(code, category, label) for each criterion, for the notice form's choice of ESPD
    criterion; category is a RequirementCategory value, the label is translated."""
    return [(c.code, c.category, str(c.label)) for c in catalogue()]


def criterion_for(code: str) -> CatalogueCriterion | None:
    """The criterion a requirement's `espd_code` names: its code (`crime-org`) or its UUID."""
    wanted = (code or "").strip().lower()
    if not wanted:
        return None
    for criterion in catalogue():
        if wanted in (criterion.code, criterion.uuid):
            return criterion
    return None


# --- without the taxonomy ------------------------------------------------------------------


def _cbc(parent: etree._Element, name: str, text: str = "", **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{CBC}}}{name}", attrs)
    if text:
        element.text = text
    return element


def _property(group: etree._Element, pid: str, description: str, kind: str,
              data_type: str) -> None:
    prop = etree.SubElement(group, f"{{{CAC}}}TenderingCriterionProperty")
    _cbc(prop, "ID", pid, schemeID="Criterion", schemeAgencyID="OP",
         schemeVersionID=ESPD_VERSION)
    _cbc(prop, "Description", description)
    _cbc(prop, "TypeCode", kind, listID="criterion-element-type", listAgencyID="OP",
         listVersionID=ESPD_VERSION)
    _cbc(prop, "ValueDataTypeCode", data_type, listID="response-data-type", listAgencyID="OP",
         listVersionID=ESPD_VERSION)


def _group(parent: etree._Element, gid: str, group_type: str, *,
           subsidiary: bool = False) -> etree._Element:
    name = "SubsidiaryTenderingCriterionPropertyGroup" if subsidiary else \
        "TenderingCriterionPropertyGroup"
    group = etree.SubElement(parent, f"{{{CAC}}}{name}")
    _cbc(group, "ID", gid, schemeID="Criterion", schemeAgencyID="OP",
         schemeVersionID=ESPD_VERSION)
    _cbc(group, "PropertyGroupTypeCode", group_type, listID="property-group-type",
         listAgencyID="OP", listVersionID=ESPD_VERSION)
    return group


def _minimal_element(criterion: CatalogueCriterion) -> etree._Element:
    """A criterion with the taxonomy's usual first questions, for when the taxonomy file is
    absent: the main yes/no answer, what it concerns, and where the evidence is."""
    root = etree.Element(f"{{{CAC}}}TenderingCriterion", nsmap={"cac": CAC, "cbc": CBC})
    _cbc(root, "ID", criterion.uuid, schemeID="Criterion", schemeAgencyID="OP",
         schemeVersionID=ESPD_VERSION)
    _cbc(root, "CriterionTypeCode", criterion.code, listID=CRITERION_LIST_ID,
         listAgencyID="OP", listVersionID=CRITERION_LIST_VERSION)
    _cbc(root, "Name", criterion.name)
    code = criterion.code
    exclusion = criterion.category == RequirementCategory.EXCLUSION
    first = _group(root, f"{code}/QG1", "ON*")
    if exclusion:
        _property(first, f"{code}/QG1/Q1", "Your answer", "QUESTION", "INDICATOR")
        details = _group(first, f"{code}/QG1/QSG1", "ONTRUE", subsidiary=True)
        _property(details, f"{code}/QG1/QSG1/Q1", "Please describe them", "QUESTION",
                  "DESCRIPTION")
        cleaning = _group(details, f"{code}/QG1/QSG1/QSG1", "ON*", subsidiary=True)
        _property(cleaning, f"{code}/QG1/QSG1/QSG1/Q1",
                  "Have you taken measures to demonstrate your reliability (Self-Cleaning)?",
                  "QUESTION", "INDICATOR")
    else:
        _property(first, f"{code}/QG1/Q1", "Do you fulfil the requirement?", "QUESTION",
                  "INDICATOR")
        details = _group(first, f"{code}/QG1/QSG1", "ON*", subsidiary=True)
        _property(details, f"{code}/QG1/QSG1/Q1", "Description", "QUESTION", "DESCRIPTION")
    evidence = _group(root, f"{code}/QG2", "ON*")
    _property(evidence, f"{code}/QG2/Q1", "Is this information available electronically?",
              "QUESTION", "INDICATOR")
    supplied = _group(evidence, f"{code}/QG2/QSG1", "ONTRUE", subsidiary=True)
    _property(supplied, f"{code}/QG2/QSG1/Q1", "Evidence Supplied", "QUESTION",
              "EVIDENCE_IDENTIFIER")
    return root
