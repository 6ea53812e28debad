"""Every route, every method, every actor: the permission outcome each one gets.

The test walks the URL resolver (backend.urls, the API included) and fails when a route and
method has no row in EXPECTED, so a new route cannot ship without saying who may use it.
Each row is then requested as each actor against one shared world (built once per module)
and the status is asserted.

Outcomes: "ok" means the request got past the permission check (200, 201, 204, a redirect that
is not to sign-in, 400 for an empty or invalid body, 409 for a state conflict); "login" is a
redirect to sign-in (anonymous on a web page); 401, 403 and 404 are the refusals (API
anonymous; signed in but not allowed where the object is public; not allowed where it is not).

Every request runs in its own savepoint, so a write never leaks into the next row.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

# --- the routes ------------------------------------------------------------------------------

# Not part of the matrix, with the reason.
EXEMPT_PREFIXES = {
    "admin/": "Django admin: staff only by Django's own check (is_staff), tested in bids",
    "i18n/": "Django's set_language: changes the session language, no data",
}
EXEMPT_NAMES = {
    "api-schema": "the OpenAPI document, public by drf-spectacular's SERVE_PERMISSIONS",
    "api-docs": "Swagger UI over the schema, public",
    "bids-bench-plain": "bench/rush.py baseline, off unless BIDS_BENCH_PLAIN_UPLOAD (404)",
}
# Function views without a require_* decorator say here which methods they serve.
DECLARED_METHODS: dict[str, list[str]] = {
    "notices:list": ["get"],
    "notices:detail": ["get"],
    "notices:workspace": ["get"],
    "notices:workspace-notice-preview": ["get"],
    "following:inbox": ["get"],
    "following:saved-searches": ["get", "post"],
    "questions:question-ask": ["get", "post"],
    "questions:question-queue": ["get"],
    "bids:committee": ["get", "post"],
    "bids:tasks": ["get"],
    "bids:enrol": ["get", "post"],
    "bids:bid": ["get"],
    "bids:receipt": ["get"],
    "bids:opening": ["get"],
    "bids:protocol": ["get"],
    "bids:protocol-pdf": ["get"],
    "bids:opened-tar": ["get"],
    "bids:opened-file": ["get"],
    "feeds:notices": ["get"],
    "feeds:cpv": ["get"],
    "feeds:saved": ["get"],
}


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    methods: tuple[str, ...]


def _decorated_methods(view: Any) -> list[str] | None:
    """The methods a require_http_methods / require_POST decorator allows, if any."""
    func = view
    while func is not None:
        code = getattr(func, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = func.__closure__[code.co_freevars.index("request_method_list")]
            return [m.lower() for m in cell.cell_contents]
        func = getattr(func, "__wrapped__", None)
    return None


def _methods(name: str, view: Any) -> list[str] | None:
    cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
    if cls is not None:  # DRF APIView (cls) or Django class-based view (view_class)
        allowed = [m for m in cls.http_method_names if m not in ("options", "head", "trace")]
        found = [m for m in allowed if hasattr(cls, m)]
        if issubclass(cls, LoginView):
            return ["get", "post"]
        return found
    return _decorated_methods(view) or DECLARED_METHODS.get(name)


def _walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str, Any]]:
    for entry in patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, pattern, ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", pattern, entry.callback


def routes() -> list[Route]:
    found = []
    for name, pattern, view in _walk(get_resolver("backend.urls").url_patterns, "", ""):
        if any(pattern.startswith(p) for p in EXEMPT_PREFIXES) or name in EXEMPT_NAMES:
            continue
        methods = _methods(name, view)
        if methods is None:
            raise AssertionError(f"{name} ({pattern}): a function view without "
                                 "require_http_methods; declare it in DECLARED_METHODS")
        found.append(Route(name, pattern, tuple(methods)))
    return found


# --- the world ------------------------------------------------------------------------------

ACTORS = ("owner", "other_officer", "member", "bidder", "other_supplier", "staff", "anon")


@dataclass
class World:
    users: dict[str, Any]
    open_notice: Any          # published, committee with keys, one sealed bid, deadline ahead
    closed_notice: Any        # deadline passed, bids opened
    draft: Any                # the owner's draft
    bid: Any                  # the bidder's sealed submission on open_notice
    opened_bid: Any           # the bidder's opened submission on closed_notice
    session: Any              # the opening of closed_notice
    seat: Any                 # the member's seat on open_notice
    document: Any             # a document version of open_notice
    question: Any             # the bidder's question on open_notice
    saved_search: Any         # the bidder's
    message: Any              # an inbox message of the bidder
    supplier: Any             # the bidder's organisation
    colleague: Any            # another membership in the bidder's organisation
    invitation_token: str
    rejected_bid: Any = None  # the other supplier's opened bid on closed_notice, rejected
    clarification: Any = None  # a clarification request to the bidder, answered
    adviser: Any = None       # an external adviser named for closed_notice
    award_letter: Any = None  # the bidder's award letter (closed_notice lot 0)
    contract: Any = None      # evaluation.contract: the signed contract on closed_notice lot 0
    suspension: Any = None    # evaluation.contract: an open complaint on closed_notice lot 0
    library_template: Any = None  # criteria library: a template of the owner's authority
    follow_up: Any = None     # evaluation.ethics: the follow-up plan of world.contract
    audit: Any = None         # evaluation.audits: a completed audit of the contract's plan
    finding: Any = None       # its finding
    corrective_action: Any = None  # the finding's corrective action, awaiting the bidder
    kwargs: dict[str, dict[str, Any]] = field(default_factory=dict)


def _tender(officer: Any, members: list[Any], keys: dict[str, Any], *, at: Any) -> Any:
    from bids import committee as committee_services
    from bids.models import CommitteeMember
    from crypto.member_keys import generate_member_key
    from notices import services
    from tests.bids.conftest import fake_wrapped
    from tests.conftest import notice_fields

    notice = services.notice_create(buyer=officer.memberships.first().organization, by=officer,
                                    kind="national", fields=notice_fields(start=at), now=at)
    committee_services.committee_configure(notice=notice, by=officer, members=members, k=2,
                                           now=at)
    for user in members:
        seat = CommitteeMember.objects.get(committee__notice=notice, user=user)
        key = generate_member_key()
        key_id = f"k-{notice.pk}-{user.pk}"
        keys[key_id] = key
        committee_services.committee_member_enrol_key(member=seat, by=user,
                                                      wrapped_key=fake_wrapped(key_id, key),
                                                      now=at)
    return notice


def _seal_and_submit(notice: Any, supplier: Any, user: Any) -> Any:
    from bids import submission
    from crypto.envelope import TarEntry, seal_entries

    sub = submission.submission_start(notice=notice, supplier=supplier, by=user)
    out = io.BytesIO()
    data = b"Pris: 1 000 000 NOK"
    sealed = seal_entries([TarEntry("tilbud.txt", len(data), 1767225600, io.BytesIO(data))],
                          manifest=sub.manifest.manifest, context=sub.context, out=out,
                          expected_manifest_hash=sub.manifest.manifest_hash)
    blob = out.getvalue()
    submission.submission_part_put(submission=sub, index=0, stream=io.BytesIO(blob),
                                   sha256=hashlib.sha256(blob).hexdigest(), by=user,
                                   content_length=len(blob))
    submission.submission_shares_put(submission=sub, by=user, document=sealed.shares_document())
    submission.submission_finalize(submission=sub, by=user, claimed=sealed.digest.as_json())
    sub.refresh_from_db()
    return sub


def _build_world() -> World:
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from accounts import services as account_services
    from accounts.models import BuyerType, OrganizationKind, Role, User
    from backend.clock import db_now
    from bids import committee as committee_services
    from bids.opening import services as opening
    from crypto.shares import open_share
    from notices import services
    from notices.documents import services as documents
    from notices.following import saved_searches
    from notices.following.models import InboxMessage
    from notices.models import Notice, NoticeEvent
    from notices.questions import services as questions
    from tests.conftest import make_org, make_user, notice_fields

    authority = make_org(OrganizationKind.AUTHORITY, "Bergen kommune", BuyerType.OTHER)
    other_authority = make_org(OrganizationKind.AUTHORITY, "Statens vegvesen", BuyerType.STATE)
    supplier = make_org(OrganizationKind.SUPPLIER, "Fjordbygg AS")
    other_supplier = make_org(OrganizationKind.SUPPLIER, "Nordlys Renhold AS")
    owner = make_user("officer@bergen.example", authority, Role.PROCUREMENT_OFFICER)
    members = [make_user(f"member{i}@bergen.example", authority, Role.COMMITTEE_MEMBER)
               for i in range(3)]
    bidder = make_user("anna@fjordbygg.example", supplier, Role.SUPPLIER_ADMIN)
    colleague = make_user("per@fjordbygg.example", supplier, Role.SUPPLIER_USER)
    users = {
        "owner": owner,
        "other_officer": make_user("officer@vegvesen.example", other_authority,
                                   Role.PROCUREMENT_OFFICER),
        "member": members[0],
        "bidder": bidder,
        "other_supplier": make_user("ola@nordlys.example", other_supplier, Role.SUPPLIER_ADMIN),
        "staff": User.objects.create_user(email="ops@anbud.example", password="x" * 16,
                                          is_staff=True),
        "anon": None,
    }
    now = timezone.now()
    keys: dict[str, Any] = {}

    # The open tender: a document, published, one sealed bid, a question.
    open_notice = _tender(owner, members, keys, at=now)
    version, _warnings = documents.document_upload(
        notice=open_notice, by=owner, stream=ContentFile(b"%PDF-1.4 konkurransegrunnlag"),
        filename="konkurransegrunnlag.pdf", size=28, title="Konkurransegrunnlag")
    open_notice = services.notice_publish(notice=open_notice, by=owner)
    committee_services.manifest_ensure(notice=open_notice)
    bid = _seal_and_submit(open_notice, supplier, bidder)
    question = questions.question_ask(notice=open_notice, by=bidder, text="Gjelder 2 000 timer?")

    # The closed tender: published 20 days ago, a bid, the deadline passed, opened by k = 2.
    start = now - timedelta(days=20)
    closed_notice = _tender(owner, members, keys, at=start)
    from tests.evaluation.scores.conftest import add_criteria

    add_criteria(closed_notice, owner)  # the award criteria, frozen at publication
    closed_notice = services.notice_publish(notice=closed_notice, by=owner, now=start)
    committee_services.manifest_ensure(notice=closed_notice, now=start)
    opened_bid = _seal_and_submit(closed_notice, supplier, bidder)
    rejected_bid = _seal_and_submit(closed_notice, other_supplier, users["other_supplier"])
    Notice.objects.filter(pk=closed_notice.pk).update(
        submission_deadline=db_now() + timedelta(milliseconds=1))
    closed_notice.refresh_from_db()
    session = opening.opening_start(notice=closed_notice, by=owner)
    for user in members[:2]:
        rows = opening.opening_shares_for_member(session=session, by=user)
        shares = [{"context_hash": r["context_hash"], "key_id": r["key_id"],
                   "share": open_share(bytes.fromhex(r["sealed_share"]), keys[r["key_id"]],
                                       context_hash=bytes.fromhex(r["context_hash"]),
                                       key_id=r["key_id"]).hex()} for r in rows]
        with TestCase.captureOnCommitCallbacks(execute=True):
            opening.opening_add_shares(session=session, by=user, shares=shares)
    session.refresh_from_db()
    opened_bid.refresh_from_db()
    rejected_bid.refresh_from_db()

    # The evaluation of the closed tender: the owner and the member declared no conflict of
    # interest; the other supplier's bid is rejected; the bidder answered a clarification.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evaluation.impartiality.services import adviser_add, impartiality_declare
    from evaluation.qualification import services as qualification
    from evaluation.services import evaluation_start

    evaluation_start(notice=closed_notice, by=owner)
    for user in (owner, members[0]):
        impartiality_declare(notice=closed_notice, by=user, has_conflict=False)
    clarification = qualification.clarification_request(
        submission=opened_bid, kind="clarification", question="Forklar punkt 3.",
        deadline=now + timedelta(days=3), by=owner)
    qualification.clarification_answer(
        request=clarification, by=bidder, answer="Se vedlegg.",
        attachment=qualification.Attachment("svar.pdf", SimpleUploadedFile("svar.pdf", b"%PDF")))
    qualification.bid_reject(submission=rejected_bid, ground="late", reasons="Kom for sent.",
                             by=owner)
    make_user("adviser@konsulent.example")
    adviser = adviser_add(notice=closed_notice, by=owner, email="adviser@konsulent.example",
                          role="Jurist")
    # Lot 0 then goes on to scoring (evaluation/scores): no requirement is open.
    from evaluation.services import evaluation_qualification_complete

    evaluation_qualification_complete(
        evaluation=closed_notice.evaluations.get(lot_number=0), by=owner)

    # --- helper-award: lot 0 of the closed notice ranked and its award decision sent --------
    award_letter = _award_world(closed_notice, owner, opened_bid)

    draft = services.notice_create(buyer=authority, by=owner, kind="national",
                                   fields=notice_fields(title="Utkast: skoleskyss"))
    saved = saved_searches.saved_search_create(user=bidder, name="Bygg",
                                               params={"cpv": "45000000"}, frequency="daily")
    event = NoticeEvent.objects.filter(notice=open_notice).earliest("pk")
    message = InboxMessage.objects.create(user=bidder, notice=open_notice, event=event,
                                          kind="change", subject="Endring", body="Endret.",
                                          created_at=now)
    _invitation, token = account_services.invitation_create(
        organization=supplier, email="ny@fjordbygg.example", role=Role.SUPPLIER_USER, by=bidder)
    from bids.models import CommitteeMember

    seat = CommitteeMember.objects.get(committee__notice=open_notice, user=members[0])
    world = World(users=users, open_notice=open_notice, closed_notice=closed_notice, draft=draft,
                  bid=bid, opened_bid=opened_bid, session=session, seat=seat,
                  document=version, question=question, saved_search=saved, message=message,
                  supplier=supplier, colleague=colleague.memberships.get(),
                  invitation_token=token, rejected_bid=rejected_bid,
                  clarification=clarification, adviser=adviser, award_letter=award_letter)
    _build_contract_block(world, owner)
    # --- criteria library (evaluation/library): an own template of the owner's authority.
    from evaluation.library.services import template_create

    world.library_template = template_create(organization=authority, by=owner, data={
        "area": "cleaning", "use": "contract", "ambition": "basic", "cpv_prefixes": ["9091"],
        "title_nb": "Mikrofiber", "title_en": "Microfibre", "text_nb": "Bruk mikrofiber.",
        "text_en": "Use microfibre.", "source": "Bergen kommune"})
    _build_ethics_block(world, owner)
    _build_audits_block(world, owner)
    return world


def _build_ethics_block(world: World, owner: Any) -> None:
    """evaluation.ethics: the closed notice carries the terms (its row, as if chosen on the
    draft) and the contract's follow-up plan is made as signing makes it."""
    from django.utils import timezone

    from evaluation.ethics.models import EthicalTerms, NoticeEthicalTerms, RiskCategory
    from evaluation.ethics.services import follow_up_plan_create

    NoticeEthicalTerms.objects.create(
        notice=world.closed_notice, terms=EthicalTerms.objects.get(version=1),
        category=RiskCategory.objects.get(code="textiles"), chosen_at=timezone.now(),
        chosen_by=owner)
    world.follow_up = follow_up_plan_create(contract=world.contract, by=owner,
                                            at=timezone.now())


