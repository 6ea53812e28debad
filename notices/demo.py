"""A realistic demo data set: Norwegian authorities, suppliers and dozens of notices.

Everything is created through the services, with `now=` in the past where a notice should
already have closed, so the demo exercises the same rules as real use.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import BuyerType, Membership, Organization, OrganizationKind, Role, User
from accounts.orgnumber import org_number_check_digit
from backend.formatting import to_oslo
from bids import committee as committees
from bids.models import CommitteeMember
from crypto.member_keys import generate_member_key, wrap_member_key
from evaluation.criteria.demo import add_demo_models
from evaluation.statistics.services import statistics_refresh
from notices import demo_eforms, demo_ethics, services
from notices.documents import services as documents
from notices.models import Notice, NoticeStatus
from notices.rules.checks import is_two_stage

DEMO_PASSWORD = "anbud-demo-2026"  # noqa: S105 (printed for the demo, by design)
# The opening committees of the demo: this many members, of whom K open the bids.
COMMITTEE_SIZE = 3
COMMITTEE_K = 2
# The practice tender's deadline passes this many minutes after load_demo runs.
PRACTICE_MINUTES = 10
PRACTICE_TITLE = "Øvingskonkurranse: lever et forseglet tilbud og prøv åpningen"


def _org_number(seed: int) -> str:
    for candidate in itertools.count(97100000 + seed * 1013):
        digit = org_number_check_digit(str(candidate))
        if digit is not None:
            return f"{candidate}{digit}"
    raise AssertionError("unreachable")


AUTHORITIES = [
    # name, buyer type, city, NUTS, login
    ("Bergen kommune", BuyerType.OTHER, "Bergen", "NO0A2", "innkjop@bergen.demo"),
    ("Statens vegvesen", BuyerType.STATE, "Drammen", "NO085", "anskaffelser@vegvesen.demo"),
    ("Oslo universitetssykehus HF", BuyerType.OTHER, "Oslo", "NO081", "innkjop@ous.demo"),
    ("Trondheim kommune", BuyerType.OTHER, "Trondheim", "NO060", "innkjop@trondheim.demo"),
    ("Statnett SF", BuyerType.UTILITIES, "Oslo", "NO081", "innkjop@statnett.demo"),
    ("Troms fylkeskommune", BuyerType.OTHER, "Tromsø", "NO072", "innkjop@tromsfylke.demo"),
]
SUPPLIERS = [
    ("Fjordbygg AS", "Bergen", "post@fjordbygg.demo"),
    ("Nordlys Renhold AS", "Tromsø", "post@nordlysrenhold.demo"),
    ("Kodeverket AS", "Oslo", "post@kodeverket.demo"),
    ("Trøndersk Transport AS", "Trondheim", "post@trondersktransport.demo"),
    ("Grønn Mat Catering AS", "Stavanger", "post@gronnmat.demo"),
    ("Vevstua Tekstil AS", "Ålesund", "post@vevstua.demo"),
]


@dataclass(frozen=True)
class DemoNotice:
    buyer: int
    kind: str
    title: str
    description: str
    contract_type: str
    cpv: str
    value: int | None
    procedure: str = "open"
    days_open: int = 35
    published_days_ago: int = 3
    lots: tuple[tuple[str, str, int], ...] = ()
    cpv_additional: tuple[str, ...] = ()
    change: dict[str, Any] | None = None
    cancel: str = ""
    # An opening committee whose members have enrolled keys: suppliers can bid at once.
    electronic_bids: bool = False


NOTICES = [
    DemoNotice(0, "national", "Rammeavtale om snekker- og tømrertjenester",
               "Bergen kommune skal inngå rammeavtale om snekker- og tømrertjenester til "
               "vedlikehold av kommunale bygg, skoler og sykehjem. Avtalen gjelder i to år med "
               "opsjon på forlengelse i 1+1 år.", "works", "45420000", 2_000_000,
               electronic_bids=True, lots=(("Bergenhus og Årstad", "45421000", 1_000_000),
                     ("Fana og Ytrebygda", "45422000", 900_000))),
    DemoNotice(0, "voluntary", "Brøyting og strøing av parkeringsplasser ved sykehjem",
               "Brøyting, strøing og snørydding ved fem sykehjem i Bergen vinteren 2026/27.",
               "services", "90620000", 650_000, days_open=14),
    DemoNotice(0, "cn", "Renholdstjenester for skoler i Bergen",
               "Daglig renhold, periodisk renhold og hovedrengjøring av 24 skoler. "
               "Miljøkrav: svanemerkede renholdsmidler og fossilfrie kjøretøy.", "services",
               "90911200", 38_000_000, days_open=40, electronic_bids=True,
               lots=(("Skoler nord", "90911200", 19_000_000),
                     ("Skoler sør", "90911200", 19_000_000))),
    DemoNotice(0, "pin", "Planlagt anskaffelse: nytt fagsystem for helse og omsorg",
               "Bergen kommune planlegger å anskaffe et nytt elektronisk pasientjournalsystem "
               "for helse- og omsorgstjenestene. Markedsdialog våren 2027.", "supplies",
               "48000000", 25_000_000),
    DemoNotice(1, "cn", "Drift og vedlikehold av riksveg 7, Hardangervidda",
               "Driftskontrakt for riksveg 7 over Hardangervidda inkludert vinterdrift, "
               "brøyting, kolonnekjøring og vedlikehold av vegutstyr, 2027–2032.", "works",
               "45233141", 180_000_000, procedure="restricted", days_open=32),
    DemoNotice(1, "cn", "Elektriske tjenestebiler",
               "Kjøp av 60 elektriske tjenestebiler med service og dekkhotell.", "supplies",
               "34144900", 24_000_000, days_open=31, electronic_bids=True, change={
                   "reason": "Fristen forlenges etter spørsmål fra leverandører om leveringstid.",
                   "days": 10}),
    DemoNotice(1, "national", "Rådgivning innen trafikksikkerhet",
               "Rådgivningstjenester for trafikksikkerhetsinspeksjoner på riksvegnettet i "
               "Buskerud og Vestfold.", "services", "79400000", 1_400_000),
    DemoNotice(1, "voluntary", "Kurs i førstehjelp for driftspersonell",
               "Kurs i førstehjelp og HMS for 120 ansatte i driftsavdelingen.", "services",
               "80000000", 250_000, days_open=12),
    DemoNotice(2, "cn", "Legemidler til sykehusapotek",
               "Rammeavtale om kjøp av legemidler til Sykehusapotekene, flere delkontrakter.",
               "supplies", "33600000", 95_000_000, days_open=36,
               lots=(("Antibiotika", "33651100", 40_000_000),
                     ("Smertestillende", "33661000", 30_000_000),
                     ("Vaksiner", "33651600", 25_000_000))),
    DemoNotice(2, "cn", "Kantinedrift ved Rikshospitalet og Ullevål",
               "Drift av personalkantiner med krav om økologiske og lokale råvarer og redusert "
               "matsvinn.", "services", "55520000", 12_000_000, days_open=33),
    DemoNotice(2, "national", "Konsulentbistand til anskaffelse av medisinsk-teknisk utstyr",
               "Bistand til kartlegging av behov og markedsdialog for MTU.", "services",
               "79400000", 1_900_000, published_days_ago=40, days_open=25),
    DemoNotice(2, "cn", "Pasienttransport med drosje i Oslo og Akershus",
               "Pasientreiser med drosje og tilrettelagt transport.", "services", "60100000",
               60_000_000, days_open=35, cancel="Anskaffelsen avlyses fordi behovet er endret "
               "etter ny organisering av pasientreiser."),
    DemoNotice(3, "national", "Utskifting av vinduer ved Byåsen skole",
               "Utskifting av 240 vinduer, inkludert riving og avfallshåndtering.", "works",
               "45421100", 4_500_000, days_open=28),
    DemoNotice(3, "national", "Skoleskyss for grunnskolen i Trondheim",
               "Skoleskyss med buss og drosje for elever i grunnskolen.", "services",
               "60100000", 2_100_000, published_days_ago=60, days_open=30),
    DemoNotice(3, "voluntary", "Møbler til nytt bibliotek på Lade",
               "Kjøp av bibliotekmøbler, hyller og sittegrupper.", "supplies", "39100000",
               900_000, days_open=16),
    DemoNotice(3, "cn", "Bærbare PC-er til elever i ungdomsskolen",
               "Kjøp av 6 000 bærbare PC-er med programvare, service og gjenbruksordning.",
               "supplies", "30213000", 36_000_000, days_open=30, electronic_bids=True),
    DemoNotice(3, "national", "Tolketjenester for helse- og velferdstjenester",
               "Tolketjenester på telefon, video og oppmøte.", "social", "85000000",
               3_200_000, days_open=21),
    DemoNotice(4, "cn", "Transformatorer til Sogndal stasjon",
               "Levering av to 420/132 kV krafttransformatorer.", "supplies", "31170000",
               140_000_000, procedure="neg-w-call", days_open=35),
    DemoNotice(4, "national", "Vegetasjonsrydding i kraftledningsgater, Nordland",
               "Rydding av skog og kratt langs 132 kV-ledninger.", "services", "77211400",
               3_000_000, days_open=21),
    DemoNotice(5, "national", "Ferjedrift Tromsø–Vengsøy",
               "Drift av ferjesambandet Tromsø–Vengsøy med nullutslippsfartøy.", "services",
               "60600000", 2_200_000, days_open=30, change={
                   "reason": "Rettet CPV-kode og lagt til beskrivelse av krav om "
                             "nullutslipp.", "description_suffix": " Fartøyet skal være "
                   "helelektrisk eller hydrogendrevet."}),
    DemoNotice(5, "voluntary", "Trykking av informasjonsmateriell",
               "Trykking av brosjyrer og plakater for valg og folkehelse.", "supplies",
               "22000000", 300_000, days_open=14),
    DemoNotice(5, "national", "Snøbrøyting av fylkesveger i Nord-Troms",
               "Vinterdrift av fylkesveger, 2026–2029.", "works", "45233141", 9_000_000,
               published_days_ago=50, days_open=30),
    DemoNotice(5, "cn", "Arkitekttjenester for ny videregående skole i Tromsø",
               "Prosjektering av ny videregående skole med 900 elever, passivhusstandard.",
               "services", "71000000", 8_500_000, days_open=30),
    DemoNotice(0, "national", "Levering av frukt og grønnsaker til barnehager",
               "Ukentlig levering av frukt og grønt til 80 kommunale barnehager.", "supplies",
               "15300000", 2_000_000, days_open=20, electronic_bids=True),
]


def _document_bytes(title: str, body: str) -> bytes:
    """A small but real PDF, so the demo downloads open in any viewer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(title)
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(72, 770, title[:80])
    pdf.setFont("Helvetica", 11)
    y = 740
    for line in body.split("\n"):
        pdf.drawString(72, y, line[:95])
        y -= 16
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@functools.cache
def _demo_password_hash() -> str:
    # Hashing is deliberately slow; all demo users share one password, so hash it once.
    return make_password(DEMO_PASSWORD)


