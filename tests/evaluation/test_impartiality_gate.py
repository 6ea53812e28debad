"""The conflict-of-interest gate through the web and the API, for every route of the
evaluation core and the opened-bid routes of bids/, and every actor: a cleared member, a
member who declared a conflict, a member who has not declared, the procurement officer
(cleared), an officer of another authority, a bidder, and anonymous.

Each refusal of an evaluator who is not cleared is a 403 and is recorded as an
impartiality.access_refused event; everyone outside the evaluation gets 404 and nothing is
recorded about them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from evaluation.impartiality.services import impartiality_declare
from evaluation.models import EvaluationEvent, EvaluationEventKind
from evaluation.qualification.services import (
    bid_reject,
    clarification_answer,
    clarification_request,
)
from tests.conftest import api_client_for
from tests.evaluation.conftest import Opened

ACTORS = ("member", "conflicted", "undeclared", "officer", "other_officer", "bidder", "anon")
OK, LOGIN = "ok", "login"


def row(member: Any, conflicted: Any, undeclared: Any, officer: Any, other_officer: Any,
        bidder: Any, anon: Any) -> dict[str, Any]:
    return dict(zip(ACTORS, (member, conflicted, undeclared, officer, other_officer, bidder,
                             anon), strict=True))


# Web and API share the rows; "anon" is LOGIN on the web and 401 on the API.
SEE = row(OK, OK, OK, OK, 404, 404, "anon")              # the evaluation's own pages
CONTENT = row(OK, 403, 403, OK, 404, 404, "anon")        # bid content and assessments
DECIDE = row(403, 403, 403, OK, 404, 404, "anon")        # the authority's decisions
EDITOR = row(403, 403, 403, OK, 404, 404, "anon")        # start, advisers
CLARIFICATION = row(OK, 403, 403, OK, 404, OK, "anon")   # the bidder's own request
ANSWER = row(403, 403, 403, 403, 404, OK, "anon")        # only the bidder answers
LETTER = row(OK, 403, 403, OK, 404, 404, "anon")         # another supplier's rejection
SUPPLIER_LIST = row(403, 403, 403, 403, 403, OK, "anon")
OPENED = row(OK, 403, 403, OK, 404, 404, "anon")         # bids/ opened-content routes
# Where a refused evaluator is recorded (bid content); decisions are refused by role.
RECORDED = (CONTENT, CLARIFICATION, LETTER, OPENED)


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    expected: dict[str, Any]
    api: bool

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


E = "/evaluation/notices/{n}/"
A = "/api/notices/{n}/evaluation"
ROUTES = [
    # web
    Route("get", E, SEE, False),
    Route("post", E + "start/", EDITOR, False),
    Route("post", E + "declaration/", row(OK, OK, OK, OK, 404, 404, "anon"), False),
    Route("post", E + "advisers/", EDITOR, False),
    Route("post", E + "advisers/{adviser}/remove/", EDITOR, False),
    Route("get", E + "lots/0/", CONTENT, False),
    Route("post", E + "lots/0/complete/", DECIDE, False),
    Route("get", E + "lots/0/abnormally-low/", CONTENT, False),
    Route("post", E + "lots/0/abnormally-low/{bid}/ask/", CONTENT, False),
    Route("post", E + "lots/0/abnormally-low/{bid}/accept/", DECIDE, False),
    Route("get", E + "bids/{bid}/", CONTENT, False),
    Route("post", E + "bids/{bid}/assess/", CONTENT, False),
    Route("post", E + "bids/{bid}/clarify/", CONTENT, False),
    Route("post", E + "bids/{bid}/reject/", DECIDE, False),
    Route("get", E + "bids/{bid}/files/0/", CONTENT, False),
    Route("get", E + "bids/{rejected}/letter/", LETTER, False),
    Route("get", "/evaluation/clarifications/{clarification}/", CLARIFICATION, False),
    Route("post", "/evaluation/clarifications/{clarification}/", ANSWER, False),
    Route("get", "/evaluation/clarifications/{clarification}/attachment/", CLARIFICATION,
          False),
    # the opened-bid routes of bids/ (web)
    Route("get", "/bids/notices/{n}/opening/bids/{bid}/files/0/",
          OPENED, False),
    Route("get", "/bids/notices/{n}/opening/bids/{bid}/bid.tar",
          OPENED, False),
    # API
    Route("get", A, SEE, True),
    Route("post", A + "/start", EDITOR, True),
    Route("post", A + "/declaration", row(OK, OK, OK, OK, 404, 404, "anon"), True),
    Route("get", A + "/advisers", SEE, True),
    Route("post", A + "/advisers", EDITOR, True),
    Route("post", A + "/advisers/{adviser}/remove", EDITOR, True),
    Route("get", A + "/grounds", SEE, True),
    Route("get", A + "/lots/0/qualification", CONTENT, True),
    Route("post", A + "/lots/0/complete", DECIDE, True),
    Route("get", A + "/lots/0/abnormally-low", CONTENT, True),
    Route("post", A + "/lots/0/abnormally-low/{bid}/ask", CONTENT, True),
    Route("post", A + "/lots/0/abnormally-low/{bid}/accept", DECIDE, True),
    Route("get", A + "/bids/{bid}", CONTENT, True),
    Route("post", A + "/bids/{bid}/assessments", CONTENT, True),
    Route("post", A + "/bids/{bid}/clarifications", CONTENT, True),
    Route("post", A + "/bids/{bid}/reject", DECIDE, True),
    Route("get", A + "/bids/{rejected}/rejection", LETTER, True),
    Route("get", A + "/bids/{bid}/files/0", CONTENT, True),
    Route("get", A + "/clarifications", SUPPLIER_LIST, True),
    Route("get", A + "/clarifications/{clarification}", CLARIFICATION, True),
    Route("post", A + "/clarifications/{clarification}/answer", ANSWER, True),
    Route("get", A + "/clarifications/{clarification}/attachment", CLARIFICATION, True),
    # the opened-bid routes of bids/ (API)
    Route("get", "/api/openings/{session}/bids/{bid}/files/0",
          OPENED, True),
    Route("get", "/api/openings/{session}/bids/{bid}/tar",
          OPENED, True),
]
ALLOWED = {200, 201, 204, 302, 400, 409}


@dataclass
class World:
    tender: Opened
    users: dict[str, User | None]
    values: dict[str, Any]


@pytest.fixture
def world(cleared: Opened, supplier_user: User, other_officer: User,
          later: Callable[..., Any], django_capture_on_commit_callbacks: Any) -> World:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evaluation.impartiality.services import adviser_add
    from tests.conftest import make_user

    tender = cleared
    conflicted, undeclared = tender.members[1], tender.members[2]
    impartiality_declare(notice=tender.notice, by=conflicted, has_conflict=True,
                         explanation="Tidligere ansatt hos Fjordbygg AS.")
    with django_capture_on_commit_callbacks(execute=True):
        request = clarification_request(submission=tender.bids[0], kind="clarification",
                                        question="Forklar punkt 3.", deadline=later(days=2),
                                        by=tender.member)
        bid_reject(submission=tender.bids[1], ground="late", reasons="Kom for sent.",
                   by=tender.officer)
    clarification_answer(request=request, by=supplier_user, answer="Se vedlegg.",
                         attachment=_attachment(SimpleUploadedFile("a.pdf", b"%PDF a")))
    make_user("radgiver@konsulent.example")
    adviser = adviser_add(notice=tender.notice, by=tender.officer,
                          email="radgiver@konsulent.example", role="Jurist")
    return World(tender=tender, users={
        "member": tender.member, "conflicted": conflicted, "undeclared": undeclared,
        "officer": tender.officer, "other_officer": other_officer, "bidder": supplier_user,
        "anon": None}, values={
        "n": tender.notice.pk, "bid": tender.bids[0].pk, "rejected": tender.bids[1].pk,
        "clarification": request.pk, "adviser": adviser.pk, "session": tender.session.pk})


def _attachment(upload: Any) -> Any:
    from evaluation.qualification.services import Attachment

    return Attachment(upload.name, upload)


def _client(user: User | None, api: bool) -> Client | APIClient:
    if api:
        return api_client_for(user)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_each_actor_gets_the_expected_answer(world: World, route: Route) -> None:
    path = route.path.format(**world.values)
    for actor in ACTORS:
        want = route.expected[actor]
        if want == "anon":
            want = 401 if route.api else LOGIN
        user = world.users[actor]
        before = EvaluationEvent.objects.filter(kind=EvaluationEventKind.ACCESS_REFUSED,
                                                by=user).count() if user else 0
        client = _client(user, route.api)
        response = (client.post(path, {}, format="json") if route.api and route.method == "post"
                    else getattr(client, route.method)(path))
        got = response.status_code
        where = f"{route} as {actor}: got {got}"
        if want == OK:
            assert got in ALLOWED, where
            assert not (got == 302 and "/accounts/login/" in response.get("Location", "")), where
        elif want == LOGIN:
            assert got == 302 and "/accounts/login/" in response["Location"], where
        else:
            assert got == want, where
        refused = EvaluationEvent.objects.filter(kind=EvaluationEventKind.ACCESS_REFUSED,
                                                 by=user).count() if user else 0
        recorded = refused - before
        if actor in ("conflicted", "undeclared") and any(
                route.expected is gated for gated in RECORDED):
            assert recorded >= 1, f"{where}: the refusal is not recorded"
        if actor in ("other_officer", "bidder", "anon"):
            assert recorded == 0, f"{where}: recorded an outsider"


def test_the_refusal_names_the_reason(world: World) -> None:
    path = f"/api/notices/{world.values['n']}/evaluation/bids/{world.values['bid']}"
    conflicted = api_client_for(world.users["conflicted"]).get(path)
    assert conflicted.json()["error"]["code"] == "conflict_of_interest"
    undeclared = api_client_for(world.users["undeclared"]).get(path)
    assert undeclared.json()["error"]["code"] == "impartiality_not_declared"
    refused = EvaluationEvent.objects.filter(kind=EvaluationEventKind.ACCESS_REFUSED)
    assert {(e.by, e.data["reason"]) for e in refused} == {
        (world.users["conflicted"], "conflict"), (world.users["undeclared"], "not_declared")}


def test_a_conflicted_member_sees_no_bid_content_on_the_overview(world: World) -> None:
    client = _client(world.users["conflicted"], api=False)
    page = client.get(f"/evaluation/notices/{world.values['n']}/").content.decode()
    assert "You declared a conflict of interest" in page
    assert f"/bids/{world.values['bid']}/" not in page
    assert "tilbud.pdf" not in page
    overview = _client(world.users["member"], api=False).get(
        f"/evaluation/notices/{world.values['n']}/").content.decode()
    assert f"/bids/{world.values['bid']}/" in overview
    # The opening page shows the opened files only to the cleared.
    opening = client.get(f"/bids/notices/{world.values['n']}/opening/").content.decode()
    assert "tilbud.pdf" not in opening


def test_the_conflict_explanation_is_for_the_buyer_and_the_person(world: World) -> None:
    url = f"/api/notices/{world.values['n']}/evaluation"
    mine = api_client_for(world.users["conflicted"]).get(url).json()
    officer = api_client_for(world.users["officer"]).get(url).json()
    member = api_client_for(world.users["member"]).get(url).json()

    def explanation(body: dict[str, Any]) -> str:
        [row] = [d for d in body["declarations"] if d["has_conflict"]]
        return str(row["explanation"])

    assert explanation(mine) == explanation(officer) == "Tidligere ansatt hos Fjordbygg AS."
    assert explanation(member) == ""
    assert {p["name"] for p in member["undeclared"]} >= {str(world.users["undeclared"])}
    assert member["me"] == {"evaluator": True, "declared": True, "conflict": False,
                            "cleared": True, "may_start": False, "may_decide": False,
                            "may_name_advisers": False}
