"""A whole procurement through the HTTP API alone, as real API clients drive it.

From a new notice to the published award notice: the draft with its evaluation model and
opening committee, the members' keys enrolled, publication, a question answered publicly, two
bids sealed on the suppliers' side and a late one refused, the opening by k of n members, the
declarations of impartiality, qualification, prices, blind scoring, consensus and the ranking;
then the award decision drafted from the ranking and sent to both bidders at once, each
reading its letter and PDF, signing refused during the standstill period and while a
complaint is open, the contract with its document's SHA-256, the award notice on the public
board (and its eForms E4), and the procurement protocol.

The actors are created directly (users and organisations, as the fixtures do); everything
after that is an HTTP request with a token obtained by signing in through the API
(`POST /api/auth/token/`), and every answer is checked against the OpenAPI schema. Clients
do what the browser and the command-line client do on their side: the suppliers seal their
bids with crypto.envelope, the members wrap their keys with their passphrase, unwrap them
again at the opening, open their shares and re-seal them to the opening session's key.

The places the test reaches around the API are the clock: `Procedure.pass_deadline` moves
the notice's deadline to the database's "now", standing for the passing of three weeks, and
`Procedure.standstill` moves the standstill end likewise, standing for ten days.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import CompanySize, Organization, OrganizationKind, Role, User
from backend.clock import db_now
from bids.opening.services import reseal_share
from crypto.envelope import TarEntry, seal_entries
from crypto.member_keys import generate_member_key, unwrap_member_key, wrap_member_key
from crypto.receipts import verify_receipt
from crypto.shares import open_share
from evaluation.award.models import AwardDecision
from notices.models import Notice
from tests.bids.conftest import bid_storage  # noqa: F401 (fixture: bids stored in tmp_path)
from tests.bids.test_api_schema_conformance import conforms
from tests.conftest import make_org, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
CONTRACT_PDF = b"%PDF-1.4 Rammeavtale signert av Bergen kommune og Fjordbygg AS"
PASSPHRASE = "komiteens lange og hemmelige passfrase"
QUALITY_SCALE = "0: ikke besvart; 5: tilfredsstillende; 10: svært godt."
REASON = "Gjennomføringsplanen er konkret, med navngitt bemanning og realistisk framdrift."


@pytest.fixture(autouse=True)
def private_storage(settings: Any, tmp_path: Any) -> None:
    """Opened bids in this test's own private folder."""
    root = tmp_path / "private"
    root.mkdir(mode=0o700)
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root), "file_permissions_mode": 0o600,
                    "directory_permissions_mode": 0o700}}}


# --- the actors and how they call the API ------------------------------------------------------


@dataclass
class Actor:
    """A person with an API client signed in through the API (a knox token of their own)."""

    name: str
    user: User
    client: APIClient
    org: Organization | None = None
    # A committee member's device: the key stays here; the server gets it wrapped.
    passphrase: str = ""


def sign_in(name: str, user: User, org: Organization | None = None) -> Actor:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    answer = client.post("/api/auth/token/", {"email": user.email, "password": PASSWORD,
                                              "name": "lifecycle test"}, format="json")
    assert answer.status_code == 201, answer.content
    token = answer.json()["token"]
    assert token and answer.json()["name"] == "lifecycle test"
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/me/")
    assert me.status_code == 200 and me.json()["email"] == user.email
    return Actor(name=name, user=user, client=client, org=org)


class Api:
    """Calls a route as an actor and checks the answer (status, headers, body) against the
    OpenAPI schema; returns the JSON body."""

    def __init__(self, openapi: Any) -> None:
        self.openapi = openapi

    def __call__(self, actor: Actor, method: str, template: str, body: Any = None, *,
                 expected: int, **params: Any) -> Any:
        url = template.format(**params)
        send = getattr(actor.client, method.lower())
        answer = send(url, body, format="json") if body is not None else send(url)
        return conforms(self.openapi, method.upper(), template, answer, expected)

    def download(self, actor: Actor, template: str, **params: Any) -> bytes:
        """GET a file (200, opaque bytes) checked against the schema; returns its bytes."""
        answer: Any = actor.client.get(template.format(**params))
        assert answer.status_code == 200, answer.content[:500]
        content = b"".join(answer.streaming_content) if answer.streaming else answer.content
        if answer.streaming:
            answer.streaming_content = [content]
        conforms(self.openapi, "GET", template, answer, 200)
        return content

    def raw(self, actor: Actor, method: str, template: str, *, expected: int,
            data: bytes, headers: dict[str, str], **params: Any) -> Any:
        """A request whose body is raw bytes (upload parts)."""
        url = template.format(**params)
        answer = getattr(actor.client, method.lower())(
            url, data=data, content_type="application/octet-stream", **headers)
        return conforms(self.openapi, method.upper(), template, answer, expected)


