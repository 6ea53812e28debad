"""The national criteria library, version 1 of each template.

The texts are written for Anbud; the idea of each comes from the source it names (see
docs/criteria-library.md): DFØ's Kriterieveiviseren and its guide to FOA § 7-9
(anskaffelser.no), the EU GPP criteria (European Commission), the Nordic Swan Ecolabel
criteria (Miljømerking Norge, svanemerket.no) and the government's action plan for green
public procurement (regjeringen.no, 2021). Later versions are new rows (services
template_new_version or the admin); this migration only ever creates version 1.
"""

import datetime

from django.db import migrations

DFO = ("DFØ, Kriterieveiviseren (anskaffelser.no)",
       "https://anskaffelser.no/verktoy/kriterieveiviseren")
DFO_79 = ("DFØ, Veileder til regler om klima- og miljøhensyn i offentlige anskaffelser, "
          "kap. 8-9",
          "https://anskaffelser.no/verktoy/veiledere/veileder-til-regler-om-klima-og-"
          "miljohensyn-i-offentlige-anskaffelser/9-bygg-anlegg-og-eiendom-bruk-av-reglene")
GPP = ("European Commission, EU GPP criteria",
       "https://green-business.ec.europa.eu/green-public-procurement/"
       "gpp-criteria-and-requirements_en")
GPP_ICT = ("European Commission, EU GPP criteria for computers, monitors, tablets and "
           "smartphones (SWD(2021) 57)", GPP[1])
SWAN = ("Miljømerking Norge, Svanemerkets kriterier", "https://svanemerket.no/kriterier/")
PLAN = ("Regjeringen, Handlingsplan for økt andel klima- og miljøvennlige offentlige "
        "anskaffelser og grønn innovasjon",
        "https://www.regjeringen.no/no/dokumenter/handlingsplan-for-okt-andel-klima--og-"
        "miljovennlige-offentlige-anskaffelser-og-gronn-innovasjon/id2610365/")

SPEC, CRIT = "quality-nor-env-spec", "quality-nor-env-criteria"


def t(key, area, cpv, use, ambition, title, text, doc, verify, *, source, climate="",
      weight=None, also="", espd_code=""):
    """One template: title, text, doc and verify are (bokmål, English)."""
    name, url = source
    return {"key": key, "area": area, "cpv_prefixes": cpv, "use": use, "ambition": ambition,
            "title_nb": title[0], "title_en": title[1], "text_nb": text[0],
            "text_en": text[1], "documentation_nb": doc[0], "documentation_en": doc[1],
            "verification_nb": verify[0], "verification_en": verify[1],
            "counts_for_climate": bool(climate), "climate_code": climate,
            "suggested_weight": weight, "espd_code": espd_code, "source": name + (f"; {also}" if also else ""),
            "source_url": url}