def _user(email: str, org: Organization, role: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(email=email, password=_demo_password_hash(), full_name=name)
    Membership.objects.get_or_create(user=user, organization=org, role=role)
    return user


def committee_emails(officer_email: str) -> list[str]:
    """komite@, komite2@, komite3@ of the officer's authority."""
    domain = officer_email.split("@")[1]
    return [f"komite{'' if i == 1 else i}@{domain}" for i in range(1, COMMITTEE_SIZE + 1)]


def demo_passphrase(email: str) -> str:
    """The passphrase of a demo committee member's key: bergen-komite2-2026 for
    komite2@bergen.demo (printed with the logins; a real member chooses their own)."""
    local, domain = email.split("@")
    return f"{domain.split('.')[0]}-{local}-2026"


def _member_key(user: User) -> dict[str, Any]:
    """The member's demo key: the one enrolled on an earlier notice (same passphrase), or a
    new ETB-1 key pair wrapped with the demo passphrase, as `anbud-etb keygen` makes it."""
    seat = (CommitteeMember.objects.filter(user=user, wrapped_key__isnull=False)
            .order_by("pk").first())
    if seat is not None and seat.wrapped_key:
        return dict(seat.wrapped_key)
    return wrap_member_key(generate_member_key(), key_id=user.email,
                           passphrase=demo_passphrase(user.email))


def _committee(notice: Notice, *, officer: User, members: list[User], at: datetime) -> None:
    """Name the committee (k of n) and let every member enrol a key, as they would."""
    committees.committee_configure(notice=notice, by=officer, members=members, k=COMMITTEE_K,
                                   now=at)
    for user in members:
        seat = CommitteeMember.objects.get(committee__notice=notice, user=user,
                                           removed_at__isnull=True)
        committees.committee_member_enrol_key(member=seat, by=user,
                                              wrapped_key=_member_key(user), now=at)


def _publish(spec: DemoNotice, *, buyer: Organization, officer: User, members: list[User],
             now: datetime, deadline: datetime | None = None,
             before_publish: Callable[..., None] | None = None) -> Notice:
    published = now - timedelta(days=spec.published_days_ago, hours=2)
    question_deadline = None
    if deadline is not None:
        published = now  # the practice tender: published as the demo starts
    else:
        # Deadlines at noon Norwegian time, as buyers set them.
        deadline = to_oslo(published + timedelta(days=spec.days_open + 1)).replace(
            hour=12, minute=0, second=0, microsecond=0)
        question_deadline = deadline - timedelta(days=7)
    fields: dict[str, Any] = {
        "title": spec.title, "description": spec.description,
        "contract_type": spec.contract_type, "cpv_main": spec.cpv,
        "cpv_additional": list(spec.cpv_additional), "nuts": buyer.nuts,
        "estimated_value": Decimal(spec.value) if spec.value is not None else None,
    }
    if spec.kind in ("cn", "national", "voluntary"):
        fields.update(procedure_type=spec.procedure, submission_deadline=deadline,
                      question_deadline=question_deadline)
        if is_two_stage(spec.procedure):
            # Requests first (days_open), then tenders from those invited, four weeks later.
            fields.update(request_deadline=deadline, submission_deadline=deadline
                          + timedelta(days=28))
    lots = [{"title": t, "cpv": c, "estimated_value": v} for t, c, v in spec.lots] or None
    extra, lot_extra = demo_eforms.notice_extras(
        title=spec.title, procedure=spec.procedure, lot_count=len(spec.lots),
        competition=spec.kind in ("cn", "national", "voluntary"),
        planned=(published + timedelta(days=90)).date())
    fields.update(extra)
    lots = [{**lot, **more} for lot, more in zip(lots, lot_extra, strict=True)] if lots else None
    notice = services.notice_create(buyer=buyer, by=officer, kind=spec.kind, fields=fields,
                                    lots=lots, now=published)
    body = (f"{spec.title}\n\n{buyer.name}\n\n1. Innledning\n2. Kravspesifikasjon\n"
            "3. Kvalifikasjonskrav\n4. Tildelingskriterier: pris 60 %, kvalitet 10 %, "
            "klima og miljø 30 %\n5. Kontraktsvilkår, herunder krav om etisk handel")
    pdf = _document_bytes("Konkurransegrunnlag", body)
    documents.document_upload(notice=notice, by=officer, stream=io.BytesIO(pdf),
                              filename="konkurransegrunnlag.pdf", size=len(pdf),
                              title="Konkurransegrunnlag", now=published)
    if spec.kind in ("cn", "national"):
        sheet = b"Pos;Beskrivelse;Enhet;Pris eks. mva\n1;Timepris fagarbeider;time;\n"
        documents.document_upload(notice=notice, by=officer, stream=io.BytesIO(sheet),
                                  filename="prisskjema.csv", size=len(sheet),
                                  title="Prisskjema", now=published)
    add_demo_models(notice, by=officer, now=published)
    if before_publish is not None:
        before_publish(notice, by=officer, now=published)
    if spec.electronic_bids:
        _committee(notice, officer=officer, members=members, at=published)
    notice = services.notice_publish(notice=notice, by=officer, now=published)
    if spec.electronic_bids:
        committees.manifest_ensure(notice=notice, now=published)
    if spec.change:
        changed_at = published + timedelta(days=1)
        change_fields: dict[str, Any] = {}
        if "days" in spec.change:
            assert notice.submission_deadline is not None
            change_fields["submission_deadline"] = (notice.submission_deadline
                                                    + timedelta(days=spec.change["days"]))
        if "description_suffix" in spec.change:
            change_fields["description"] = notice.description + spec.change["description_suffix"]
        services.notice_change_publish(notice=notice, by=officer, reason=spec.change["reason"],
                                       fields=change_fields, now=changed_at)
    if spec.cancel:
        services.notice_cancel(notice=notice, by=officer, reason=spec.cancel,
                               now=published + timedelta(days=2))
    return notice


PRACTICE = DemoNotice(
    0, "national", PRACTICE_TITLE,
    "Dette er en øvingskonkurranse i demoen, med en frist som går ut få minutter etter at "
    "demoen startet. Logg inn som leverandør (for eksempel post@fjordbygg.demo) og lever et "
    "forseglet tilbud før fristen. Når fristen har gått ut, starter innkjop@bergen.demo "
    "åpningen, og to av komitémedlemmene (komite@bergen.demo, komite2@bergen.demo, "
    "komite3@bergen.demo) låser opp nøkkelen sin med passordfrasen som make run skrev ut.",
    "services", "79000000", 1_500_000, published_days_ago=0, electronic_bids=True)


def _practice(*, buyer: Organization, officer: User, members: list[User], now: datetime,
              minutes: int) -> Notice:
    """The open practice tender, or a new round of it when the last one has closed.

    Its deadline passes `minutes` after `now`, so a visitor can bid and then try the opening.
    Running the loader again while a round is open adds nothing.
    """
    rounds = Notice.objects.filter(buyer=buyer, title__startswith=PRACTICE_TITLE)
    current = rounds.filter(status=NoticeStatus.PUBLISHED, submission_deadline__gt=now).first()
    if current is not None:
        return current
    number = rounds.count() + 1
    spec = PRACTICE if number == 1 else dataclasses.replace(
        PRACTICE, title=f"{PRACTICE_TITLE} (runde {number})")
    deadline = (now + timedelta(minutes=minutes, seconds=59)).replace(second=0, microsecond=0)
    return _publish(spec, buyer=buyer, officer=officer, members=members, now=now,
                    deadline=deadline)


WORKWEAR = DemoNotice(0, "national", demo_ethics.TITLE, demo_ethics.DESCRIPTION, "supplies",
                      demo_ethics.CPV, demo_ethics.VALUE, published_days_ago=150, days_open=30)


def _follow_up(buyer: tuple[Organization, User, list[User]], *, now: datetime) -> None:
    """The workwear contract with its ethical-trade follow-up (notices/demo_ethics.py), once;
    a demo database loaded before it existed gets it on the next run."""
    org, officer, members = buyer
    if demo_ethics.already_loaded(org):
        return
    winner = Organization.objects.get(name="Vevstua Tekstil AS", kind=OrganizationKind.SUPPLIER)
    other = Organization.objects.get(name="Nordlys Renhold AS", kind=OrganizationKind.SUPPLIER)
    demo_ethics.add_follow_up(
        publish=lambda: _publish(WORKWEAR, buyer=org, officer=officer, members=members,
                                 now=now, before_publish=demo_ethics.choose_library_and_terms),
        officer=officer, winner=winner,
        winner_user=User.objects.get(email="post@vevstua.demo"), other=other, now=now)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    organisation: str
    passphrase: str = ""  # a committee member's key passphrase


@dataclass(frozen=True)
class DemoData:
    logins: list[DemoLogin]
    practice: Notice  # the open practice tender (deadline minutes away)


@transaction.atomic
def load_demo(*, now: datetime | None = None, practice_minutes: int = PRACTICE_MINUTES) -> DemoData:
    """Create the demo data once (running it again adds nothing, except a new round of the
    practice tender once the last round has closed). Returns the logins and that tender."""
    now = now or timezone.now()
    if not User.objects.filter(email="admin@anbud.demo").exists():
        User.objects.create_superuser(email="admin@anbud.demo", password=DEMO_PASSWORD,
                                      full_name="Plattformdrift")
    already = Organization.objects.filter(name=AUTHORITIES[0][0]).exists()
    buyers: list[tuple[Organization, User, list[User]]] = []
    for seed, (name, buyer_type, city, nuts, email) in enumerate(AUTHORITIES):
        org, _ = Organization.objects.get_or_create(
            name=name, kind=OrganizationKind.AUTHORITY,
            defaults={"buyer_type": buyer_type, "city": city, "nuts": nuts,
                      "org_number": _org_number(seed), **demo_eforms.contact_details(name)})
        officer = _user(email, org, Role.PROCUREMENT_OFFICER, f"Innkjøper {city}")
        admin_email = "admin@" + email.split("@")[1]
        _user(admin_email, org, Role.AUTHORITY_ADMIN, f"Administrator {city}")
        members = [_user(member, org, Role.COMMITTEE_MEMBER,
                         f"Komitémedlem {city}" + ("" if i == 0 else f" {i + 1}"))
                   for i, member in enumerate(committee_emails(email))]
        buyers.append((org, officer, members))
    for seed, (name, city, email) in enumerate(SUPPLIERS, start=50):
        org, _ = Organization.objects.get_or_create(
            name=name, kind=OrganizationKind.SUPPLIER,
            defaults={"city": city, "org_number": _org_number(seed)})
        _user(email, org, Role.SUPPLIER_ADMIN, f"Daglig leder {name.split()[0]}")
    if not already:
        for spec in NOTICES:
            buyer, officer, members = buyers[spec.buyer]
            _publish(spec, buyer=buyer, officer=officer, members=members, now=now)
        services.notice_close_due(now=now)
        # One draft per authority, so the workspace shows work in progress.
        for buyer, officer, _members in buyers[:3]:
            services.notice_create(buyer=buyer, by=officer, kind="national", fields={
                "title": "Utkast: rammeavtale om kontorrekvisita",
                "description": "Kontorrekvisita og papir.", "contract_type": "supplies",
                "cpv_main": "30190000", "nuts": buyer.nuts}, now=now)
    _follow_up(buyers[WORKWEAR.buyer], now=now)
    buyer, officer, members = buyers[PRACTICE.buyer]
    practice = _practice(buyer=buyer, officer=officer, members=members, now=now,
                         minutes=practice_minutes)
    # The public statistics' summary tables: the scheduler refreshes them every minute; this
    # makes the statistics page show the demo at once (idempotent).
    statistics_refresh(now=now)
    return DemoData(logins=_logins(buyers), practice=practice)


def _logins(buyers: list[tuple[Organization, User, list[User]]]) -> list[DemoLogin]:
    logins = [DemoLogin("admin@anbud.demo", "platform staff (Django admin)", "Anbud")]
    for org, officer, members in buyers:
        logins += [DemoLogin(officer.email, "procurement officer", org.name),
                   DemoLogin("admin@" + officer.email.split("@")[1], "authority administrator",
                             org.name)]
        for user in members:
            keyed = CommitteeMember.objects.filter(user=user, wrapped_key__isnull=False).exists()
            logins.append(DemoLogin(user.email, "committee member", org.name,
                                    demo_passphrase(user.email) if keyed else ""))
    for name, _city, email in SUPPLIERS:
        logins.append(DemoLogin(email, "supplier administrator", name))
    return logins