def _build_audits_block(world: World, owner: Any) -> None:
    """evaluation.audits: the contract's follow-up plan (made here if evaluation.ethics has
    not made it), a completed audit, a finding, and a corrective action for the bidder."""
    import datetime

    from django.utils import timezone

    from evaluation.audits import services as audits
    from evaluation.ethics.models import EthicalTerms, FollowUpPlan, RiskCategory

    plan, _created = FollowUpPlan.objects.get_or_create(contract=world.contract, defaults={
        "terms": EthicalTerms.objects.order_by("pk").first(),
        "category": RiskCategory.objects.order_by("pk").first(),
        "self_report_due": timezone.localdate() + datetime.timedelta(days=90),
        "created_at": timezone.now()})
    today = timezone.localdate()
    world.audit = audits.audit_plan(plan=plan, by=owner, kind="desk", performed_by="own_staff",
                                    planned_on=today, purpose="Årlig.")
    audits.audit_complete(audit=world.audit, by=owner, completed_on=today, summary="Ok.")
    world.finding = audits.finding_record(audit=world.audit, by=owner, severity="minor",
                                          description="Funn.")
    world.corrective_action = audits.action_request(
        finding=world.finding, by=owner, requirement="Rett opp.",
        deadline=today + datetime.timedelta(days=30))