BUILD = ["45", "7033", "79993", "50700", "7111", "7131"]
TEMPLATES = [
    # --- Buildings and property management -------------------------------------------------
    t("buildings-energy-class", "buildings", BUILD, "specification", "basic",
      ("Energikarakter A for nye og totalrehabiliterte bygg",
       "Energy grade A for new and fully renovated buildings"),
      ("Bygget skal ved overlevering ha energiattest med energikarakter A etter "
       "energimerkeordningen (energimerkeforskriften). Beregnet netto energibehov skal "
       "dokumenteres etter NS 3031 / NS 3701.",
       "On handover the building shall have an energy certificate with energy grade A under "
       "the Norwegian energy labelling scheme. The calculated net energy need shall be "
       "documented under NS 3031 / NS 3701."),
      ("Energiberegning fra prosjekteringen med tilbudet; energiattest ved overlevering.",
       "The energy calculation from the design with the tender; the energy certificate on "
       "handover."),
      ("Oppdragsgiver kontrollerer energiberegningen og slår opp energiattesten i "
       "energimerking.no før sluttoppgjør.",
       "The buyer checks the energy calculation and looks the certificate up on "
       "energimerking.no before final payment."),
      source=DFO_79, climate=SPEC),
    t("buildings-breeam-nor", "buildings", BUILD, "award", "advanced",
      ("Miljøsertifisering etter BREEAM-NOR", "Environmental certification under BREEAM-NOR"),
      ("Tilbud evalueres etter hvilket sertifiseringsnivå i BREEAM-NOR (siste versjon) "
       "leverandøren forplikter seg til: Very Good gir 4 poeng, Excellent 8 poeng og "
       "Outstanding 10 poeng. Manglende oppnådd nivå gir dagbot etter kontrakten.",
       "Tenders are evaluated by the BREEAM-NOR level (latest version) the supplier commits "
       "to: Very Good scores 4 points, Excellent 8 and Outstanding 10. Failing to reach the "
       "level committed to gives liquidated damages under the contract."),
      ("Forpliktende pre-analyse fra BREEAM-revisor (AP) som viser hvordan nivået nås.",
       "A binding pre-assessment by a BREEAM assessor (AP) showing how the level is reached."),
      ("Oppdragsgiver kontrollerer pre-analysen, og sertifikatet fra Grønn Byggallianse ved "
       "ferdigstillelse.",
       "The buyer checks the pre-assessment, and the certificate from the Norwegian Green "
       "Building Council on completion."),
      source=DFO, climate=CRIT, weight=30, also="Grønn Byggallianse, BREEAM-NOR"),
    t("buildings-tropical-timber", "buildings", BUILD + ["0391", "4420"], "specification",
      "basic",
      ("Ikke tropisk tømmer uten sertifisering",
       "No tropical timber unless certified"),
      ("Tropisk tømmer og produkter av tropisk tømmer skal ikke brukes i leveransen, med "
       "mindre tømmeret er sertifisert etter FSC eller PEFC (eller tilsvarende ordning for "
       "bærekraftig skogforvaltning med sporbarhet).",
       "Tropical timber and products made of it shall not be used in the delivery unless "
       "the timber is certified under FSC or PEFC (or an equivalent scheme for sustainable "
       "forest management with chain of custody)."),
      ("Oversikt over treslag og opprinnelse; FSC/PEFC-sporbarhetssertifikat (CoC) for "
       "eventuelt tropisk tømmer.",
       "A list of timber species and origin; an FSC/PEFC chain-of-custody certificate for "
       "any tropical timber."),
      ("Stikkprøver av følgesedler mot sertifikatnummer i FSC/PEFC-databasene.",
       "Spot checks of delivery notes against the certificate numbers in the FSC/PEFC "
       "databases."),
      source=PLAN, climate=SPEC),
    t("buildings-energy-management", "buildings", ["7033", "79993", "50700", "7032"],
      "contract", "advanced",
      ("Energioppfølging og reduksjonsmål i driften",
       "Energy monitoring and a reduction target in operation"),
      ("Leverandøren skal føre energioppfølging (ENØK) for byggene i kontrakten med "
       "timesmåling, rapportere forbruk per bygg per måned og redusere temperaturkorrigert "
       "forbruk med minst 10 % innen utgangen av andre kontraktsår.",
       "The supplier shall monitor the energy use of the buildings under the contract with "
       "hourly metering, report use per building per month, and reduce the "
       "temperature-corrected use by at least 10 % by the end of the second contract year."),
      ("Månedlig rapport og en årlig tiltaksplan.",
       "A monthly report and a yearly action plan."),
      ("Oppdragsgiver sammenholder rapportene med nettselskapets måledata; avvik følges opp "
       "i kontraktsmøter.",
       "The buyer compares the reports with the grid company's meter data; deviations are "
       "followed up in contract meetings."),
      source=DFO, climate=SPEC),
    t("buildings-zero-emission-site", "buildings", ["45"], "award", "advanced",
      ("Utslippsfri byggeplass", "Zero-emission construction site"),
      ("Tilbud evalueres etter andelen av maskintimene på byggeplassen som utføres med "
       "utslippsfrie maskiner (elektrisk eller hydrogen), og om byggvarme og -tørk er "
       "fossilfri. 10 poeng gis for 100 % utslippsfrie maskintimer; poeng gis lineært.",
       "Tenders are evaluated by the share of machine hours on site done by zero-emission "
       "machines (electric or hydrogen), and whether site heating and drying is fossil-free. "
       "100 % zero-emission machine hours scores 10 points; points are linear."),
      ("Maskinliste med drivlinje og planlagte timer; plan for energiforsyning til "
       "byggeplassen.",
       "A machine list with drivetrain and planned hours; a plan for the site's energy "
       "supply."),
      ("Månedlig rapport av maskintimer og energibruk; stikkprøver på byggeplassen.",
       "A monthly report of machine hours and energy; spot checks on site."),
      source=DFO, climate=CRIT, weight=30),
    # --- Transport and vehicles, business travel -------------------------------------------
    t("transport-zero-emission-cars", "transport", ["3411", "34136", "34144900", "3413"],
      "specification", "basic",
      ("Nullutslippskjøretøy (personbiler og lette varebiler)",
       "Zero-emission vehicles (cars and light vans)"),
      ("Personbiler og lette varebiler som leveres skal være nullutslippskjøretøy, det vil "
       "si kjøretøy uten utslipp fra eksosrøret (elektrisk eller hydrogen), slik forskrift om "
       "miljø- og energikrav til kjøretøy definerer det.",
       "Cars and light vans delivered shall be zero-emission vehicles, that is vehicles "
       "without tailpipe emissions (electric or hydrogen), as the Norwegian regulations on "
       "environmental and energy requirements for vehicles (implementing Directive (EU) "
       "2019/1161) define them."),
      ("Typegodkjenning / COC-dokument for hver modell som tilbys.",
       "The type approval / certificate of conformity of each model offered."),
      ("Oppdragsgiver kontrollerer drivstoffkoden i kjøretøyregisteret ved levering.",
       "The buyer checks the fuel code in the vehicle register on delivery."),
      source=PLAN, climate=SPEC, also="Directive (EU) 2019/1161 (Clean Vehicles Directive)"),
    t("transport-heavy-fleet", "transport", ["60", "9051", "3414", "90511"], "award",
      "advanced",
      ("Utslippsfri eller biogassdrevet tungtransport",
       "Zero-emission or biogas heavy transport"),
      ("Tilbud evalueres etter andelen av kjørte kilometer i oppdraget som utføres med "
       "utslippsfrie kjøretøy (10 poeng per 100 %) eller biogass (5 poeng per 100 %). "
       "Leverandøren forplikter seg til andelen for hele kontraktsperioden.",
       "Tenders are evaluated by the share of kilometres in the contract driven by "
       "zero-emission vehicles (10 points for 100 %) or biogas (5 points for 100 %). The "
       "supplier commits to the share for the whole contract period."),
      ("Flåteliste med registreringsnummer, drivlinje og planlagt kjørelengde.",
       "A fleet list with registration numbers, drivetrain and planned mileage."),
      ("Kvartalsvis kjørelengderapport; kontroll mot kjøretøyregisteret.",
       "A quarterly mileage report; checks against the vehicle register."),
      source=DFO, climate=CRIT, weight=30, also=GPP[0] + " (road transport)"),
    t("transport-business-travel", "transport", ["635", "79997", "6011", "5511"], "contract",
      "basic",
      ("Klimarapportering og tog først i reisebyråavtalen",
       "Climate reporting and rail first in the travel agency contract"),
      ("Reisebyrået skal tilby tog før fly når reisetiden med tog er under fem timer, og "
       "rapportere CO2-ekvivalenter per reise, per reisende enhet og per kvartal etter en "
       "anerkjent beregningsmetode.",
       "The travel agency shall offer rail before air where the rail journey is under five "
       "hours, and report CO2 equivalents per trip, per travelling unit and per quarter "
       "using a recognised calculation method."),
      ("Beskrivelse av bestillingsløsningen og et eksempel på rapport.",
       "A description of the booking tool and a sample report."),
      ("Kvartalsrapportene gjennomgås i kontraktsmøter.",
       "The quarterly reports are reviewed in contract meetings."),
      source=PLAN, climate=SPEC),
    # --- ICT equipment ---------------------------------------------------------------------
    t("ict-tco-certified", "ict", ["302", "3023", "3021", "3223", "3225", "48"],
      "specification", "basic",
      ("TCO Certified eller tilsvarende", "TCO Certified or equivalent"),
      ("PC-er, skjermer, nettbrett og mobiltelefoner skal være sertifisert etter gjeldende "
       "generasjon av TCO Certified, eller oppfylle tilsvarende krav til energibruk, "
       "helse- og miljøfarlige stoffer, reparerbarhet og sosialt ansvar i produksjonen.",
       "Computers, monitors, tablets and phones shall be certified under the current "
       "generation of TCO Certified, or meet equivalent requirements on energy use, "
       "hazardous substances, reparability and social responsibility in production."),
      ("Sertifikat for hver modell, eller testrapporter fra uavhengig akkreditert organ.",
       "A certificate for each model, or test reports from an independent accredited body."),
      ("Oppdragsgiver slår opp modellene i TCO Certifieds produktfinner.",
       "The buyer looks the models up in TCO Certified's product finder."),
      source=GPP_ICT, climate=SPEC, also="TCO Development, TCO Certified"),
    t("ict-take-back", "ict", ["302", "3023", "3021", "3223", "3225"], "contract", "basic",
      ("Retur til ombruk og sikker sletting", "Take-back for reuse and secure erasure"),
      ("Leverandøren skal ta tilbake utstyret ved endt bruk, slette data etter NIST "
       "SP 800-88 eller tilsvarende, og prioritere ombruk foran materialgjenvinning. "
       "Leverandøren rapporterer årlig hvor mange enheter som er ombrukt og gjenvunnet.",
       "The supplier shall take the equipment back at end of use, erase data under NIST "
       "SP 800-88 or equivalent, and put reuse before recycling. The supplier reports yearly "
       "how many units were reused and recycled."),
      ("Beskrivelse av returordningen; avtale med godkjent EE-returselskap.",
       "A description of the take-back scheme; an agreement with an approved WEEE scheme."),
      ("Slettesertifikat per enhet og årlig rapport.",
       "An erasure certificate per unit and the yearly report."),
      source=GPP_ICT, climate=SPEC),
    t("ict-lifetime", "ict", ["302", "3023", "3021", "3223", "3225"], "award", "advanced",
      ("Lang levetid: garanti, reservedeler og batteri", "Long life: warranty, spare parts "
       "and battery"),
      ("Tilbud evalueres etter garantitid ut over tre år, hvor mange år reservedeler og "
       "sikkerhetsoppdateringer garanteres, og om batteriet kan byttes av brukeren. Lengst "
       "samlet levetid gir 10 poeng.",
       "Tenders are evaluated by warranty beyond three years, the years spare parts and "
       "security updates are guaranteed, and whether the user can replace the battery. The "
       "longest combined life scores 10 points."),
      ("Garantivilkår, erklæring om reservedeler og oppdateringer, reparasjonsmanual.",
       "Warranty terms, a declaration on spare parts and updates, a repair manual."),
      ("Kontroll av vilkår ved kontraktsinngåelse; oppfølging ved reklamasjoner.",
       "Terms checked at contract signature; followed up on claims."),
      source=GPP_ICT, climate=CRIT, weight=30),
    # --- Textiles and laundry --------------------------------------------------------------
    t("textiles-ecolabel", "textiles", ["18", "19", "395", "3352"], "specification", "basic",
      ("Tekstiler uten helse- og miljøfarlige stoffer",
       "Textiles without hazardous substances"),
      ("Tekstilene skal være merket med OEKO-TEX Standard 100, EU Ecolabel eller "
       "Svanemerket, eller dokumentert oppfylle tilsvarende krav til innhold av helse- og "
       "miljøfarlige stoffer.",
       "The textiles shall carry OEKO-TEX Standard 100, the EU Ecolabel or the Nordic Swan "
       "Ecolabel, or be documented to meet equivalent requirements on hazardous substances."),
      ("Lisens eller sertifikat per produkt, eller testrapport fra akkreditert laboratorium.",
       "A licence or certificate per product, or a test report from an accredited "
       "laboratory."),
      ("Oppslag i merkeordningenes registre; stikkprøver av leveranser.",
       "Look-ups in the labels' registers; spot checks of deliveries."),
      source=SWAN, climate=SPEC, also=GPP[0] + " (textiles)"),
    t("textiles-laundry", "textiles", ["9831", "98311", "98315"], "award", "advanced",
      ("Vaskeri: energi, vann og kjemikalier", "Laundry: energy, water and chemicals"),
      ("Tilbud evalueres etter dokumentert energi- og vannforbruk per kilo tøy og "
       "kjemikalieforbruk. Svanemerket vaskeri, eller tilsvarende dokumentasjon, gir 10 "
       "poeng; øvrige vurderes mot Svanemerkets grenseverdier.",
       "Tenders are evaluated by documented energy and water use per kilo of laundry and "
       "chemical use. A Nordic Swan Ecolabelled laundry, or equivalent documentation, scores "
       "10 points; others are assessed against the Swan's limit values."),
      ("Svanemerkelisens, eller målinger for siste år og kjemikalieliste.",
       "The Swan licence, or last year's measurements and a chemicals list."),
      ("Oppslag i lisensregisteret; årlig rapport i kontraktsperioden.",
       "A look-up in the licence register; a yearly report during the contract."),
      source=SWAN, climate=CRIT, weight=30),
    t("textiles-recycled-fibre", "textiles", ["18", "19", "395"], "award", "advanced",
      ("Resirkulert fiber og sirkulære arbeidsklær",
       "Recycled fibre and circular workwear"),
      ("Tilbud evalueres etter vektandel resirkulert fiber i produktene og om leverandøren "
       "tar tilbake brukte plagg til reparasjon eller materialgjenvinning.",
       "Tenders are evaluated by the weight share of recycled fibre in the products and "
       "whether the supplier takes used garments back for repair or recycling."),
      ("Materialsammensetning per produkt med sertifikat (f.eks. GRS) og beskrivelse av "
       "returordningen.",
       "The fibre content of each product with a certificate (e.g. GRS) and a description of "
       "the take-back scheme."),
      ("Kontroll av sertifikater; årlig rapport om returnerte plagg.",
       "Certificates checked; a yearly report on garments returned."),
      source=GPP, climate=CRIT, weight=30),
    # --- Medical and hygiene consumables ---------------------------------------------------
    t("medical-pvc-phthalate-free", "medical", ["3314", "3319", "3369", "18424", "3317"],
      "specification", "basic",
      ("PVC- og ftalatfrie forbruksartikler", "PVC- and phthalate-free consumables"),
      ("Produktene skal være fri for PVC og for ftalater klassifisert som "
       "reproduksjonstoksiske (CMR kategori 1A/1B) eller oppført på REACH-kandidatlisten.",
       "The products shall be free of PVC and of phthalates classified as toxic for "
       "reproduction (CMR category 1A/1B) or on the REACH candidate list."),
      ("Produktdatablad og leverandørerklæring per produkt.",
       "A product data sheet and a supplier declaration per product."),
      ("Gjennomgang av datablad; stikkprøvetesting ved tvil.",
       "Review of data sheets; spot tests where in doubt."),
      source=DFO, climate=SPEC, also="Sykehusinnkjøp HF, miljøkrav"),
    t("medical-packaging", "medical", ["3314", "3319", "3369", "18424"], "award", "advanced",
      ("Mindre emballasje og resirkulert materiale",
       "Less packaging and recycled material"),
      ("Tilbud evalueres etter emballasjemengde per bruksenhet og andel resirkulert eller "
       "fornybart materiale i emballasjen, uten at hygiene og sterilitet svekkes.",
       "Tenders are evaluated by packaging weight per unit of use and the share of recycled "
       "or renewable material in the packaging, without weakening hygiene or sterility."),
      ("Emballasjespesifikasjon per produkt (vekt og materialer).",
       "A packaging specification per product (weight and materials)."),
      ("Kontroll ved vareprøver og første leveranse.",
       "Checked on samples and the first delivery."),
      source=GPP, climate=CRIT, weight=30),
    t("medical-hygiene-paper", "medical", ["3376", "3377", "33711"], "specification", "basic",
      ("Miljømerket hygienepapir og hygieneprodukter",
       "Ecolabelled hygiene paper and products"),
      ("Toalettpapir, tørkepapir og hygieneprodukter skal være merket med Svanemerket eller "
       "EU Ecolabel, eller oppfylle tilsvarende krav.",
       "Toilet paper, towels and hygiene products shall carry the Nordic Swan Ecolabel or the "
       "EU Ecolabel, or meet equivalent requirements."),
      ("Lisensnummer per produkt eller dokumentasjon på tilsvarende krav.",
       "A licence number per product or documentation of equivalent requirements."),
      ("Oppslag i lisensregistrene.", "Look-ups in the licence registers."),
      source=SWAN, climate=SPEC),
    # --- Print and paper -------------------------------------------------------------------
    t("print-fsc-pefc-paper", "print", ["3019", "2219", "22", "798"], "specification",
      "basic",
      ("Papir fra bærekraftig skogbruk eller resirkulert fiber",
       "Paper from sustainable forestry or recycled fibre"),
      ("Papiret skal være laget av fiber fra FSC- eller PEFC-sertifisert skog, resirkulert "
       "fiber, eller en kombinasjon, og være klorfritt bleket (ECF eller TCF).",
       "The paper shall be made from fibre from FSC- or PEFC-certified forests, recycled "
       "fibre, or both, and bleached without elemental chlorine (ECF or TCF)."),
      ("Sporbarhetssertifikat (CoC) eller miljømerkelisens for papirkvalitetene.",
       "A chain-of-custody certificate or an ecolabel licence for the paper grades."),
      ("Oppslag i FSC/PEFC-databasene.", "Look-ups in the FSC/PEFC databases."),
      source=GPP, climate=SPEC, also=SWAN[0] + " (papir)"),
    t("print-ecolabelled-printer", "print", ["798", "22"], "award", "advanced",
      ("Miljømerket trykkeri", "Ecolabelled printing house"),
      ("Tilbud evalueres etter om trykksakene produseres av et trykkeri med Svanemerket "
       "eller EU Ecolabel for trykksaker (10 poeng), med dokumentert miljøstyring (5 poeng), "
       "eller uten (0 poeng).",
       "Tenders are evaluated by whether the printed matter is produced by a printing house "
       "with the Nordic Swan Ecolabel or the EU Ecolabel for printed matter (10 points), "
       "with documented environmental management (5 points) or neither (0 points)."),
      ("Lisens, eller sertifikat for miljøstyring.",
       "The licence, or the environmental management certificate."),
      ("Oppslag i lisensregisteret; merket trykksak ved levering.",
       "A look-up in the licence register; the label on the printed matter delivered."),
      source=SWAN, climate=CRIT, weight=30),
    # --- Office furniture and supplies -----------------------------------------------------
    t("furniture-durable", "furniture", ["391", "3913", "3911", "3912"], "specification",
      "basic",
      ("Holdbare møbler med reservedeler", "Durable furniture with spare parts"),
      ("Møblene skal ha minst fem års garanti, reservedeler skal være tilgjengelige i minst "
       "ti år, og tre skal komme fra lovlig og bærekraftig skogbruk (FSC, PEFC eller "
       "tilsvarende). Møblene skal kunne demonteres for reparasjon.",
       "The furniture shall have at least five years' warranty, spare parts shall be "
       "available for at least ten years, and wood shall come from legal and sustainable "
       "forestry (FSC, PEFC or equivalent). The furniture shall come apart for repair."),
      ("Garantivilkår, reservedelserklæring og sertifikat for treråvaren.",
       "Warranty terms, a spare-parts declaration and a certificate for the wood."),
      ("Kontroll av vilkår; stikkprøver av sertifikater.",
       "Terms checked; spot checks of certificates."),
      source=GPP, climate=SPEC, also=SWAN[0] + " (møbler)"),
    t("furniture-reuse", "furniture", ["391", "3913", "3911", "3912", "50850"], "award",
      "advanced",
      ("Ombruk og rehabilitering av møbler", "Reuse and refurbishment of furniture"),
      ("Tilbud evalueres etter andelen av leveransen (i verdi) som er ombrukte eller "
       "rehabiliterte møbler, og etter tilbudt tjeneste for reparasjon og omtrekk av "
       "oppdragsgivers eksisterende møbler.",
       "Tenders are evaluated by the share of the delivery (by value) that is reused or "
       "refurbished furniture, and by the service offered for repairing and reupholstering "
       "the buyer's existing furniture."),
      ("Produktliste som viser ombrukte og nye produkter; beskrivelse av tjenesten.",
       "A product list showing reused and new products; a description of the service."),
      ("Kvartalsvis rapport om andel ombruk.", "A quarterly report on the reuse share."),
      source=PLAN, climate=CRIT, weight=30, also=DFO[0]),
    t("supplies-ecolabelled", "furniture", ["3019", "3012", "3014", "3010"], "contract",
      "basic",
      ("Miljømerkede kontorrekvisita", "Ecolabelled office supplies"),
      ("Leverandøren skal merke miljømerkede produkter (type I-miljømerker) i nettbutikken, "
       "tilby et miljømerket alternativ i hver varegruppe der det finnes, og rapportere "
       "andel miljømerket kjøp per halvår.",
       "The supplier shall mark ecolabelled products (type I ecolabels) in the web shop, "
       "offer an ecolabelled choice in every product group where one exists, and report the "
       "ecolabelled share of purchases every six months."),
      ("Beskrivelse av nettbutikken og eksempel på rapport.",
       "A description of the web shop and a sample report."),
      ("Halvårsrapportene gjennomgås i kontraktsmøter.",
       "The half-yearly reports are reviewed in contract meetings."),
      source=SWAN, climate=SPEC),
    # --- Cleaning services -----------------------------------------------------------------
    t("cleaning-chemicals", "cleaning", ["9091", "9090", "3983"], "specification", "basic",
      ("Miljømerkede rengjøringsmidler", "Ecolabelled cleaning products"),
      ("Alle rengjøringsmidler som brukes eller leveres skal være merket med Svanemerket "
       "eller EU Ecolabel, eller oppfylle tilsvarende krav. Mikrofiber skal brukes der det "
       "er egnet, for å redusere kjemikalie- og vannforbruk.",
       "All cleaning products used or delivered shall carry the Nordic Swan Ecolabel or the "
       "EU Ecolabel, or meet equivalent requirements. Microfibre shall be used where "
       "suitable to reduce chemicals and water."),
      ("Produktliste med lisensnummer.", "A product list with licence numbers."),
      ("Stikkprøver av produkter i bruk mot listen.",
       "Spot checks of products in use against the list."),
      source=SWAN, climate=SPEC, also=GPP[0] + " (cleaning services)"),
    t("cleaning-service-ecolabel", "cleaning", ["9091", "9090"], "award", "advanced",
      ("Miljømerket renholdstjeneste", "Ecolabelled cleaning service"),
      ("Tilbud evalueres etter om renholdstjenesten er lisensiert med Svanemerket for "
       "renholdstjenester (10 poeng), eller dokumenterer tilsvarende krav til kjemikalier, "
       "energi, transport og avfall (poeng etter hvor mange krav som oppfylles).",
       "Tenders are evaluated by whether the cleaning service holds the Nordic Swan "
       "Ecolabel for cleaning services (10 points), or documents equivalent requirements on "
       "chemicals, energy, transport and waste (points by how many are met)."),
      ("Lisens, eller dokumentasjon punkt for punkt mot Svanemerkets krav.",
       "The licence, or documentation point by point against the Swan's requirements."),
      ("Oppslag i lisensregisteret; revisjon i kontraktsperioden.",
       "A look-up in the licence register; an audit during the contract."),
      source=SWAN, climate=CRIT, weight=30),
    # --- Hotel and conference services -----------------------------------------------------
    t("hotel-certified", "hotel", ["551", "5511", "5512", "5552", "79952"], "specification", "basic",
      ("Miljøsertifisert hotell og konferansested",
       "Environmentally certified hotel and venue"),
      ("Hotellet eller konferansestedet skal være sertifisert etter Miljøfyrtårn, "
       "Svanemerket, Green Key, ISO 14001 eller EMAS, eller dokumentere et tilsvarende "
       "miljøstyringssystem.",
       "The hotel or venue shall be certified under Eco-Lighthouse (Miljøfyrtårn), the "
       "Nordic Swan Ecolabel, Green Key, ISO 14001 or EMAS, or document an equivalent "
       "environmental management system."),
      ("Gyldig sertifikat for hvert hotell som tilbys.",
       "A valid certificate for each hotel offered."),
      ("Oppslag i sertifiseringsordningenes registre.",
       "Look-ups in the schemes' registers."),
      source=SWAN, climate=SPEC, also="Stiftelsen Miljøfyrtårn"),
    t("hotel-food-waste", "hotel", ["551", "5511", "5512", "5552", "553"], "contract", "advanced",
      ("Matsvinn og klimavennlig meny", "Food waste and a climate-friendly menu"),
      ("Leverandøren skal måle og rapportere matsvinn per kvartal etter bransjeavtalen om "
       "matsvinn, og tilby en vegetarisk hovedrett som standard ved alle måltider i "
       "oppdraget.",
       "The supplier shall measure and report food waste every quarter under the Norwegian "
       "industry agreement on food waste, and offer a vegetarian main course as the default "
       "at every meal in the contract."),
      ("Beskrivelse av målemetode og meny.", "A description of the method and the menu."),
      ("Kvartalsrapport; stikkprøver ved arrangementer.",
       "A quarterly report; spot checks at events."),
      source=PLAN, climate=SPEC, also=GPP[0] + " (food, catering and vending machines)"),
    # --- Environmental management (any procurement) ----------------------------------------
    t("general-environmental-management", "general", [], "qualification", "basic",
      ("Miljøledelse (ISO 14001, EMAS eller tilsvarende)",
       "Environmental management (ISO 14001, EMAS or equivalent)"),
      ("Leverandøren skal ha et miljøstyringssystem for den delen av virksomheten som skal "
       "levere kontrakten: sertifisert etter ISO 14001, registrert i EMAS, eller "
       "tilsvarende dokumenterte tiltak for miljøledelse (FOA § 16-6).",
       "The supplier shall have an environmental management system for the part of its "
       "business that will deliver the contract: certified under ISO 14001, registered in "
       "EMAS, or equivalent documented environmental management measures (FOA § 16-6)."),
      ("Gyldig sertifikat fra akkreditert organ, EMAS-registrering, eller beskrivelse av "
       "tilsvarende tiltak (miljøpolicy, mål, rutiner og siste revisjon).",
       "A valid certificate from an accredited body, the EMAS registration, or a "
       "description of equivalent measures (policy, targets, procedures and the latest "
       "audit)."),
      ("Kontroll av sertifikatets gyldighet og omfang hos sertifiseringsorganet.",
       "The certificate's validity and scope are checked with the certifying body."),
      source=GPP, also="ISO 14001:2015; Regulation (EC) No 1221/2009 (EMAS)",
      espd_code="envir-certif-indep"),
]


def seed(apps, schema_editor):
    CriterionTemplate = apps.get_model("evaluation", "CriterionTemplate")
    at = datetime.datetime(2026, 12, 6, tzinfo=datetime.UTC)
    for row in TEMPLATES:
        CriterionTemplate.objects.create(version=1, created_at=at, **row)


def unseed(apps, schema_editor):
    apps.get_model("evaluation", "CriterionTemplate").objects.filter(
        owner__isnull=True, version=1, key__in=[row["key"] for row in TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0008_library_criteria_library")]
    operations = [migrations.RunPython(seed, unseed)]
