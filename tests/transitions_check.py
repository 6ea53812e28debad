"""Counting status changes and the events that record them, across every aggregate.

`one_event_per_transition()` snapshots every status before and after a block, reads the
status events the block wrote, and checks that for every row they form one unbroken chain of
allowed edges from the status before to the status after, one event per edge, with the kind
the transitions module names for it, and that no row changed without its events. An opened
bid is recorded by its submission's `submission.opened` event (bids.opening.transitions); a lot
evaluation by its EvaluationEvent of the kind evaluation.transitions.EVENT_OF names for the
(old, new) edge; an award decision by its AwardEvent (evaluation.award.transitions). Used
by tests/test_transitions.py, tests/bids/test_transitions.py and tests/evaluation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from bids import transitions as bid_transitions
from bids.models import BidEvent, BidEventKind, Submission
from bids.opening import transitions as opening_transitions
from bids.opening.models import OpenedBid, OpenedBidStatus, OpeningSession
from evaluation import transitions as evaluation_transitions
from evaluation.audits import transitions as audit_transitions
from evaluation.audits.models import Audit, CorrectiveAction
from evaluation.award import transitions as award_transitions
from evaluation.award.models import AwardDecision, AwardEvent
from evaluation.ethics import transitions as ethics_transitions
from evaluation.ethics.models import FollowUpEvent, FollowUpPlan, SelfReport
from evaluation.models import EvaluationEvent, LotEvaluation
from notices import transitions as notice_transitions
from notices.models import Notice, NoticeEvent
from notices.questions import transitions as question_transitions
from notices.questions.models import Question, QuestionEvent


@dataclass(frozen=True)
class Change:
    aggregate: str
    pk: str
    old: str
    new: str


MODELS: dict[str, Any] = {"notice": Notice, "question": Question, "submission": Submission,
                          "opening": OpeningSession, "opened_bid": OpenedBid,
                          "evaluation": LotEvaluation, "award": AwardDecision,
                          "follow_up": FollowUpPlan, "self_report": SelfReport,
                          "audit": Audit, "corrective_action": CorrectiveAction}
EDGES: dict[str, Any] = {
    "notice": (notice_transitions.ALLOWED, notice_transitions.EVENT_OF),
    "question": (question_transitions.ALLOWED, question_transitions.EVENT_OF),
    "submission": (bid_transitions.ALLOWED, bid_transitions.EVENT_OF),
    "opening": (opening_transitions.ALLOWED, opening_transitions.EVENT_OF),
    "opened_bid": (opening_transitions.BID_ALLOWED, {
        OpenedBidStatus.OPENED: BidEventKind.OPENED,
        OpenedBidStatus.FAILED: BidEventKind.OPENING_BID_FAILED}),
    # Keyed by (old, new): two edges lead to consensus, each with its own kind.
    "evaluation": (evaluation_transitions.ALLOWED, evaluation_transitions.EVENT_OF),
    "award": (award_transitions.ALLOWED, award_transitions.EVENT_OF),
    # evaluation.ethics: the follow-up plan and the self-report, keyed by (old, new).
    "follow_up": (ethics_transitions.PLAN_ALLOWED, ethics_transitions.PLAN_EVENT_OF),
    "self_report": (ethics_transitions.REPORT_ALLOWED, ethics_transitions.REPORT_EVENT_OF),
    "audit": (audit_transitions.ALLOWED, audit_transitions.EVENT_OF),
    "corrective_action": (audit_transitions.ACTION_ALLOWED, audit_transitions.ACTION_EVENT_OF),
}
SUBMISSION_KINDS = set(bid_transitions.EVENT_OF.values())
OPENING_KINDS = set(opening_transitions.EVENT_OF.values())
EVALUATION_KINDS = set(evaluation_transitions.EVENT_OF.values())
AWARD_KINDS = set(award_transitions.EVENT_OF.values())
PLAN_KINDS = set(ethics_transitions.PLAN_EVENT_OF.values())
REPORT_KINDS = set(ethics_transitions.REPORT_EVENT_OF.values())
AUDIT_KINDS = set(audit_transitions.EVENT_OF.values())
ACTION_KINDS = set(audit_transitions.ACTION_EVENT_OF.values())


def _snapshot() -> dict[str, dict[str, tuple[Any, ...]]]:
    snap = {name: {str(pk): (s,) for pk, s in model.objects.values_list("pk", "status")}
            for name, model in MODELS.items() if name != "opened_bid"}
    # A failed bid that fails again keeps its status; its attempt counter tells.
    snap["opened_bid"] = {str(pk): (s, n, str(sub)) for pk, s, n, sub in
                          OpenedBid.objects.values_list("pk", "status", "attempts",
                                                        "submission_id")}
    return snap


def _marks() -> dict[type, int]:
    return {model: (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
            for model in (NoticeEvent, QuestionEvent, BidEvent, EvaluationEvent, AwardEvent,
                          FollowUpEvent)}


Step = tuple[str, str, str]  # (kind, from, to)


def _steps(marks: dict[type, int], bids_by_submission: dict[str, str]
           ) -> dict[tuple[str, str], list[Step]]:
    """The status events written since `marks`, per (aggregate, row), in order."""
    steps: dict[tuple[str, str], list[Step]] = defaultdict(list)

    def step(event: Any) -> Step:
        return (str(event.kind), str(event.data.get("from")), str(event.data.get("to")))

    for event in NoticeEvent.objects.filter(pk__gt=marks[NoticeEvent]).order_by("pk"):
        if event.kind in notice_transitions.EVENT_OF.values():
            steps["notice", str(event.notice_id)].append(step(event))
    for qevent in QuestionEvent.objects.filter(pk__gt=marks[QuestionEvent]).order_by("pk"):
        # Merged questions also get an "answered" entry, without from/to: not a transition.
        if qevent.kind in question_transitions.EVENT_OF.values() and "to" in qevent.data:
            steps["question", str(qevent.question_id)].append(step(qevent))
    for bevent in BidEvent.objects.filter(pk__gt=marks[BidEvent]).order_by("pk"):
        if bevent.kind in SUBMISSION_KINDS:
            steps["submission", str(bevent.submission_id)].append(step(bevent))
        elif bevent.kind in OPENING_KINDS:
            steps["opening", str(bevent.data.get("session"))].append(step(bevent))
        if bevent.kind in (BidEventKind.OPENED, BidEventKind.OPENING_BID_FAILED):
            bid = bids_by_submission.get(str(bevent.submission_id))
            assert bid is not None, f"{bevent.kind} for a submission with no opened bid"
            to = OpenedBidStatus.OPENED if bevent.kind == BidEventKind.OPENED else \
                OpenedBidStatus.FAILED
            # The submission's event has the submission's from/to: the bid's 'from' is
            # whatever the chain reached.
            steps["opened_bid", bid].append((str(bevent.kind), "", str(to)))
    for eevent in EvaluationEvent.objects.filter(pk__gt=marks[EvaluationEvent]).order_by("pk"):
        if eevent.kind in EVALUATION_KINDS:
            steps["evaluation", str(eevent.evaluation_id)].append(step(eevent))
    for aevent in AwardEvent.objects.filter(pk__gt=marks[AwardEvent]).order_by("pk"):
        if aevent.kind in AWARD_KINDS and aevent.decision_id is not None:
            steps["award", str(aevent.decision_id)].append(step(aevent))
    for fevent in FollowUpEvent.objects.filter(pk__gt=marks[FollowUpEvent]).order_by("pk"):
        if fevent.kind in REPORT_KINDS and "report" in fevent.data:
            steps["self_report", str(fevent.data["report"])].append(step(fevent))
        elif fevent.kind in PLAN_KINDS:
            steps["follow_up", str(fevent.plan_id)].append(step(fevent))
        elif fevent.kind in AUDIT_KINDS and "to" in fevent.data:
            steps["audit", str(fevent.data["audit"])].append(step(fevent))
        elif fevent.kind in ACTION_KINDS:
            steps["corrective_action", str(fevent.data["action"])].append(step(fevent))
    return steps


@contextmanager
def one_event_per_transition() -> Iterator[list[Change]]:
    """Yields a list that, after the block, holds every status edge the block took."""
    before, marks = _snapshot(), _marks()
    changes: list[Change] = []
    yield changes
    after = _snapshot()
    bids_by_submission = {row[2]: pk for pk, row in after["opened_bid"].items()}
    steps = _steps(marks, bids_by_submission)
    problems = []
    for aggregate, rows in after.items():
        allowed, event_of = EDGES[aggregate]
        initial = MODELS[aggregate]._meta.get_field("status").default
        for pk, now in rows.items():
            # A row created in the block started at its model's default status.
            was = before[aggregate].get(pk) or (initial, 0)
            status, stepped = str(was[0]), False
            for kind, old, new in steps.pop((aggregate, pk), []):
                old = old or status
                if old != status:
                    problems.append(f"{aggregate} {pk}: event {kind} from {old}, row was "
                                    f"{status}")
                if (old, new) not in allowed or kind != event_of.get((old, new),
                                                                     event_of.get(new)):
                    problems.append(f"{aggregate} {pk}: {kind} {old} -> {new} is not an edge")
                changes.append(Change(aggregate, pk, old, new))
                status, stepped = new, True
            changed = str(was[0]) != str(now[0]) or (aggregate == "opened_bid"
                                                     and was[1] != now[1])
            if status != str(now[0]) or (changed and not stepped):
                problems.append(f"{aggregate} {pk}: {was[0]} -> {now[0]} without its events")
    problems += [f"{key}: events for no row: {rest}" for key, rest in steps.items()]
    assert not problems, "status changes and their events differ:\n" + "\n".join(problems)