def _award_world(notice: Any, owner: Any, offer: Any) -> Any:
    """helper-award: the closed notice's lot 0 goes from scoring to ranked (the consensus and
    the price of its one offer; the members who never declared are not waited for), then
    the award decision is drafted and sent: letters to the bidder and the rejected bidder.
    Returns the bidder's letter."""
    from evaluation.award import services as award
    from evaluation.award.models import AwardLetter
    from evaluation.criteria.models import AwardCriterion
    from evaluation.models import EvaluationStatus
    from evaluation.scores import services as scores
    from evaluation.transitions import evaluation_flip

    evaluation = notice.evaluations.get(lot_number=0)
    evaluation_flip(evaluation, EvaluationStatus.SCORING, EvaluationStatus.CONSENSUS, by=owner,
                    at=evaluation.started_at)
    for criterion in AwardCriterion.objects.filter(notice=notice, lot_number=0):
        if criterion.kind in ("price", "cost"):
            scores.price_record(evaluation=evaluation, submission_id=offer.pk,
                                criterion_id=criterion.pk, amount="1000000",
                                document="tilbud.txt", by=owner)
        else:
            scores.consensus_record(evaluation=evaluation, submission_id=offer.pk,
                                    criterion_id=criterion.pk, points="7",
                                    justification="Godt beskrevet og realistisk plan.",
                                    by=owner)
    scores.evaluation_rank(evaluation=evaluation, by=owner)
    evaluation.notice = notice
    decision = award.award_draft(evaluation=evaluation, by=owner)
    award.award_send(decision=decision, by=owner)
    return AwardLetter.objects.get(decision=decision, submission=offer)


# --- evaluation.contract (helper "contract"): a sent decision, a contract, a complaint ------


def _build_contract_block(world: World, owner: Any) -> None:
    """Lot 0 of the closed notice: a decision sent 11 days ago (standstill over) to the
    bidder, the contract recorded (which publishes the award notice), then a complaint."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from evaluation.contract import services as contract_services

    # The decision the award block sent; the contract is signed as of the standstill end.
    decision = world.award_letter.decision
    at = decision.standstill_end
    today = timezone.localdate(at)
    world.contract = contract_services.contract_sign(
        decision=decision, supplier=world.opened_bid.supplier, title="Kontrakt",
        value="1000000", signed_on=today, starts_on=today, by=owner, now=at,
        document=SimpleUploadedFile("kontrakt.pdf", b"%PDF-1.4 kontrakt"))
    world.suspension = contract_services.suspension_record(
        notice=world.closed_notice, lot_number=0, kind="complaint", complainant="Nordlys",
        description="Klage.", received_on=today, by=owner, now=at)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Built once, inside a transaction rolled back after the module: every test's own
    savepoint nests inside it, so one request's writes never reach the next."""
    root: Path = tmp_path_factory.mktemp("route-matrix")
    from django.conf import settings

    storages = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root / "storage")}}}
    with django_db_blocker.unblock(), override_settings(
            STORAGES=storages, SEARCH_INDEX_DIR=root / "index"):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with translation.override("en"):
                built = _build_world()
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- the expected outcomes ------------------------------------------------------------------

OK, LOGIN = "ok", "login"


def r(owner: Any, other_officer: Any, member: Any, bidder: Any, other_supplier: Any,
      staff: Any, anon: Any) -> dict[str, Any]:
    return dict(zip(ACTORS, (owner, other_officer, member, bidder, other_supplier, staff, anon),
                    strict=True))