@dataclass
class Sealed:
    blob: bytes
    shares: dict[str, Any]
    digest: dict[str, Any]


def seal(started: dict[str, Any], files: dict[str, bytes]) -> Sealed:
    """What the supplier's client does: seal the files to the manifest the server issued."""
    out = io.BytesIO()
    sealed = seal_entries(
        [TarEntry(name, len(data), 1_767_225_600, io.BytesIO(data))
         for name, data in files.items()],
        manifest=started["manifest"], context=started["context"], out=out,
        expected_manifest_hash=started["manifest_hash"])
    digest = sealed.digest.as_json()
    return Sealed(out.getvalue(), sealed.shares_document(),
                  {k: digest[k] for k in ("header_hash", "root", "size", "chunks")})


# --- the procedure, one method per step ---------------------------------------------------------

N = "/api/notices/{notice_id}"
SUB = N + "/submissions/{submission_id}"
LOT = N + "/evaluation/lots/{lot}"
OPENING = "/api/openings/{session_id}"


@dataclass
class Procedure:
    api: Api
    officer: Actor
    members: list[Actor]
    suppliers: list[Actor]
    on_commit: Callable[..., Any]
    notice_id: int = 0
    lot: int = 0
    requirement_id: int = 0
    criteria: dict[str, int] = field(default_factory=dict)
    bids: dict[str, str] = field(default_factory=dict)  # supplier actor name -> submission id
    receipts: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, dict[str, bytes]] = field(default_factory=dict)
    file_index: dict[str, dict[str, int]] = field(default_factory=dict)
    session_id: str = ""

    def call(self, actor: Actor, method: str, template: str, body: Any = None, *,
             expected: int = 200, **params: Any) -> Any:
        params = {"notice_id": self.notice_id, "id": self.notice_id, "lot": self.lot,
                  "session_id": self.session_id, **params}
        return self.api(actor, method, template, body, expected=expected, **params)

    # --- before publication ------------------------------------------------------------------

    def create_draft(self) -> dict[str, Any]:
        now = timezone.now()
        body = {
            "kind": "national",
            "title": "Rammeavtale om vedlikehold av kommunale bygg",
            "description": "Bergen kommune skal inngå rammeavtale om snekker- og "
                           "tømrerarbeider i kommunale bygg.",
            "contract_type": "works", "procedure_type": "open", "cpv_main": "45000000",
            "nuts": "NO0A2", "estimated_value": "1800000.00", "duration_months": 24,
            "tender_validity_days": 90,
            "submission_deadline": (now + timedelta(days=21)).isoformat(),
            "question_deadline": (now + timedelta(days=14)).isoformat(),
        }
        draft = self.call(self.officer, "POST", "/api/notices/", body, expected=201)
        assert draft["status"] == "draft" and draft["lots"] == []
        assert draft["title"] == body["title"]
        self.notice_id = draft["id"]
        # A draft is the buyer's alone.
        self.call(self.suppliers[0], "GET", "/api/notices/{id}/", expected=404)
        return draft

    def set_evaluation_model(self) -> dict[str, Any]:
        """Price 60 % (linear) and quality 40 % (points); climate in the specification;
        one qualification requirement for every lot."""
        lot = {
            "lot_number": 0, "basis": "best_ratio", "by_priority": False,
            "climate_option": "quality-nor-env-spec",
            "climate_justification": "Kravspesifikasjonen stiller klimakrav til maskiner og "
                                     "materialer som gir bedre effekt enn et kriterium.",
            "criteria": [
                {"kind": "price", "name": "Pris", "method": "price_linear", "weight": "60",
                 "description": "Samlet pris for mengdene i prisskjemaet."},
                {"kind": "quality", "name": "Kvalitet i gjennomføringen", "method": "points",
                 "weight": "40", "description": "Gjennomføringsplan og bemanning.",
                 "scale": QUALITY_SCALE},
            ],
        }
        requirement = {
            "category": "economic", "title": "Tilfredsstillende økonomisk kapasitet",
            "description": "Leverandøren skal ha økonomisk stabilitet til å gjennomføre "
                           "kontrakten.",
            "documentation": "Årsregnskap for de to siste årene.", "espd_code": ""}
        model = self.call(self.officer, "PUT", "/api/notices/{id}/evaluation-model",
                          {"lots": [lot], "requirements": [requirement]})
        assert model["frozen"] is False
        (stored,) = model["lots"]
        assert [(c["kind"], c["weight"]) for c in stored["criteria"]] == [
            ("price", "60.00"), ("quality", "40.00")]
        assert [r["title"] for r in model["requirements"]] == [requirement["title"]]
        return model

    def configure_committee(self, k: int = 2) -> dict[str, Any]:
        committee = self.call(self.officer, "PUT", N + "/committee", {
            "members": [m.user.email for m in self.members], "k": k, "electronic_bids": True})
        assert committee["k"] == k and committee["n"] == len(self.members)
        assert not any(m["enrolled"] for m in committee["members"])
        return committee

    def enrol_keys(self) -> dict[str, Any]:
        """Each member generates a key on their device and sends it wrapped with their
        passphrase (600 000 PBKDF2 rounds, as the browser does)."""
        seats = {m["name"]: m["id"] for m in
                 self.call(self.members[0], "GET", N + "/committee")["members"]}
        for i, member in enumerate(self.members):
            seat = seats[member.user.get_full_name()]
            wrapped = wrap_member_key(generate_member_key(),
                                      key_id=f"n{self.notice_id}-member-{i}",
                                      passphrase=member.passphrase)
            # A member enrols on their own seat only.
            other = self.members[1 - i]
            self.call(other, "PUT", N + "/committee/members/{member_id}/key", wrapped,
                      expected=403, member_id=seat)
            enrolled = self.call(member, "PUT", N + "/committee/members/{member_id}/key",
                                 wrapped, member_id=seat)
            assert enrolled["key_id"] == wrapped["key_id"]
            assert enrolled["public_key"] == wrapped["public_key"]
        committee = self.call(self.officer, "GET", N + "/committee")
        assert all(m["enrolled"] for m in committee["members"]), committee
        return committee

    def publish(self) -> dict[str, Any]:
        # Nobody but the buyer's officers publishes.
        self.call(self.suppliers[0], "POST", "/api/notices/{id}/publish/", expected=404)
        notice = self.call(self.officer, "POST", "/api/notices/{id}/publish/")
        assert notice["status"] == "published" and notice["reference"]
        public = self.call(self.suppliers[0], "GET", "/api/notices/{id}/")
        assert public["reference"] == notice["reference"]
        model = self.call(self.suppliers[0], "GET", "/api/notices/{id}/evaluation-model")
        assert model["frozen"] is True
        assert [c["kind"] for c in model["lots"][0]["criteria"]] == ["price", "quality"]
        return notice

    # --- the tender period -------------------------------------------------------------------

    def ask_and_answer(self) -> dict[str, Any]:
        asker, other = self.suppliers
        asked = self.call(asker, "POST", "/api/notices/{id}/questions/",
                          {"text": "Kan vi levere prisskjemaet som PDF?"}, expected=201)
        assert asked["status"] == "open" and asked["answer"] is None
        # Questions are private until answered: the other supplier sees none.
        assert self.call(other, "GET", "/api/notices/{id}/questions/")["questions"] == []
        answer = self.call(self.officer, "POST", "/api/questions/{id}/answer/", {
            "text": "Ja, prisskjemaet kan leveres som PDF.", "public": True,
            "question_text": "Kan prisskjemaet leveres som PDF?"}, expected=201,
            id=asked["id"])
        assert answer["public"] is True
        # Published to everyone, anonymised: the question as the buyer worded it.
        page = self.call(other, "GET", "/api/notices/{id}/questions/")
        assert [(a["question"], a["answer"]) for a in page["answers"]] == [
            ("Kan prisskjemaet leveres som PDF?", "Ja, prisskjemaet kan leveres som PDF.")]
        return page

    def start_submission(self, supplier: Actor) -> dict[str, Any]:
        started = self.call(supplier, "POST", N + "/submissions/", {}, expected=201)
        assert supplier.org is not None
        assert started["status"] == "uploading" and started["supplier"] == supplier.org.name
        return started

    def upload(self, supplier: Actor, started: dict[str, Any], sealed: Sealed) -> None:
        """The sealed blob in parts, each with its checksum, then the sealed key shares."""
        size = max(1, len(sealed.blob) // 2 + 1)
        for index, start in enumerate(range(0, len(sealed.blob), size)):
            part = sealed.blob[start:start + size]
            stored = self.api.raw(
                supplier, "PUT", SUB + "/parts/{index}", expected=201, data=part,
                headers={"HTTP_X_CONTENT_SHA256": hashlib.sha256(part).hexdigest()},
                notice_id=self.notice_id, submission_id=started["id"], index=index)
            assert stored["size"] == len(part)
        parts = self.call(supplier, "GET", SUB + "/parts", submission_id=started["id"])
        assert parts["total_bytes"] == len(sealed.blob)
        shares = self.call(supplier, "POST", SUB + "/sealed-shares", sealed.shares,
                           expected=201, submission_id=started["id"])
        assert len(shares["key_ids"]) == len(self.members)

    def submit_bid(self, supplier: Actor, files: dict[str, bytes]) -> dict[str, Any]:
        started = self.start_submission(supplier)
        sealed = seal(started, files)
        self.upload(supplier, started, sealed)
        signed = self.call(supplier, "POST", SUB + "/finalize", sealed.digest, expected=201,
                           submission_id=started["id"])
        # The supplier's client checks the receipt against the platform's published key.
        keys = self.call(supplier, "GET", "/api/keys/")
        receipt = verify_receipt(signed, keys["public_key"])
        assert receipt["root"] == sealed.digest["root"]
        assert receipt["header_hash"] == sealed.digest["header_hash"]
        again = self.call(supplier, "GET", SUB + "/receipt", submission_id=started["id"])
        assert again == signed
        detail = self.call(supplier, "GET", SUB + "/", submission_id=started["id"])
        assert detail["status"] == "sealed" and detail["received_at"]
        self.bids[supplier.name] = started["id"]
        self.receipts[supplier.name] = signed
        self.files[supplier.name] = files
        return signed

    def prepare_late_bid(self, supplier: Actor, files: dict[str, bytes]) -> tuple[str, Sealed]:
        """A revised bid uploaded before the deadline but not finalised in time."""
        started = self.start_submission(supplier)
        sealed = seal(started, files)
        self.upload(supplier, started, sealed)
        return started["id"], sealed

    def pass_deadline(self) -> None:
        """Stands for the passing of time (three weeks): the deadline becomes the database's
        "now" (the clock every deadline check reads), so every receipt so far is before it and
        every later request after it. The only step that reaches around the API."""
        Notice.objects.filter(pk=self.notice_id).update(submission_deadline=db_now())

    def refuse_late_bid(self, supplier: Actor, submission_id: str, sealed: Sealed) -> None:
        late = self.call(supplier, "POST", SUB + "/finalize", sealed.digest, expected=409,
                         submission_id=submission_id)
        assert "deadline" in late["error"]["message"].lower(), late
        fresh = self.call(supplier, "POST", N + "/submissions/", {}, expected=409)
        assert "deadline" in fresh["error"]["message"].lower(), fresh
        # The bid received in time stands.
        mine = self.call(supplier, "GET", N + "/submissions/")
        by_id = {row["id"]: row["status"] for row in mine["results"]}
        assert by_id[self.bids[supplier.name]] == "sealed"
        assert by_id.get(submission_id, "uploading") == "uploading"

    # --- the opening ---------------------------------------------------------------------------

    def open_bids(self, k: int = 2) -> dict[str, Any]:
        # Suppliers do not start the opening; the buyer's officer does.
        self.call(self.suppliers[0], "POST", N + "/opening", expected=403)
        session = self.call(self.officer, "POST", N + "/opening", expected=201)
        assert session["status"] == "collecting" and session["bids_total"] == 2
        self.session_id = session["session"]
        for member in self.members[:k]:
            session = self.release_shares(member)
        assert session["status"] == "opened", session
        assert session["bids_done"] == 2 and session["bids_failed"] == 0
        assert session["log_check"]["ok"] is True
        assert {b["submission"] for b in session["bids"]} == set(self.bids.values())
        return session

    def release_shares(self, member: Actor) -> dict[str, Any]:
        """What the member's browser does: fetch the sealed shares and the wrapped key, unwrap
        the key with the passphrase, open each share and re-seal it to the session key."""
        mine = self.call(member, "GET", OPENING + "/my-shares")
        (wrapped,) = mine["keys"]
        key = unwrap_member_key(wrapped, member.passphrase)
        assert {row["submission"] for row in mine["shares"]} == set(self.bids.values())
        shares = []
        for row in mine["shares"]:
            plain = open_share(bytes.fromhex(row["sealed_share"]), key,
                               context_hash=bytes.fromhex(row["context_hash"]),
                               key_id=row["key_id"])
            shares.append({"submission": row["submission"], "key_id": row["key_id"],
                           "resealed": reseal_share(
                               plain, session_public_key=mine["public_key"],
                               session_id=mine["session"], context_hash_hex=row["context_hash"],
                               key_id=row["key_id"]).hex()})
        # The opening job is queued when the request commits; tasks run eagerly in tests.
        with self.on_commit(execute=True):
            self.call(member, "POST", OPENING + "/shares", {"shares": shares})
        return self.call(self.officer, "GET", OPENING + "/")

    # --- the evaluation ------------------------------------------------------------------------

    def declare_impartiality(self) -> dict[str, Any]:
        for actor in [self.officer, *self.members]:
            declared = self.call(actor, "POST", N + "/evaluation/declaration",
                                 {"has_conflict": False}, expected=201)
            assert declared["user"] == actor.user.pk and declared["has_conflict"] is False
        overview = self.call(self.officer, "GET", N + "/evaluation")
        assert overview["undeclared"] == [] and overview["me"]["cleared"] is True
        return overview

    def start_evaluation(self) -> dict[str, Any]:
        self.call(self.members[0], "POST", N + "/evaluation/start", expected=403)
        overview = self.call(self.officer, "POST", N + "/evaluation/start", expected=201)
        assert overview["started"] is True and overview["opened"] is True
        assert [(lot["lot"], lot["status"]) for lot in overview["lots"]] == [
            (0, "qualification")]
        assert {b["submission"] for b in overview["bids"]} == set(self.bids.values())
        return overview

    def qualify(self) -> dict[str, Any]:
        matrix = self.call(self.officer, "GET", LOT + "/qualification")
        (requirement,) = matrix["requirements"]
        assert requirement["title"] == "Tilfredsstillende økonomisk kapasitet"
        self.requirement_id = requirement["id"]
        assert matrix["missing"] == len(self.bids)
        for name, sid in self.bids.items():
            bid = self.call(self.members[0], "GET", N + "/evaluation/bids/{submission_id}",
                            submission_id=sid)
            assert sorted(f["name"] for f in bid["files"]) == sorted(self.files[name])
            self.file_index[name] = {f["name"]: f["index"] for f in bid["files"]}
            verdict = self.call(self.officer, "POST",
                                N + "/evaluation/bids/{submission_id}/assessments", {
                                    "requirement": self.requirement_id, "verdict": "pass",
                                    "reason": "Årsregnskapene viser sunn økonomi.",
                                    "document": "regnskap.pdf"},
                                expected=201, submission_id=sid)
            assert verdict["verdict"] == "pass" and verdict["document"] == "regnskap.pdf"
        matrix = self.call(self.officer, "GET", LOT + "/qualification")
        assert matrix["missing"] == 0
        done = self.call(self.officer, "POST", LOT + "/complete")
        assert done["status"] == "scoring"
        return done

    def record_prices(self, document: str = "prisskjema.pdf") -> dict[str, Decimal]:
        """The officer reads each offer's price in its opened price form and records it with
        the document it was read from."""
        page = self.call(self.officer, "GET", LOT + "/prices")
        (price,) = page["criteria"]
        assert (price["kind"], price["name"], price["weight"]) == ("price", "Pris", "60.00")
        self.criteria["price"] = price["id"]
        assert {o["id"] for o in page["offers"]} == set(self.bids.values())
        recorded = {}
        for name, sid in self.bids.items():
            content = self.api.download(
                self.officer, N + "/evaluation/bids/{submission_id}/files/{index}",
                notice_id=self.notice_id, submission_id=sid,
                index=self.file_index[name][document])
            # The opened file is byte for byte what the supplier sealed.
            assert content == self.files[name][document]
            amount = content.decode().split("Pris: ")[1].split(" NOK")[0]  # "1 000 000"
            stored = self.call(self.officer, "POST", LOT + "/prices", {
                "submission": sid, "criterion": price["id"], "amount": amount,
                "document": document, "location": "side 1"}, expected=201)
            recorded[name] = Decimal(stored["amount"])
            assert recorded[name] == Decimal(amount.replace(" ", ""))
        page = self.call(self.officer, "GET", LOT + "/prices")
        assert len(page["prices"]) == len(self.bids) and len(page["scores"]) == len(self.bids)
        return recorded

    def score(self, points: dict[str, list[int]]) -> dict[str, Any]:
        """Each member scores quality blind, then submits; points[supplier] per member."""
        page = self.call(self.members[0], "GET", LOT + "/scores")
        (criterion,) = page["criteria"]
        assert (criterion["kind"], criterion["scale"]) == ("quality", QUALITY_SCALE)
        quality = self.criteria["quality"] = criterion["id"]
        after: dict[str, Any] = {}
        for m, member in enumerate(self.members):
            sheet = self.call(member, "PUT", LOT + "/scores", {"scores": [
                {"submission": self.bids[name], "criterion": quality,
                 "points": given[m], "reason": f"{REASON} ({member.name})"}
                for name, given in points.items()]})
            assert sheet["blind"] is True and sheet["sheets"] == []
            assert len(sheet["my_sheet"]["scores"]) == len(points)
            after = self.call(member, "POST", LOT + "/scores/submit")
            assert after["my_sheet"]["submitted"] is True
            if m < len(self.members) - 1:
                # Scoring is not complete while a member has yet to submit.
                waiting = self.call(self.officer, "POST", LOT + "/scores/complete",
                                    expected=400)
                assert waiting["error"]["message"] == (
                    f"Waiting for {self.members[m + 1].user.full_name} to submit their "
                    "scores.")
        # The last submission completed the scoring: the lot is at consensus, the sheets
        # are no longer blind.
        assert after["status"] == "consensus" and after["blind"] is False
        assert len(after["sheets"]) == len(self.members)
        return after

    def check_scoring_complete(self) -> dict[str, Any]:
        """Scoring is complete: every member submitted, the lot moved to consensus, and
        completing it again is refused."""
        page = self.call(self.officer, "GET", LOT + "/scores")
        assert all(p["submitted"] for p in page["progress"]) and page["status"] == "consensus"
        again = self.call(self.officer, "POST", LOT + "/scores/complete", expected=409)
        assert again["error"]["message"] == "The lot is not at the scoring step."
        overview = self.call(self.officer, "GET", N + "/evaluation")
        assert overview["lots"][0]["status"] == "consensus"
        return overview

    def agree(self, points: dict[str, int]) -> dict[str, Any]:
        for name, agreed in points.items():
            row = self.call(self.officer, "POST", LOT + "/consensus", {
                "submission": self.bids[name], "criterion": self.criteria["quality"],
                "points": agreed,
                "justification": "Komiteen samlet seg om poengene etter gjennomgang."},
                expected=201)
            assert Decimal(row["points"]) == agreed
        page = self.call(self.officer, "GET", LOT + "/consensus")
        assert len(page["consensus"]) == len(points)
        return page

    def rank(self) -> dict[str, Any]:
        before = self.call(self.officer, "GET", LOT + "/ranking")
        assert before["problems"] == [] and before["result"] is None
        ranking = self.call(self.officer, "POST", LOT + "/ranking", expected=201)
        assert ranking["status"] == "ranked" and ranking["ranked_at"]
        # The committee reads the same ranking; suppliers read nothing of it.
        assert self.call(self.members[1], "GET", LOT + "/ranking")["result"] == \
            ranking["result"]
        self.call(self.suppliers[0], "GET", LOT + "/ranking", expected=404)
        return ranking

    # --- award, standstill, contract, award notice, protocol ----------------------------------

    AWARD = "/api/notices/{notice_id}/evaluation/lots/{lot}/award"
    CONTRACT = "/api/notices/{notice_id}/award/lots/{lot}/contract"

    def award_draft(self, winner: str, other: str) -> dict[str, Any]:
        """The officer drafts the decision from the ranking, then writes the letter."""
        self.call(self.suppliers[0], "POST", self.AWARD, expected=404)
        self.call(self.members[0], "POST", self.AWARD, expected=403)
        draft = self.call(self.officer, "POST", self.AWARD, expected=201)
        assert draft["status"] == "draft" and draft["outcome"] == "winner"
        assert [w["submission"] for w in draft["winners"]] == [self.bids[winner]]
        # Pre-filled from the committee's reasons; the winner is dearer, so a justification
        # of the higher price is proposed too.
        assert draft["letter_text"].strip() and draft["price_justification"].strip()
        edited = self.call(self.officer, "PUT", self.AWARD + "/draft", {
            "outcome": "winner", "winners": [self.bids[winner]],
            "letter_text": draft["letter_text"] + "\nFjordbygg beskriver bemanning og "
                           "framdrift konkret; Nordlys sin plan er generell.",
            "price_justification": "Merprisen på 100 000 kroner oppveies av klart bedre "
                                   "kvalitet (9 mot 5 poeng)."})
        assert edited["status"] == "draft" and "konkret" in edited["letter_text"]
        # A winner that is not among the ranked offers names the field.
        bad = self.call(self.officer, "PUT", self.AWARD + "/draft", {
            "outcome": "winner", "winners": ["not-a-bid"]}, expected=400)
        assert "winners" in str(bad)
        return edited

    def award_send(self) -> dict[str, Any]:
        """One act: every bidder gets the letter at the same moment; the standstill starts."""
        sent = self.call(self.officer, "POST", self.AWARD + "/send")
        assert sent["status"] == "sent" and sent["standstill_days"] == 10  # Part II rule
        letters = self.call(self.officer, "GET", self.AWARD + "/letters")
        assert {letter["supplier"] for letter in letters} == {
            s.org.name for s in self.suppliers if s.org}
        assert len({letter["sent_at"] for letter in letters}) == 1
        return sent

    def read_letters(self, winner: str) -> None:
        """Each supplier reads its own letter and its PDF, whose SHA-256 was kept."""
        for supplier in self.suppliers:
            mine = self.call(supplier, "GET", "/api/award-letters")
            assert len(mine) == 1 and mine[0]["supplier"] == supplier.org.name  # type: ignore
            letter = mine[0]
            assert "KOFA" in letter["text"]
            if supplier.name != winner:
                assert "Fjordbygg AS" in letter["text"]
            pdf = self.api.download(supplier, "/api/award-letters/{letter_id}/pdf",
                                    letter_id=letter["id"])
            assert pdf.startswith(b"%PDF")
            assert hashlib.sha256(pdf).hexdigest() == letter["pdf_sha256"]
            other = next(s for s in self.suppliers if s is not supplier)
            self.call(other, "GET", "/api/award-letters/{letter_id}",
                      letter_id=letter["id"], expected=404)

    def sign(self, supplier: Actor, expected: int) -> Any:
        org = supplier.org
        assert org is not None
        today = timezone.localdate()
        answer: Any = self.officer.client.post(
            self.CONTRACT.format(notice_id=self.notice_id, lot=self.lot) + "/sign", {
                "supplier": org.pk, "title": "Rammeavtale om vedlikehold av kommunale bygg",
                "value": "1000000.00", "signed_on": today.isoformat(),
                "starts_on": today.isoformat(), "duration_months": 24,
                "options": "Opsjon på forlengelse 1 + 1 år.",
                "document": SimpleUploadedFile("kontrakt.pdf", CONTRACT_PDF,
                                               content_type="application/pdf")},
            format="multipart")
        return conforms(self.api.openapi, "POST", self.CONTRACT + "/sign", answer, expected)

    def standstill(self, winner: Actor) -> None:
        """Signing is refused before the standstill end and while a complaint is open."""
        page = self.call(self.officer, "GET", self.CONTRACT)
        assert page["standstill_over"] is False and page["signing_refused"]
        self.sign(winner, 409)
        # The passing of the ten days: like the deadline, the test's one reach around the API.
        AwardDecision.objects.filter(notice_id=self.notice_id, status="sent").update(
            standstill_end=db_now())
        complaint = self.call(self.officer, "POST", self.CONTRACT + "/suspensions", {
            "kind": "complaint", "complainant": "Nordlys Entreprenør ASA",
            "description": "Klage på vurderingen av kvalitet.",
            "received_on": timezone.localdate().isoformat()}, expected=201)
        self.sign(winner, 409)
        self.call(self.officer, "POST",
                  "/api/notices/{notice_id}/award/suspensions/{suspension_id}/lift",
                  {"reason": "Klagen er behandlet og ikke tatt til følge."},
                  suspension_id=complaint["id"])

    def contract_sign(self, winner: Actor) -> dict[str, Any]:
        contract = self.sign(winner, 201)
        assert contract["document_sha256"] == hashlib.sha256(CONTRACT_PDF).hexdigest()
        document = self.api.download(
            self.officer, "/api/notices/{notice_id}/award/contracts/{contract_id}/document",
            notice_id=self.notice_id, contract_id=contract["id"])
        assert document == CONTRACT_PDF
        self.sign(winner, 409)  # once
        return contract

    def award_notice(self, public: Actor) -> dict[str, Any]:
        """The award notice is on the public board, linked to the contract notice."""
        page = self.call(self.officer, "GET", self.CONTRACT)
        assert page["concluded"] and page["award_notice"]["status"] == "published"
        award_id = page["award_notice"]["id"]
        award = self.call(public, "GET", "/api/notices/{id}/", id=award_id)
        assert award["kind"] == "can" and award["status"] == "published"
        xml = public.client.get(f"/api/notices/{award_id}/eforms")
        assert xml.status_code == 200, xml.content[:300]
        body = xml.content.decode()
        # A national result notice (E4): the winner, its size, and the offers received.
        assert ">E4<" in body and "Fjordbygg AS" in body and ">small<" in body
        # The result notice built by the services passes the XSD and the eForms business
        # rules (bar Norway's documented tailoring), where the SDK is beside the checkout.
        from notices.exports import eforms_validation as validation

        if validation.available():
            from lxml import etree

            assert validation.xsd_errors(etree.fromstring(xml.content)) == []
            assert validation.business_rule_failures(xml.content) == []
        return award

    def protocol(self) -> dict[str, Any]:
        """The procurement protocol: every step from the notice to the contract."""
        self.call(self.suppliers[0], "GET", "/api/evaluation/notices/{notice_id}/protocol",
                  expected=404)
        protocol = self.call(self.officer, "GET", "/api/evaluation/notices/{notice_id}/protocol")
        kinds = [entry["kind"] for entry in protocol["entries"]]
        for kind in ("status.published", "question.asked", "question.answer_published",
                     "submission.sealed",
                     "evaluation.started", "impartiality.declared", "scoring.submitted",
                     "consensus.recorded", "status.ranked", "award.drafted",
                     "status.award_sent", "standstill.suspended", "standstill.lifted",
                     "contract.signed", "award_notice.published"):
            assert kind in kinds, kind
        # In the order of the procedure: publication before bids before the award.
        assert kinds.index("status.published") < kinds.index("evaluation.started") \
            < kinds.index("status.award_sent") < kinds.index("contract.signed")
        pdf = self.api.download(self.officer, "/api/evaluation/notices/{notice_id}/protocol.pdf",
                                notice_id=self.notice_id)
        assert pdf.startswith(b"%PDF")
        return protocol


# --- the test ----------------------------------------------------------------------------------


@pytest.fixture
def openapi() -> Any:
    return schemathesis.openapi.from_dict(APIClient().get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json())


def test_a_procurement_goes_from_a_new_notice_to_the_award_notice_through_the_api(
        openapi: Any, authority: Organization,
        django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    # The actors: created as the fixtures do; each then signs in through the API.
    officer = sign_in("officer", make_user("innkjoper@bergen.example", authority,
                                           Role.PROCUREMENT_OFFICER, password=PASSWORD))
    members = []
    for i in (1, 2):
        member = sign_in(f"member{i}", make_user(f"komite{i}@bergen.example", authority,
                                                 Role.COMMITTEE_MEMBER, password=PASSWORD))
        member.passphrase = f"{PASSPHRASE} {i}"
        members.append(member)
    sme = make_org(OrganizationKind.SUPPLIER, "Fjordbygg AS")
    sme.company_size = CompanySize.SMALL
    sme.save(update_fields=["company_size"])
    large = make_org(OrganizationKind.SUPPLIER, "Nordlys Entreprenør ASA")
    suppliers = [
        sign_in("fjordbygg", make_user("anna@fjordbygg.example", sme, Role.SUPPLIER_ADMIN,
                                       password=PASSWORD), sme),
        sign_in("nordlys", make_user("ola@nordlys.example", large, Role.SUPPLIER_ADMIN,
                                     password=PASSWORD), large)]
    fjordbygg, nordlys = suppliers
    procedure = Procedure(api=Api(openapi), officer=officer, members=members,
                          suppliers=suppliers, on_commit=django_capture_on_commit_callbacks)

    # The notice: a draft with its evaluation model and committee, then published.
    procedure.create_draft()
    procedure.set_evaluation_model()
    procedure.configure_committee(k=2)
    procedure.enrol_keys()
    procedure.publish()

    # The tender period: a question answered publicly; two bids; a revision not finished
    # before the deadline.
    procedure.ask_and_answer()
    procedure.submit_bid(fjordbygg, {
        "tilbud.pdf": b"%PDF-1.4 Tilbud fra Fjordbygg AS",
        "prisskjema.pdf": b"%PDF-1.4 Pris: 1 000 000 NOK",
        "regnskap.pdf": b"%PDF-1.4 Arsregnskap 2024 og 2025"})
    procedure.submit_bid(nordlys, {
        "tilbud.pdf": b"%PDF-1.4 Tilbud fra Nordlys Entreprenor ASA",
        "prisskjema.pdf": b"%PDF-1.4 Pris: 900 000 NOK",
        "regnskap.pdf": b"%PDF-1.4 Arsregnskap 2024 og 2025"})
    late_id, late = procedure.prepare_late_bid(nordlys, {
        "tilbud.pdf": b"%PDF-1.4 Revidert tilbud", "prisskjema.pdf": b"%PDF-1.4 850 000",
        "regnskap.pdf": b"%PDF-1.4 Arsregnskap"})
    procedure.pass_deadline()
    procedure.refuse_late_bid(nordlys, late_id, late)

    # The opening: two of the two members release their shares.
    procedure.open_bids(k=2)

    # The evaluation.
    procedure.declare_impartiality()
    procedure.start_evaluation()
    procedure.qualify()
    assert procedure.record_prices() == {"fjordbygg": 1_000_000, "nordlys": 900_000}
    procedure.score({"fjordbygg": [8, 9], "nordlys": [5, 4]})
    procedure.check_scoring_complete()
    procedure.agree({"fjordbygg": 9, "nordlys": 5})
    ranking = procedure.rank()

    # Price 60 % linear (10 - 10 (P - Pmin) / Pmin), quality 40 %: Fjordbygg 0.6 x 8.89 +
    # 0.4 x 9 = 8.93 beats Nordlys 0.6 x 10 + 0.4 x 5 = 8.00, though Nordlys is cheaper.
    rows = ranking["result"]["rows"]
    assert [(row["supplier"], row["rank"]) for row in rows] == [
        ("Fjordbygg AS", 1), ("Nordlys Entreprenør ASA", 2)]
    assert rows[0]["total"] == pytest.approx(8.933, abs=0.01)
    assert rows[1]["total"] == pytest.approx(8.0, abs=0.01)
    assert rows[0]["offer_key"] == procedure.bids["fjordbygg"]

    # The award: drafted from the ranking, sent to both at once, read by each.
    procedure.award_draft("fjordbygg", "nordlys")
    procedure.award_send()
    procedure.read_letters("fjordbygg")

    # The standstill period, a complaint, and the contract after both.
    procedure.standstill(fjordbygg)
    procedure.contract_sign(fjordbygg)

    # The award notice on the public board, and the protocol of it all.
    public = Actor(name="public", user=None,  # type: ignore[arg-type]
                   client=APIClient(HTTP_ACCEPT_LANGUAGE="en"))
    procedure.award_notice(public)
    procedure.protocol()
