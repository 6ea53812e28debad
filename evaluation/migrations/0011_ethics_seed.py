"""The high-risk categories and the first edition of the ethical-trade contract terms.

The list follows DFØ's high-risk list for ethical trade (anskaffelser.no); the terms are
written for Anbud after the structure of the standard terms DFØ revised with Etisk handel
Norge (policy and routines, risk analysis, traceability, follow-up, sanctions). Later lists
and editions are new rows; this migration only creates the first.
"""

import datetime

from django.db import migrations

LIST = ("DFØ, Høyrisikoliste for etisk handel (anskaffelser.no)",)
FROM = datetime.date(2026, 1, 1)

CATEGORIES = [
    ("textiles", "Tekstiler, klær og sko", "Textiles, clothing and footwear",
     ["18", "19", "3951", "3952"]),
    ("ict", "IKT-utstyr og elektronikk", "ICT equipment and electronics",
     ["302", "322", "3232", "3162"]),
    ("medical", "Medisinske forbruksvarer og hansker", "Medical consumables and gloves",
     ["331", "3314", "18424", "33199"]),
    ("food", "Mat og drikke", "Food and drink", ["15", "032"]),
    ("building-materials", "Byggevarer og naturstein", "Building materials and natural stone",
     ["441", "1421", "4422"]),
    ("furniture", "Møbler og innredning", "Furniture and furnishings", ["391"]),
]

TEXT_NB = """\
1. Krav til leverandøren. Leverandøren skal respektere grunnleggende menneskerettigheter og \
arbeidstakerrettigheter i egen virksomhet og i leverandørkjeden for varene i kontrakten, i \
tråd med ILOs kjernekonvensjoner, FNs veiledende prinsipper for næringsliv og \
menneskerettigheter og OECDs retningslinjer, og nasjonal arbeidsrett i produksjonslandet. \
Ved motstrid gjelder den strengeste standarden.
2. Retningslinjer og rutiner. Leverandøren skal ha skriftlige retningslinjer for \
aktsomhetsvurderinger og rutiner som gjør dem kjent og etterlevd i leverandørkjeden.
3. Risikoanalyse. Leverandøren skal kartlegge og prioritere risikoen for brudd i \
leverandørkjeden for kontraktens varer, og beskrive tiltakene som reduserer den.
4. Sporbarhet. Leverandøren skal på forespørsel gi en oversikt over leverandørkjeden \
(produsent, fabrikk, land) for varene i kontrakten, og holde den oppdatert.
5. Oppfølging. Leverandøren skal levere egenrapportering innen fristen i oppfølgingsplanen, \
svare på oppdragsgivers spørsmål og gi tilgang til dokumentasjon og produksjonssteder for \
revisjon, utført av oppdragsgiver eller en uavhengig tredjepart.
6. Avvik og sanksjoner. Avdekkes brudd, skal leverandøren lage og gjennomføre en \
forbedringsplan innen avtalt frist. Rettes ikke bruddet, kan oppdragsgiver kreve retting, \
holde tilbake hele eller deler av leveransen midlertidig, kreve at en underleverandør \
skiftes ut, og som siste utvei heve kontrakten."""

TEXT_EN = """\
1. The supplier's obligations. The supplier shall respect fundamental human rights and \
workers' rights in its own business and in the supply chain of the goods under the contract, \
in line with the ILO core conventions, the UN Guiding Principles on Business and Human \
Rights, the OECD Guidelines, and the labour law of the country of production. Where these \
differ, the strictest standard applies.
2. Policy and routines. The supplier shall have a written policy for due diligence and \
routines that make it known and followed in the supply chain.
3. Risk analysis. The supplier shall map and prioritise the risk of breaches in the supply \
chain of the contract's goods, and describe the measures that reduce it.
4. Traceability. On request the supplier shall give a list of its supply chain (producer, \
factory, country) for the goods under the contract, and keep it up to date.
5. Follow-up. The supplier shall deliver its self-report by the date in the follow-up plan, \
answer the buyer's questions, and give access to documentation and production sites for \
audits by the buyer or an independent third party.
6. Breaches and sanctions. Where a breach is found, the supplier shall make and carry out a \
corrective action plan by the agreed deadline. If the breach is not remedied, the buyer may \
demand remedy, suspend all or part of the delivery for a time, demand that a subcontractor \
be replaced, and as a last resort terminate the contract."""


def seed(apps, schema_editor):
    RiskCategory = apps.get_model("evaluation", "RiskCategory")
    EthicalTerms = apps.get_model("evaluation", "EthicalTerms")
    for code, name_nb, name_en, prefixes in CATEGORIES:
        RiskCategory.objects.create(code=code, name_nb=name_nb, name_en=name_en,
                                    cpv_prefixes=prefixes, source=LIST[0], valid_from=FROM)
    EthicalTerms.objects.create(
        key="ethical-trade", version=1,
        title_nb="Kontraktsvilkår for etisk handel",
        title_en="Contract terms for ethical trade",
        text_nb=TEXT_NB, text_en=TEXT_EN, self_report_months=3,
        source=("Skrevet for Anbud etter strukturen i DFØs kontraktsvilkår for samfunnsansvar, "
                "revidert med Etisk handel Norge"),
        source_url="https://anskaffelser.no/verktoy/kontrakter-og-avtaler",
        valid_from=FROM)


def unseed(apps, schema_editor):
    apps.get_model("evaluation", "EthicalTerms").objects.all().delete()
    apps.get_model("evaluation", "RiskCategory").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0010_ethics")]
    operations = [migrations.RunPython(seed, unseed)]