PUBLIC = r(OK, OK, OK, OK, OK, OK, OK)
SIGNED_IN_API = r(OK, OK, OK, OK, OK, OK, 401)
SIGNED_IN_WEB = r(OK, OK, OK, OK, OK, OK, LOGIN)
# The buyer's write on a public notice: others see the notice, so 403.
BUYER_API = r(OK, 403, 403, 403, 403, 403, 401)
BUYER_WEB = r(OK, 403, 403, 403, 403, 403, LOGIN)
# The buyer's write on its draft: a member of the buyer sees the draft (403), others not (404).
DRAFT_API = r(OK, 404, 403, 404, 404, 404, 401)
DRAFT_WEB = r(OK, 404, 403, 404, 404, 404, LOGIN)
# The bidder's own submission: nobody else learns that it exists.
BIDDER_API = r(404, 404, 404, OK, 404, 404, 401)
BIDDER_WEB = r(404, 404, 404, OK, 404, 404, LOGIN)
# Suppliers act (bid, ask, follow); the others are known but not allowed.
SUPPLIERS_API = r(403, 403, 403, OK, OK, 403, 401)
SUPPLIERS_WEB = r(403, 403, 403, OK, OK, 403, LOGIN)
# The opening: its existence is not public outside the buyer's editors and the committee.
OPENING_API = r(OK, 404, OK, 404, 404, 404, 401)
OPENING_WEB = r(OK, 404, OK, 404, 404, 404, LOGIN)
# The bidder's organisation's members page: its administrator and platform staff.
ORG_ADMIN_WEB = r(404, 404, 404, OK, 404, OK, LOGIN)
# A lot's evaluation (closed notice, lot 0 at the scoring step): the owner and the member have
# declared their impartiality; nobody else learns that the evaluation exists.
EVALUATION_API = r(OK, 404, OK, 404, 404, 404, 401)
EVALUATION_WEB = r(OK, 404, OK, 404, 404, 404, LOGIN)
# Individual scoring is for the committee's members: the officer runs it but does not score.
SCORER_API = r(403, 404, OK, 404, 404, 404, 401)
SCORER_WEB = r(403, 404, OK, 404, 404, 404, LOGIN)
# The evaluation (of the closed notice): not public; the owner and the member have declared
# no conflict of interest, so both see bid content; decisions are the buyer's.
DECIDE_API = r(OK, 404, 403, 404, 404, 404, 401)
DECIDE_WEB = r(OK, 404, 403, 404, 404, 404, LOGIN)
# The bidder's clarification request: the bidder and the cleared evaluators; the bidder
# answers (409 here: answered already).
CLARIFICATION_API = r(OK, 404, OK, OK, 404, 404, 401)
CLARIFICATION_WEB = r(OK, 404, OK, OK, 404, 404, LOGIN)
ANSWER_API = r(403, 404, 403, OK, 404, 404, 401)
ANSWER_WEB = r(403, 404, 403, OK, 404, 404, LOGIN)
# The other supplier's rejection letter: that supplier and the cleared evaluators.
LETTER_API = r(OK, 404, OK, 404, OK, 404, 401)
LETTER_WEB = r(OK, 404, OK, 404, OK, 404, LOGIN)
# helper-award: the bidder's award letter: the bidder and the award's readers.
AWARD_LETTER_API = r(OK, 404, OK, OK, 404, 404, 401)
AWARD_LETTER_WEB = r(OK, 404, OK, OK, 404, 404, LOGIN)
# Private things of one signed-in user (the bidder's saved search, inbox message).
OWN_API = r(404, 404, 404, OK, 404, 404, 401)
# evaluation.audits: the plan's authority (owner) and its audited supplier (the bidder).
AUDIT_READ_API = r(OK, 404, 404, OK, 404, 404, 401)
AUDIT_READ_WEB = r(OK, 404, 404, OK, 404, 404, LOGIN)
AUDIT_OWNER_API = r(OK, 404, 404, 403, 404, 404, 401)
AUDIT_OWNER_WEB = r(OK, 404, 404, 403, 404, 404, LOGIN)
AUDIT_SUPPLIER_API = r(403, 404, 404, OK, 404, 404, 401)
AUDIT_SUPPLIER_WEB = r(403, 404, 404, OK, 404, 404, LOGIN)
OWN_WEB = r(404, 404, 404, OK, 404, 404, LOGIN)

