"""Every status has one owner: the transitions module of its aggregate.

- Every service that changes a status writes exactly one event per change (notices and
  questions here; submissions and the opening in tests/bids/test_transitions.py).
- The source has no status write outside the transitions modules.
- An edge outside the table, or a lost compare-and-swap, changes nothing and writes nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from backend.errors import Conflict
from backend.transitions import TransitionNotAllowed
from notices import services
from notices.models import Notice, NoticeEvent, NoticeEventKind, NoticeStatus
from notices.questions import services as questions
from notices.questions.models import Question, QuestionEvent, QuestionStatus
from notices.questions.transitions import question_flip
from notices.transitions import notice_flip
from tests.transitions_check import Change, one_event_per_transition

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "backend", "bids", "evaluation", "notices")
# Models with a status (Notice, Question, Submission, OpeningSession, OpenedBid): the
# constructors and managers that could write one.
STATUS_MODELS = {"Notice", "Question", "Submission", "OpeningSession", "OpenedBid",
                 "LotEvaluation"}
CREATE_METHODS = {"create", "get_or_create", "update_or_create", "bulk_create"}


# --- the source ------------------------------------------------------------------------------


def _is_transitions_module(path: Path) -> bool:
    return path.name == "transitions.py"


def _status_writes(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "status":
                    found.append((node.lineno, "assigns .status"))
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        keywords = {k.arg for k in node.keywords}
        if any(k.arg is None and isinstance(k.value, ast.Dict) and "'status'" in
               ast.unparse(k.value) for k in node.keywords):
            keywords.add("status")  # .update(**{"status": ...})
        if name == "update" and "status" in keywords:
            found.append((node.lineno, ".update(status=...)"))
        if name == "setattr" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant) \
                and node.args[1].value == "status":
            found.append((node.lineno, 'setattr(..., "status", ...)'))
        if name == "bulk_update" and "status" in ast.unparse(node):
            found.append((node.lineno, "bulk_update of status"))
        if "defaults" in keywords and "status" in ast.unparse(node):
            found.append((node.lineno, "defaults with a status"))
        if "status" in keywords and (name in STATUS_MODELS or (
                name in CREATE_METHODS and any(m in ast.unparse(func) for m in STATUS_MODELS))):
            found.append((node.lineno, f"{name}(status=...)"))
    return found


def test_it_finds_no_status_write_outside_the_transitions_modules() -> None:
    offenders = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or _is_transitions_module(path):
                continue
            for line, what in _status_writes(ast.parse(path.read_text(), str(path))):
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert offenders == [], "status is written outside a transitions module:\n" + "\n".join(
        offenders)


@pytest.mark.parametrize("source", [
    "Submission.objects.filter(pk=1).update(status='opened')",
    "qs.update(**{'status': 'x'})",
    "submission.status = 'sealed'",
    "setattr(bid, 'status', 'failed')",
    "Question.objects.create(notice=n, status='answered')",
    "OpenedBid.objects.update_or_create(session=s, defaults={'status': 'opened'})",
])
def test_the_source_check_catches_each_way_of_writing_a_status(source: str) -> None:
    assert _status_writes(ast.parse(source))


def test_the_source_check_leaves_reads_alone() -> None:
    source = ("Notice.objects.filter(status='draft').update(title='x')\n"
              "Response(data, status=201)\nif notice.status == 'draft': pass\n")
    assert _status_writes(ast.parse(source)) == []


# --- notices --------------------------------------------------------------------------------


def test_it_writes_one_event_when_a_notice_is_published(make_notice: Callable[..., Notice],
                                                        officer: Any) -> None:
    draft = make_notice(publish=False)
    with one_event_per_transition() as changes:
        services.notice_publish(notice=draft, by=officer)
    assert changes == [Change("notice", str(draft.pk), "draft", "published")]


def test_it_writes_one_event_when_the_deadline_closes_a_notice(
        make_notice: Callable[..., Notice]) -> None:
    notice = make_notice()
    later = notice.submission_deadline + timedelta(seconds=1)
    with one_event_per_transition() as changes:
        assert services.notice_close_due(now=later) == 1
    assert changes == [Change("notice", str(notice.pk), "published", "closed")]
    with one_event_per_transition() as changes:
        assert services.notice_close_due(now=later) == 0  # idempotent: nothing, no event
    assert changes == []


@pytest.mark.parametrize("closed_first", [False, True])
def test_it_writes_one_event_when_a_notice_is_cancelled(make_notice: Callable[..., Notice],
                                                        officer: Any,
                                                        closed_first: bool) -> None:
    notice = make_notice()
    if closed_first:
        services.notice_close_due(now=notice.submission_deadline + timedelta(seconds=1))
    old = "closed" if closed_first else "published"
    with one_event_per_transition() as changes:
        services.notice_cancel(notice=notice, by=officer, reason="Behovet har falt bort.")
    assert changes == [Change("notice", str(notice.pk), old, "cancelled")]


def test_a_change_notice_and_a_draft_edit_change_no_status(make_notice: Callable[..., Notice],
                                                           officer: Any) -> None:
    notice = make_notice()
    with one_event_per_transition() as changes:
        services.notice_change_publish(notice=notice, by=officer, reason="Ny tittel",
                                       fields={"title": "Ny tittel på oppdraget"})
    assert changes == []


def test_the_notice_flip_refuses_an_edge_outside_its_table(
        make_notice: Callable[..., Notice]) -> None:
    notice = make_notice()
    before = NoticeEvent.objects.count()
    with pytest.raises(TransitionNotAllowed):
        notice_flip(notice, NoticeStatus.PUBLISHED, NoticeStatus.DRAFT, by=None,
                    at=notice.updated_at)
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.PUBLISHED
    assert NoticeEvent.objects.count() == before


def test_a_lost_compare_and_swap_writes_no_event(make_notice: Callable[..., Notice]) -> None:
    notice = make_notice(publish=False)
    before = NoticeEvent.objects.count()
    with pytest.raises(Conflict):
        notice_flip(notice, NoticeStatus.PUBLISHED, NoticeStatus.CLOSED, by=None,
                    at=notice.updated_at)
    assert NoticeEvent.objects.count() == before
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.DRAFT


# --- questions -------------------------------------------------------------------------------


@pytest.fixture
def asked(make_notice: Callable[..., Notice], supplier_user: Any,
          other_supplier_user: Any) -> tuple[Question, Question]:
    notice = make_notice()
    first = questions.question_ask(notice=notice, by=supplier_user,
                                   text="Kan vi levere i to omganger?")
    second = questions.question_ask(notice=notice, by=other_supplier_user,
                                    text="Er delleveranser tillatt?")
    return first, second


@pytest.mark.parametrize("public", [True, False])
def test_it_writes_one_event_when_a_question_is_answered(asked: tuple[Question, Question],
                                                         officer: Any, public: bool) -> None:
    first, _second = asked
    with one_event_per_transition() as changes:
        questions.question_answer(question=first, by=officer, text="Ja.", public=public)
    assert changes == [Change("question", str(first.pk), "open", "answered")]


def test_it_writes_one_event_when_a_question_is_merged(asked: tuple[Question, Question],
                                                       officer: Any) -> None:
    first, second = asked
    with one_event_per_transition() as changes:
        questions.question_merge(question=second, into=first, by=officer)
    assert changes == [Change("question", str(second.pk), "open", "merged")]
    # Answering the primary answers both; only the primary changes status.
    with one_event_per_transition() as changes:
        questions.question_answer(question=first, by=officer, text="Ja, i to.", public=True)
    assert changes == [Change("question", str(first.pk), "open", "answered")]
    assert Question.objects.get(pk=second.pk).status == QuestionStatus.MERGED
    assert QuestionEvent.objects.filter(question=second, kind="question.answered").exists()


def test_the_question_flip_refuses_an_edge_outside_its_table_and_a_stale_swap(
        asked: tuple[Question, Question], officer: Any) -> None:
    first, second = asked
    with pytest.raises(TransitionNotAllowed):
        question_flip(first, QuestionStatus.ANSWERED, QuestionStatus.OPEN, by=None,
                      at=first.created_at)
    questions.question_merge(question=second, into=first, by=officer)
    before = QuestionEvent.objects.count()
    with pytest.raises(Conflict):
        question_flip(second, QuestionStatus.OPEN, QuestionStatus.ANSWERED, by=None,
                      at=second.created_at)
    assert QuestionEvent.objects.count() == before
    assert Question.objects.get(pk=second.pk).status == QuestionStatus.MERGED


def test_answering_twice_is_a_conflict_not_a_second_event(asked: tuple[Question, Question],
                                                          officer: Any) -> None:
    first, _second = asked
    questions.question_answer(question=first, by=officer, text="Ja.", public=True)
    before = QuestionEvent.objects.count()
    with pytest.raises(Conflict):
        questions.question_answer(question=first, by=officer, text="Nei.", public=True)
    assert QuestionEvent.objects.count() == before


# --- the counter itself ----------------------------------------------------------------------


def test_the_counter_catches_a_status_change_without_its_event(
        make_notice: Callable[..., Notice]) -> None:
    notice = make_notice()
    with pytest.raises(AssertionError, match="without its events"), \
            one_event_per_transition():
        Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.CLOSED)


def test_the_counter_catches_an_event_without_its_status_change(
        make_notice: Callable[..., Notice]) -> None:
    notice = make_notice()
    with pytest.raises(AssertionError, match="differ"), one_event_per_transition():
        NoticeEvent.objects.create(notice=notice, kind=NoticeEventKind.CLOSED,
                                   at=notice.updated_at,
                                   data={"from": "published", "to": "closed"})