EXPECTED: dict[tuple[str, str], dict[str, Any]] = {
    # accounts API
    ("api-token", "post"): PUBLIC,
    ("api-token-revoke", "post"): SIGNED_IN_API,
    ("api-me", "get"): SIGNED_IN_API,
    ("api-supplier-signup", "post"): PUBLIC,
    # Strangers get 404 for a known and an unknown organisation alike (names stay private).
    ("api-invitation-create", "post"): r(404, 404, 404, OK, 404, OK, 401),
    ("api-token-list", "get"): SIGNED_IN_API,
    ("api-token-revoke-all", "post"): SIGNED_IN_API,
    ("api-token-detail", "delete"): OWN_API,
    ("api-invitation-accept", "post"): PUBLIC,
    # notices API
    ("api-notice-list", "get"): PUBLIC,
    ("api-notice-list", "post"): r(OK, OK, 403, 403, 403, 403, 401),
    ("api-notice-detail", "get"): r(OK, 404, OK, 404, 404, 404, 404),  # the draft
    ("api-notice-detail", "patch"): DRAFT_API,
    ("api-notice-detail", "delete"): DRAFT_API,
    ("api-notice-publish", "post"): DRAFT_API,
    ("api-notice-kind", "post"): DRAFT_API,
    ("api-notice-change", "post"): BUYER_API,
    ("api-notice-versions", "get"): PUBLIC,
    ("api-notice-documents", "get"): PUBLIC,
    ("api-notice-documents", "post"): BUYER_API,
    ("api-document-download", "get"): PUBLIC,
    ("api-notice-ocds", "get"): PUBLIC,
    ("api-ocds-releases", "get"): PUBLIC,
    ("api-ocds-record", "get"): PUBLIC,
    ("api-notice-eforms", "get"): PUBLIC,
    ("api-notice-follow", "get"): SIGNED_IN_API,
    ("api-notice-follow", "post"): SUPPLIERS_API,
    ("api-notice-follow", "delete"): SIGNED_IN_API,
    ("api-inbox", "get"): SIGNED_IN_API,
    ("api-inbox-read", "post"): SIGNED_IN_API,
    ("api-inbox-message-read", "post"): OWN_API,
    ("api-saved-searches", "get"): SIGNED_IN_API,
    ("api-saved-searches", "post"): SIGNED_IN_API,
    ("api-saved-search", "get"): OWN_API,
    ("api-saved-search", "patch"): OWN_API,
    ("api-saved-search", "delete"): OWN_API,
    ("api-notice-questions", "get"): PUBLIC,
    ("api-notice-questions", "post"): SUPPLIERS_API,
    # Questions are private to the asker and the buyer; a committee member of the buyer
    # sees them but does not answer.
    ("api-question-answer", "post"): r(OK, 404, 403, 404, 404, 404, 401),
    ("api-question-merge", "post"): r(OK, 404, 403, 404, 404, 404, 401),
    ("api-notice-extend-deadline", "post"): BUYER_API,
    ("api-codes-cpv", "get"): PUBLIC,
    ("api-codes-nuts", "get"): PUBLIC,
    # bids API: the committee is public, the buyer manages it, a seat's key is its member's
    ("bids-committee", "get"): PUBLIC,
    ("bids-committee", "put"): BUYER_API,
    ("bids-committee-key", "get"): r(404, 404, OK, 404, 404, 404, 401),
    ("bids-committee-key", "put"): r(403, 403, OK, 403, 403, 403, 401),
    ("bids-committee-remove", "post"): BUYER_API,
    ("bids-manifests", "get"): PUBLIC,
    ("bids-manifests", "post"): BUYER_API,
    # Before the deadline the authority sees nothing of the bids (403 "sealed").
    ("bids-submissions", "get"): r(403, 403, 403, OK, OK, 403, 401),
    ("bids-submissions", "post"): SUPPLIERS_API,
    ("bids-server-sealed", "post"): SUPPLIERS_API,
    ("bids-submission", "get"): BIDDER_API,
    ("bids-parts", "get"): BIDDER_API,
    ("bids-part", "put"): BIDDER_API,
    ("bids-shares", "post"): BIDDER_API,
    ("bids-finalize", "post"): BIDDER_API,
    ("bids-blob", "put"): BIDDER_API,
    ("bids-withdraw", "post"): BIDDER_API,
    ("bids-receipt", "get"): BIDDER_API,
    ("bids-receipt-html", "get"): BIDDER_API,
    ("bids-inclusion-proof", "get"): BIDDER_API,
    ("bids-keys", "get"): PUBLIC,
    ("bids-scripts", "get"): PUBLIC,
    ("bids-log-sth", "get"): PUBLIC,
    ("bids-log-consistency", "get"): PUBLIC,
    ("bids-log-entry", "get"): PUBLIC,
    # the opening (of the closed notice)
    ("bids-opening-start", "post"): BUYER_API,
    ("bids-opening", "get"): OPENING_API,
    ("bids-opening-my-shares", "get"): r(403, 404, OK, 404, 404, 404, 401),
    ("bids-opening-shares", "post"): r(403, 404, OK, 404, 404, 404, 401),
    ("bids-opening-resume", "post"): OPENING_API,
    ("bids-opening-renew-key", "post"): r(OK, 404, 403, 404, 404, 404, 401),
    ("bids-opened-tar", "get"): OPENING_API,
    ("bids-opened-file", "get"): OPENING_API,
    # the evaluation of a lot: prices, blind scores, consensus, ranking (evaluation/scores)
    ("api-evaluation-prices", "get"): EVALUATION_API,
    ("api-evaluation-prices", "post"): EVALUATION_API,
    ("api-evaluation-prices-import", "post"): EVALUATION_API,
    ("api-evaluation-scores", "get"): EVALUATION_API,
    ("api-evaluation-scores", "put"): SCORER_API,
    ("api-evaluation-scores-submit", "post"): SCORER_API,
    ("api-evaluation-scoring-complete", "post"): EVALUATION_API,
    ("api-evaluation-consensus", "get"): EVALUATION_API,
    ("api-evaluation-consensus", "post"): EVALUATION_API,
    ("api-evaluation-ranking", "get"): EVALUATION_API,
    ("api-evaluation-ranking", "post"): EVALUATION_API,
    ("api-evaluation-reopen", "post"): EVALUATION_API,
    ("scores:prices", "get"): EVALUATION_WEB,
    ("scores:prices", "post"): EVALUATION_WEB,
    ("scores:prices-import", "post"): EVALUATION_WEB,
    ("scores:scores", "get"): EVALUATION_WEB,
    ("scores:scores", "post"): SCORER_WEB,
    ("scores:scoring-complete", "post"): EVALUATION_WEB,
    ("scores:consensus", "get"): EVALUATION_WEB,
    ("scores:consensus", "post"): EVALUATION_WEB,
    ("scores:ranking", "get"): EVALUATION_WEB,
    ("scores:ranking", "post"): EVALUATION_WEB,
    ("scores:reopen", "post"): EVALUATION_WEB,
    # ESPD (evaluation/espd): the request is public with the notice; suppliers build and
    # check responses (nothing stored); a bid's answers after opening are for evaluators who
    # declared no conflict of interest (the owner and
    # the member have, in scoring_world), 404 for everyone else.
    ("api-espd-request", "get"): PUBLIC,
    ("api-espd-response-build", "post"): SUPPLIERS_API,
    ("api-espd-response-check", "post"): SUPPLIERS_API,
    ("api-espd-answers", "get"): r(OK, 404, OK, 404, 404, 404, 401),
    # helper-award: the award decision of the closed notice's lot 0 (ranked, decision sent):
    # seen by the owner and the cleared member, decided by the cleared officer only.
    ("api-award", "get"): EVALUATION_API,
    ("api-award", "post"): DECIDE_API,
    ("api-award-draft", "put"): DECIDE_API,
    ("api-award-send", "post"): DECIDE_API,
    ("api-award-withdraw", "post"): DECIDE_API,
    ("api-award-lot-letters", "get"): EVALUATION_API,
    ("api-award-letters", "get"): SIGNED_IN_API,
    ("api-award-letter", "get"): AWARD_LETTER_API,
    ("api-award-letter-pdf", "get"): AWARD_LETTER_API,
    ("award:lot", "get"): EVALUATION_WEB,
    ("award:draft", "post"): DECIDE_WEB,
    ("award:update", "post"): DECIDE_WEB,
    ("award:send", "post"): DECIDE_WEB,
    ("award:withdraw", "post"): DECIDE_WEB,
    ("award:letter", "get"): AWARD_LETTER_WEB,
    ("award:letter-pdf", "get"): AWARD_LETTER_WEB,
    # evaluation API (the closed notice)
    ("api-evaluation", "get"): EVALUATION_API,
    ("api-evaluation-start", "post"): DECIDE_API,
    ("api-evaluation-declare", "post"): EVALUATION_API,
    ("api-evaluation-advisers", "get"): EVALUATION_API,
    ("api-evaluation-advisers", "post"): DECIDE_API,
    ("api-evaluation-adviser-remove", "post"): DECIDE_API,
    ("api-evaluation-grounds", "get"): EVALUATION_API,
    ("api-evaluation-qualification", "get"): EVALUATION_API,
    ("api-evaluation-complete", "post"): DECIDE_API,
    ("api-evaluation-abnormally-low", "get"): EVALUATION_API,
    ("api-evaluation-abnormally-low-ask", "post"): EVALUATION_API,
    ("api-evaluation-abnormally-low-accept", "post"): DECIDE_API,
    ("api-evaluation-bid", "get"): EVALUATION_API,
    ("api-evaluation-assess", "post"): EVALUATION_API,
    ("api-evaluation-clarify", "post"): EVALUATION_API,
    ("api-evaluation-reject", "post"): DECIDE_API,
    ("api-evaluation-rejection", "get"): LETTER_API,
    ("api-evaluation-bid-file", "get"): EVALUATION_API,
    # A supplier's own requests on the notice (possibly none); the committee sees them per bid.
    ("api-evaluation-clarifications", "get"): r(403, 403, 403, OK, OK, 403, 401),
    ("api-evaluation-clarification", "get"): CLARIFICATION_API,
    ("api-evaluation-clarification-answer", "post"): ANSWER_API,
    ("api-evaluation-clarification-attachment", "get"): CLARIFICATION_API,
    # evaluation web
    ("evaluation:overview", "get"): EVALUATION_WEB,
    ("evaluation:start", "post"): DECIDE_WEB,
    ("evaluation:declare", "post"): EVALUATION_WEB,
    ("evaluation:adviser-add", "post"): DECIDE_WEB,
    ("evaluation:adviser-remove", "post"): DECIDE_WEB,
    ("evaluation:qualification", "get"): EVALUATION_WEB,
    ("evaluation:complete", "post"): DECIDE_WEB,
    ("evaluation:abnormally-low", "get"): EVALUATION_WEB,
    ("evaluation:abnormally-low-ask", "post"): EVALUATION_WEB,
    ("evaluation:abnormally-low-accept", "post"): DECIDE_WEB,
    ("evaluation:bid", "get"): EVALUATION_WEB,
    ("evaluation:assess", "post"): EVALUATION_WEB,
    ("evaluation:clarify", "post"): EVALUATION_WEB,
    ("evaluation:reject", "post"): DECIDE_WEB,
    ("evaluation:bid-file", "get"): EVALUATION_WEB,
    ("evaluation:letter", "get"): LETTER_WEB,
    ("evaluation:clarification", "get"): CLARIFICATION_WEB,
    ("evaluation:clarification", "post"): ANSWER_WEB,
    ("evaluation:clarification-attachment", "get"): CLARIFICATION_WEB,
    # accounts web
    ("accounts:account", "get"): SIGNED_IN_WEB,
    ("accounts:account", "post"): SIGNED_IN_WEB,
    ("accounts:login", "get"): PUBLIC,
    ("accounts:login", "post"): PUBLIC,
    ("accounts:logout", "post"): PUBLIC,
    ("accounts:signup", "get"): PUBLIC,
    ("accounts:signup", "post"): PUBLIC,
    ("accounts:invitation", "get"): PUBLIC,
    ("accounts:invitation", "post"): PUBLIC,
    ("accounts:members", "get"): ORG_ADMIN_WEB,
    ("accounts:members", "post"): ORG_ADMIN_WEB,
    ("accounts:member-remove", "post"): ORG_ADMIN_WEB,
    ("accounts:api-token", "get"): SIGNED_IN_WEB,
    ("accounts:api-token", "post"): SIGNED_IN_WEB,
    ("accounts:password_reset", "get"): PUBLIC,
    ("accounts:password_reset", "post"): PUBLIC,
    ("accounts:password_reset", "put"): PUBLIC,
    ("accounts:password_reset_done", "get"): PUBLIC,
    ("accounts:password_reset_confirm", "get"): PUBLIC,
    ("accounts:password_reset_confirm", "post"): PUBLIC,
    ("accounts:password_reset_confirm", "put"): PUBLIC,
    ("accounts:password_reset_complete", "get"): PUBLIC,
    # feeds (a saved search's feed: its secret token is the credential)
    ("feeds:notices", "get"): PUBLIC,
    ("opendata:open-data", "get"): PUBLIC,
    ("opendata:open-data-file", "get"): PUBLIC,
    ("feeds:cpv", "get"): PUBLIC,
    ("feeds:saved", "get"): PUBLIC,
    # following web
    ("following:inbox", "get"): SIGNED_IN_WEB,
    ("following:inbox-read", "post"): SIGNED_IN_WEB,
    ("following:saved-searches", "get"): SIGNED_IN_WEB,
    ("following:saved-searches", "post"): SIGNED_IN_WEB,
    ("following:saved-search-delete", "post"): OWN_WEB,
    # the view reports a refused follow as a message on the notice page (redirect)
    ("following:follow", "post"): SIGNED_IN_WEB,
    # questions web
    ("questions:question-ask", "get"): SUPPLIERS_WEB,
    ("questions:question-ask", "post"): SUPPLIERS_WEB,
    ("questions:question-queue", "get"): r(OK, 404, OK, 404, 404, 404, LOGIN),
    ("questions:extend-deadline", "post"): r(OK, 404, 403, 404, 404, 404, LOGIN),
    ("questions:question-answer", "post"): r(OK, 404, 403, 404, 404, 404, LOGIN),
    ("questions:question-merge", "post"): r(OK, 404, 403, 404, 404, 404, LOGIN),
    # bids web
    ("bids:committee", "get"): r(OK, 403, OK, 403, 403, 403, LOGIN),
    ("bids:committee", "post"): BUYER_WEB,
    ("bids:committee-remind", "post"): BUYER_WEB,
    ("bids:tasks", "get"): SIGNED_IN_WEB,
    ("bids:enrol", "get"): r(404, 404, OK, 404, 404, 404, LOGIN),
    ("bids:enrol", "post"): r(404, 404, OK, 404, 404, 404, LOGIN),
    ("bids:bid", "get"): SUPPLIERS_WEB,
    ("bids:withdraw", "post"): BIDDER_WEB,
    ("bids:receipt", "get"): BIDDER_WEB,
    ("bids:opening", "get"): OPENING_WEB,
    ("bids:opening-start", "post"): r(OK, 404, 403, 404, 404, 404, LOGIN),
    ("bids:opening-resume", "post"): OPENING_WEB,
    ("bids:protocol", "get"): OPENING_WEB,
    ("bids:protocol-pdf", "get"): OPENING_WEB,
    ("bids:opened-tar", "get"): OPENING_WEB,
    ("bids:opened-file", "get"): OPENING_WEB,
    # notices web
    ("notices:list", "get"): PUBLIC,
    ("notices:detail", "get"): PUBLIC,
    ("notices:document-download", "get"): PUBLIC,
    ("notices:workspace", "get"): SIGNED_IN_WEB,
    ("notices:workspace-notice-create", "get"): r(OK, OK, 403, 403, 403, 403, LOGIN),
    ("notices:workspace-notice-create", "post"): r(OK, OK, 403, 403, 403, 403, LOGIN),
    # eForms upload: officers of an authority import their own notices (issue 12).
    ("opendata:eforms-import", "get"): r(OK, OK, 403, 403, 403, 403, LOGIN),
    ("opendata:eforms-import", "post"): r(OK, OK, 403, 403, 403, 403, LOGIN),
    ("notices:workspace-notice-preview", "get"): DRAFT_WEB,
    ("notices:workspace-notice-edit", "get"): DRAFT_WEB,
    ("notices:workspace-notice-edit", "post"): DRAFT_WEB,
    ("notices:workspace-notice-publish", "post"): DRAFT_WEB,
    ("notices:workspace-notice-kind", "post"): DRAFT_WEB,
    ("notices:workspace-notice-documents", "get"): DRAFT_WEB,
    ("notices:workspace-notice-documents", "post"): DRAFT_WEB,
    ("notices:workspace-notice-change", "get"): BUYER_WEB,
    ("notices:workspace-notice-change", "post"): BUYER_WEB,
    ("notices:workspace-notice-delete", "get"): DRAFT_WEB,
    ("notices:workspace-notice-delete", "post"): DRAFT_WEB,
    # evaluation: the evaluation model on the notice (public once published; the buyer's
    # editors change it; the buyer's people, committee members too, simulate offers)
    ("evaluation-api:model", "get"): PUBLIC,
    ("evaluation-api:model", "put"): BUYER_API,
    ("evaluation-api:model-change", "post"): BUYER_API,
    ("evaluation-api:model-simulate", "post"): r(OK, 403, OK, 403, 403, 403, 401),
    ("evaluation:criteria-model", "get"): BUYER_WEB,
    ("evaluation:criteria-lot", "get"): BUYER_WEB,
    ("evaluation:criteria-lot", "post"): BUYER_WEB,
    ("evaluation:criteria-requirements", "get"): BUYER_WEB,
    ("evaluation:criteria-requirements", "post"): BUYER_WEB,
    ("evaluation:criteria-simulate", "get"): r(OK, 403, OK, 403, 403, 403, LOGIN),
    ("evaluation:criteria-simulate", "post"): r(OK, 403, OK, 403, 403, 403, LOGIN),
    # evaluation.contract (closed notice, lot 0): the award readers see the contract page and
    # the signed document; only the buyer's editors act (the cleared member: 403).
    ("contract:lot", "get"): EVALUATION_WEB,
    ("contract:suspension-record", "post"): DECIDE_WEB,
    ("contract:suspension-lift", "post"): DECIDE_WEB,
    ("contract:sign", "post"): DECIDE_WEB,
    ("contract:document", "get"): EVALUATION_WEB,
    ("contract:award-notice-publish", "post"): DECIDE_WEB,
    ("api-contract-lot", "get"): EVALUATION_API,
    ("api-contract-suspensions", "post"): DECIDE_API,
    ("api-contract-suspension-lift", "post"): DECIDE_API,
    ("api-contract-sign", "post"): DECIDE_API,
    ("api-contract-document", "get"): EVALUATION_API,
    ("api-contract-award-notice", "post"): DECIDE_API,
    # The supplier's company size: its administrators (and platform staff), like its members.
    ("accounts:company-size", "post"): ORG_ADMIN_WEB,
    # --- helper "protocol": the procurement protocol, the cancellation, the dashboard ------
    # The protocol (closed notice) quotes bid content and scores: the buyer's editors and the
    # cleared evaluators (the owner and the member have declared); 404 for everyone else.
    ("evaluation:protocol", "get"): EVALUATION_WEB,
    ("evaluation:protocol-pdf", "get"): EVALUATION_WEB,
    ("api-evaluation-protocol", "get"): EVALUATION_API,
    ("api-evaluation-protocol-pdf", "get"): EVALUATION_API,
    # Cancelling the (public) closed notice: the buyer's editors (an empty form is a 400).
    ("evaluation:cancel", "get"): BUYER_WEB,
    ("evaluation:cancel", "post"): BUYER_WEB,
    ("api-evaluation-cancel", "post"): BUYER_API,
    # The dashboard: officers of an authority, each their own organisations' procurements.
    ("evaluation:dashboard", "get"): r(OK, OK, 403, 403, 403, 403, LOGIN),
    ("api-evaluation-dashboard", "get"): r(OK, OK, 403, 403, 403, 403, 401),
    # criteria library (evaluation/library): the national library is public; an authority's
    # own templates are its people's, kept by its editors; copying into a draft: its editors
    # public statistics (evaluation/statistics): public data only, no account needed.
    ("evaluation:statistics", "get"): PUBLIC,
    ("evaluation-api:statistics", "get"): PUBLIC,
    ("evaluation-api:statistics-csv", "get"): PUBLIC,
    ("evaluation-api:library-templates", "get"): PUBLIC,
    ("evaluation-api:library-templates", "post"): SIGNED_IN_API,
    ("evaluation-api:library-template", "get"): r(OK, 404, OK, 404, 404, 404, 404),
    ("evaluation-api:library-template", "post"): r(OK, 404, 403, 404, 404, 404, 401),
    ("evaluation-api:library-suggestions", "get"): PUBLIC,
    ("evaluation-api:library-apply", "post"): DRAFT_API,
    ("evaluation:library-apply", "post"): DRAFT_WEB,
    ("evaluation:library-clause-remove", "post"): DRAFT_WEB,
    ("evaluation:library-own", "get"): r(OK, OK, 403, 403, 403, 403, LOGIN),
    ("evaluation:library-own", "post"): r(OK, OK, 403, 403, 403, 403, LOGIN),
    ("evaluation:library-own-version", "get"): r(OK, 404, 403, 403, 403, 403, LOGIN),
    ("evaluation:library-own-version", "post"): r(OK, 404, 403, 403, 403, 403, LOGIN),
    # --- evaluation.ethics: the terms on a draft (the owner's editors), and the follow-up of
    # the closed notice's contract: the buyer's members read (the member too), its editors
    # review and close, the contracted supplier (the bidder) reports; nobody else learns that
    # the plan exists. POST/PUT with an empty body: 400 or 409 (past the permission check).
    ("evaluation:ethical-terms", "get"): DRAFT_WEB,
    ("evaluation:ethical-terms", "post"): DRAFT_WEB,
    ("evaluation-api:ethical-terms", "get"): DRAFT_API,
    ("evaluation-api:ethical-terms", "put"): DRAFT_API,
    ("evaluation-api:ethical-terms", "delete"): DRAFT_API,
    ("evaluation:follow-ups", "get"): SIGNED_IN_WEB,
    ("evaluation-api:follow-ups", "get"): SIGNED_IN_API,
    ("evaluation:follow-up", "get"): r(OK, 404, OK, OK, 404, 404, LOGIN),
    ("evaluation-api:follow-up", "get"): r(OK, 404, OK, OK, 404, 404, 401),
    ("evaluation:follow-up-report", "post"): r(403, 404, 403, OK, 404, 404, LOGIN),
    ("evaluation-api:follow-up-report", "put"): r(403, 404, 403, OK, 404, 404, 401),
    ("evaluation-api:follow-up-report-submit", "post"): r(403, 404, 403, OK, 404, 404, 401),
    ("evaluation:follow-up-review", "post"): r(OK, 404, 403, 403, 404, 404, LOGIN),
    ("evaluation-api:follow-up-review", "post"): r(OK, 404, 403, 403, 404, 404, 401),
    ("evaluation:follow-up-close", "post"): r(OK, 404, 403, 403, 404, 404, LOGIN),
    ("evaluation-api:follow-up-close", "post"): r(OK, 404, 403, 403, 404, 404, 401),
    # --- evaluation.audits: the contract's follow-up plan belongs to the owner's authority
    # and its supplier (the bidder); nobody else's (404); the supplier sees but does not
    # decide (403), and only the supplier proposes a corrective action plan. Empty bodies
    # are a 400 (API) or a redirect back with the message (web).
    ("audits:plan", "get"): AUDIT_READ_WEB,
    ("audits:plan-audit", "post"): AUDIT_OWNER_WEB,
    ("audits:rely", "post"): AUDIT_OWNER_WEB,
    ("audits:published", "get"): PUBLIC,
    ("audits:audit", "get"): AUDIT_READ_WEB,
    ("audits:complete", "post"): AUDIT_OWNER_WEB,
    ("audits:cancel", "post"): AUDIT_OWNER_WEB,
    # Each signed-in person's own overview (shared with their authority, about their firm).
    ("audits:overview", "get"): SIGNED_IN_WEB,
    ("audits:finding", "post"): AUDIT_OWNER_WEB,
    ("audits:sanction", "post"): AUDIT_OWNER_WEB,
    ("audits:share", "post"): AUDIT_OWNER_WEB,
    ("audits:publish", "post"): AUDIT_OWNER_WEB,
    ("audits:action-request", "post"): AUDIT_OWNER_WEB,
    ("audits:action-propose", "post"): AUDIT_SUPPLIER_WEB,
    ("audits:action-accept", "post"): AUDIT_OWNER_WEB,
    ("audits:action-reject", "post"): AUDIT_OWNER_WEB,
    ("audits:action-close", "post"): AUDIT_OWNER_WEB,
    # The completion report: the supplier reports, the owner accepts it or asks for more.
    ("audits:action-report", "post"): AUDIT_SUPPLIER_WEB,
    ("audits:action-report-accept", "post"): AUDIT_OWNER_WEB,
    ("audits:action-report-return", "post"): AUDIT_OWNER_WEB,
    ("api-audits-plan", "get"): AUDIT_READ_API,
    ("api-audits-plan", "post"): AUDIT_OWNER_API,
    ("api-audits-rely", "post"): AUDIT_OWNER_API,
    ("api-audits-published", "get"): PUBLIC,
    ("api-audit", "get"): AUDIT_READ_API,
    ("api-audit-complete", "post"): AUDIT_OWNER_API,
    ("api-audit-cancel", "post"): AUDIT_OWNER_API,
    ("api-audit-findings", "post"): AUDIT_OWNER_API,
    ("api-audit-sanctions", "post"): AUDIT_OWNER_API,
    ("api-audit-shares", "post"): AUDIT_OWNER_API,
    ("api-audit-publish", "post"): AUDIT_OWNER_API,
    ("api-audit-action-request", "post"): AUDIT_OWNER_API,
    ("api-audit-action-propose", "post"): AUDIT_SUPPLIER_API,
    ("api-audit-action-accept", "post"): AUDIT_OWNER_API,
    ("api-audit-action-reject", "post"): AUDIT_OWNER_API,
    ("api-audit-action-close", "post"): AUDIT_OWNER_API,
    ("api-audit-action-report", "post"): AUDIT_SUPPLIER_API,
    ("api-audit-action-report-accept", "post"): AUDIT_OWNER_API,
    ("api-audit-action-report-return", "post"): AUDIT_OWNER_API,
    # --- prod: health checks (backend/health.py), public and without data ---
    ("healthz", "get"): PUBLIC,
    ("readyz", "get"): PUBLIC,
}

# Which object each route is asked about (the rest: the open notice).
DRAFT_ROUTES = {"api-notice-detail", "api-notice-publish", "api-notice-kind",
                "notices:workspace-notice-preview", "notices:workspace-notice-kind",
                "notices:workspace-notice-edit", "notices:workspace-notice-publish",
                "notices:workspace-notice-documents", "notices:workspace-notice-delete",
                # criteria library
                "evaluation-api:library-apply", "evaluation:library-apply",
                "evaluation:library-clause-remove",
                # ethical trade
                "evaluation:ethical-terms", "evaluation-api:ethical-terms"}
CLOSED_ROUTES = {"bids-opening-start", "bids:opening", "bids:opening-start",
                 "bids:opening-resume", "bids:protocol", "bids:protocol-pdf", "bids:opened-tar",
                 "bids:opened-file", "api-espd-answers"}
SCORES_ROUTES = {name for name, _method in EXPECTED
                 if name.startswith(("api-evaluation-", "scores:", "api-award", "award:"))}
CLOSED_ROUTES |= SCORES_ROUTES
CLOSED_ROUTES |= {name for name, _method in EXPECTED
                  if name.startswith(("contract:", "api-contract-"))}  # evaluation.contract


LETTER_ROUTES = {"evaluation:letter", "api-evaluation-rejection"}


def _kwargs(world: World, route: Route) -> dict[str, Any]:
    name = route.name
    evaluation = name.startswith(("evaluation:", "api-evaluation"))
    notice = (world.draft if name in DRAFT_ROUTES
              else world.closed_notice if name in CLOSED_ROUTES or evaluation
              else world.open_notice)
    submission = (world.rejected_bid if name in LETTER_ROUTES
                  else world.opened_bid if name in CLOSED_ROUTES or "opened" in name
                  or evaluation else world.bid)
    values = {
        "pk": notice.pk, "notice_id": notice.pk, "submission_id": submission.pk,
        "member_id": world.seat.pk, "document_id": world.document.document_id,
        "number": world.document.number, "index": 0, "session_id": world.session.pk,
        "question_id": world.question.pk, "org_id": world.supplier.pk,
        "membership_id": world.colleague.pk, "token": world.invitation_token,
        "uidb64": "MQ", "division": "45", "lot": 0,
        "adviser_id": world.adviser.pk, "clarification_id": world.clarification.pk,
        "letter_id": world.award_letter.pk,
        "contract_id": world.contract.pk, "suspension_id": world.suspension.pk,
    }
    values["key"] = world.library_template.key
    values["plan_id"] = world.follow_up.pk
    values.update(plan_id=world.audit.plan_id, audit_id=world.audit.pk,
                  finding_id=world.finding.pk, action_id=world.corrective_action.pk)
    values["position"] = 1
    if name == "feeds:saved":
        values["token"] = world.saved_search.feed_token
    if name in ("api-saved-search", "following:saved-search-delete"):
        values["pk"] = world.saved_search.pk
    if name == "api-inbox-message-read":
        values["pk"] = world.message.pk
    if name in ("api-question-answer", "api-question-merge"):
        values["pk"] = world.question.pk
    if name == "api-ocds-record":
        from notices.exports.ocds import ocid

        values["ocid"] = ocid(notice)
    if name == "opendata:open-data-file":
        # The day's exports of the open notice (written inside the row's savepoint).
        from django.utils import timezone

        from notices.exports.opendata import open_data_export_day

        day = timezone.localdate(notice.published_at)
        open_data_export_day(day=day)
        values.update(day=day.isoformat(), format="ocds")
    if name == "accounts:password_reset_confirm":
        values["token"] = "set-password"
    if name == "api-token-detail":
        # One of the bidder's own API tokens (made inside the row's savepoint).
        from accounts.services import api_token_create

        token, _secret = api_token_create(user=world.users["bidder"], name="matrix")
        values["token_id"] = token.public_id
    import re

    wanted = re.findall(r"<(?:\w+:)?(\w+)>", route.pattern)
    return {key: values[key] for key in wanted}


def _url(route: Route, kwargs: dict[str, Any]) -> str:
    from django.urls import reverse

    return reverse(route.name, kwargs=kwargs)


CASES = [(route, method, actor) for route in routes() for method in route.methods
         for actor in ACTORS]


def test_it_has_an_expected_outcome_for_every_route_and_method() -> None:
    missing = sorted({(route.name, method) for route, method, _actor in CASES}
                     - set(EXPECTED))
    assert not missing, f"routes without a row in EXPECTED: {missing}"
    stale = sorted(set(EXPECTED) - {(route.name, method) for route, method, _a in CASES})
    assert not stale, f"rows in EXPECTED for routes that no longer exist: {stale}"


ALLOWED = {200, 201, 204, 302, 400, 409}


@pytest.mark.parametrize(("route", "method", "actor"), CASES,
                         ids=[f"{r.name}-{m}-{a}" for r, m, a in CASES])
def test_it_gives_each_actor_the_expected_status(world: World, db: Any, route: Route,
                                                  method: str, actor: str) -> None:
    expected = EXPECTED.get((route.name, method))
    if expected is None:
        pytest.fail(f"{route.name} {method.upper()} has no row in EXPECTED")
    want = expected[actor]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if world.users[actor] is not None:
        client.force_login(world.users[actor])
    url = _url(route, _kwargs(world, route))
    response = getattr(client, method)(url, content_type="application/json") \
        if method in ("put", "patch", "delete") else getattr(client, method)(url)
    got = response.status_code
    where = f"{method.upper()} {url} as {actor}: got {got}"
    location = response.headers.get("Location", "")
    if want == OK:
        assert got in ALLOWED, where
        assert not (got == 302 and "/accounts/login/" in location), f"{where} (to sign-in)"
    elif want == LOGIN:
        assert got == 302 and "/accounts/login/" in location, f"{where} -> {location}"
    else:
        assert got == want, where
        if got == 401:
            assert response.headers.get("WWW-Authenticate"), f"{where} without WWW-Authenticate"
