"""The award decision of a lot: proposed from the ranking, written as a draft, sent to every
bidder at one moment (one transaction, one sent_at, letters in each recipient's language),
withdrawn with a reason and sent anew (both kept); frameworks and no award; the price
justification rule; the ranking is not reopened while a sent decision rests on it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from backend.errors import ApplicationError, Conflict, Forbidden
from evaluation.award import letters, services
from evaluation.award.models import (
    AwardDecision,
    AwardEvent,
    AwardEventKind,
    AwardLetter,
    Contract,
)
from evaluation.models import EvaluationStatus
from evaluation.qualification import services as qualification
from evaluation.scores import services as scores
from notices.following.models import InboxMessage
from tests.evaluation.award.conftest import Lot, rank

PRICE = "Den høyere prisen oppveies av klart bedre kvalitet i gjennomføringen."


def draft(lot: Lot, **changes: Any) -> AwardDecision:
    decision = services.award_draft(evaluation=lot.evaluation, by=lot.officer)
    if changes:
        fields = {"outcome": "winner", "winners": [str(lot.offers[0].pk)],
                  "letter_text": decision.letter_text,
                  "price_justification": decision.price_justification, **changes}
        decision = services.award_update_draft(decision=decision, by=lot.officer, **fields)
    return decision


def test_the_draft_is_proposed_from_the_ranking(ranked: Lot) -> None:
    decision = draft(ranked)
    winners = list(decision.winners.all())
    assert [w.submission_id for w in winners] == [ranked.offers[0].pk]
    assert winners[0].rank == 1 and str(winners[0].value) == "1000000.00"
    assert decision.outcome == "winner" and decision.status == "draft"
    # Pre-filled from the committee's consensus reasons, per criterion.
    assert "Kvalitet i gjennomføringen:" in decision.letter_text
    assert "Komiteen er enig etter gjennomgang av besvarelsene." in decision.letter_text
    # The winner is not the cheapest: the figures start the price justification.
    assert "Vestkyst Entreprenør AS" in decision.price_justification
    event = AwardEvent.objects.get(decision=decision)
    assert event.kind == AwardEventKind.DRAFTED and event.by == ranked.officer


def test_only_a_ranked_lot_gets_a_draft(make_lot: Callable[..., Lot]) -> None:
    lot = make_lot()
    with pytest.raises(Conflict):
        services.award_draft(evaluation=lot.evaluation, by=lot.officer)
    assert not AwardDecision.objects.exists()


def test_one_live_decision_per_lot(ranked: Lot) -> None:
    draft(ranked)
    with pytest.raises(Conflict):
        services.award_draft(evaluation=ranked.evaluation, by=ranked.officer)


def test_only_a_cleared_officer_decides(ranked: Lot) -> None:
    with pytest.raises(Forbidden):
        services.award_draft(evaluation=ranked.evaluation, by=ranked.members[0])
    decision = draft(ranked)
    with pytest.raises(Forbidden):
        services.award_send(decision=decision, by=ranked.members[0])
    with pytest.raises(Forbidden):
        services.award_withdraw(decision=decision, by=ranked.suppliers[0],
                                reason="Dette er en lang nok begrunnelse for tilbaketrekking.")


def test_bad_input_names_the_field_and_changes_nothing(ranked: Lot) -> None:
    decision = draft(ranked)
    before = decision.letter_text
    cases: list[tuple[dict[str, Any], str]] = [
        ({"outcome": "lottery"}, "outcome"),
        ({"winners": ["not-an-offer"]}, "winners"),
        ({"winners": [str(ranked.offers[0].pk), str(ranked.offers[1].pk)]}, "winners"),
        ({"outcome": "framework"}, "winners"),
        ({"outcome": "no_award"}, "winners"),
        ({"standstill_exception": "friday"}, "standstill_exception"),
        ({"letter_text": "x" * 20001}, "letter_text"),
    ]
    for change, field in cases:
        fields = {"outcome": "winner", "winners": [str(ranked.offers[0].pk)],
                  "letter_text": "Endret tekst", **change}
        with pytest.raises(ApplicationError) as caught:
            services.award_update_draft(decision=decision, by=ranked.officer, **fields)
        assert field in caught.value.fields, change
    decision.refresh_from_db()
    assert decision.letter_text == before


# --- sending ------------------------------------------------------------------------------------


def test_sending_writes_every_letter_at_one_moment(
        ranked: Lot, django_capture_on_commit_callbacks: Any) -> None:
    decision = draft(ranked)
    sent = services.award_send(decision=decision, by=ranked.officer)
    assert list(AwardEvent.objects.filter(decision=decision).values_list("kind", flat=True)
                .order_by("pk")) == [AwardEventKind.DRAFTED, AwardEventKind.SENT]
    sent.refresh_from_db()
    assert sent.status == "sent" and sent.sent_at is not None and sent.sent_by == ranked.officer
    found = list(AwardLetter.objects.filter(decision=sent, kind="award"))
    assert sorted(x.submission_id for x in found) == sorted(o.pk for o in ranked.offers)
    assert {x.sent_at for x in found} == {sent.sent_at}
    for letter in found:
        assert letter.pdf_sha256 == hashlib.sha256(letters.letter_pdf(letter)).hexdigest()
        assert "Fjordbygg AS" in letter.text  # the winner, in every letter
    messages = InboxMessage.objects.filter(kind="award")
    assert messages.count() == 3
    assert {m.created_at for m in messages} == {sent.sent_at}
    assert {m.path for m in messages} == {f"/evaluation/award-letters/{x.pk}/" for x in found}
    event = AwardEvent.objects.get(decision=sent, kind=AwardEventKind.SENT)
    assert event.data["standstill_days"] == 10 and event.data["bidders"] == 3


def test_if_one_letter_fails_none_exist(ranked: Lot, monkeypatch: pytest.MonkeyPatch) -> None:
    decision = draft(ranked)
    real = letters.pdf_sha256
    calls = {"n": 0}

    def flaky(letter: AwardLetter) -> str:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the PDF renderer broke")
        return real(letter)

    monkeypatch.setattr(letters, "pdf_sha256", flaky)
    with pytest.raises(RuntimeError):
        services.award_send(decision=decision, by=ranked.officer)
    decision.refresh_from_db()
    assert decision.status == "draft" and decision.sent_at is None
    assert not AwardLetter.objects.exists()
    assert not InboxMessage.objects.filter(kind="award").exists()
    assert not AwardEvent.objects.filter(kind=AwardEventKind.SENT).exists()


def test_letters_are_in_the_recipients_language(ranked: Lot) -> None:
    english, norwegian = ranked.suppliers[0], ranked.suppliers[1]
    english.language, norwegian.language = "en", "nb"
    english.save(update_fields=["language"])
    norwegian.save(update_fields=["language"])
    sent = services.award_send(decision=draft(ranked), by=ranked.officer,
                               now=datetime(2027, 3, 20, 22, 30, tzinfo=UTC))
    mine = AwardLetter.objects.get(decision=sent, submission=ranked.offers[0])
    theirs = AwardLetter.objects.get(decision=sent, submission=ranked.offers[1])
    assert mine.language == "en" and theirs.language == "nb"
    assert mine.subject.startswith("Award decision:")
    assert "Your offer is the winning offer." in mine.text
    assert "31 March 2027 at 00:00 (Norwegian time)" in mine.text
    assert "How to complain" in mine.text and "KOFA" in mine.text
    assert "midlertidig forføyning" in mine.text
    assert theirs.subject.startswith("Tildelingsbeslutning:")
    assert "Slik klager dere" in theirs.text and "31. mars 2027 kl. 00:00" in theirs.text
    assert "Ditt tilbud er rangert som nummer 3 av 3." in theirs.text
    # The officer's free text is quoted as written, in both.
    assert sent.price_justification.splitlines()[0] in mine.text
    assert sent.price_justification.splitlines()[0] in theirs.text
    inbox = {m.user_id: m for m in InboxMessage.objects.filter(kind="award")}
    assert inbox[english.pk].subject.startswith("Award decision:")
    assert inbox[norwegian.pk].subject.startswith("Tildelingsbeslutning:")


def test_each_bidder_reads_their_scores_beside_the_winners(ranked: Lot) -> None:
    sent = services.award_send(decision=draft(ranked), by=ranked.officer)
    third = AwardLetter.objects.get(decision=sent, submission=ranked.offers[1])
    table = "\n".join(letters.score_lines(ranked.evaluation, sent, ranked.offers[1]))
    assert ranked.offers[0].supplier.name in table
    assert ranked.offers[2].supplier.name not in table  # only the recipient and the winner
    assert table in third.text or "Poeng" in third.text
    assert "Komiteen er enig" in third.text  # the committee's reasons for the recipient's offer


# --- the price justification rule ------------------------------------------------------------


def test_a_dearer_winner_needs_a_price_justification(ranked: Lot) -> None:
    decision = draft(ranked, price_justification="")
    with pytest.raises(ApplicationError) as caught:
        services.award_send(decision=decision, by=ranked.officer)
    assert list(caught.value.fields) == ["price_justification"]
    decision = services.award_update_draft(
        decision=decision, by=ranked.officer, outcome="winner",
        winners=[str(ranked.offers[0].pk)], letter_text=decision.letter_text,
        price_justification=PRICE)
    sent = services.award_send(decision=decision, by=ranked.officer)
    assert PRICE in AwardLetter.objects.filter(decision=sent).first().text  # type: ignore[union-attr]


def test_the_cheapest_winner_needs_none(make_lot: Callable[..., Lot],
                                        django_capture_on_commit_callbacks: Any) -> None:
    lot = rank(make_lot(), amounts=["900000", "1100000", "1000000"])
    decision = draft(lot, price_justification="")
    assert decision.winners.get().submission_id == lot.offers[0].pk
    assert services.send_problems(decision) == {}
    services.award_send(decision=decision, by=lot.officer)


def test_points_alone_are_not_enough(ranked: Lot) -> None:
    decision = draft(ranked, letter_text="")
    with pytest.raises(ApplicationError) as caught:
        services.award_send(decision=decision, by=ranked.officer)
    assert "letter_text" in caught.value.fields


# --- other outcomes ---------------------------------------------------------------------------


def test_a_framework_with_several_suppliers(ranked: Lot) -> None:
    decision = draft(ranked, outcome="framework",
                     winners=[str(ranked.offers[2].pk), str(ranked.offers[0].pk)])
    assert [w.rank for w in decision.winners.all()] == [1, 2]
    sent = services.award_send(decision=decision, by=ranked.officer)
    sent.refresh_from_db()
    assert sent.outcome == "framework" and sent.standstill_days == 10
    loser = AwardLetter.objects.get(decision=sent, submission=ranked.offers[1])
    assert "framework agreement with: Fjordbygg AS, Vestkyst Entreprenør AS" in loser.text \
        or "rammeavtale med: Fjordbygg AS, Vestkyst Entreprenør AS" in loser.text


def test_no_award(ranked: Lot) -> None:
    decision = draft(ranked, outcome="no_award", winners=[])
    with pytest.raises(ApplicationError) as caught:
        services.award_send(decision=decision, by=ranked.officer)
    assert "no_award_reason" in caught.value.fields
    decision = services.award_update_draft(
        decision=decision, by=ranked.officer, outcome="no_award", winners=[],
        no_award_reason="Alle tilbudene overstiger budsjettet for anskaffelsen vesentlig.")
    sent = services.award_send(decision=decision, by=ranked.officer)
    sent.refresh_from_db()
    assert not sent.winners.exists() and sent.standstill_days == 0
    assert AwardLetter.objects.filter(decision=sent).count() == 3
    assert "overstiger budsjettet" in AwardLetter.objects.filter(decision=sent).first().text  # type: ignore[union-attr]


def test_a_rejected_bidder_gets_the_letter_too(make_lot: Callable[..., Lot],
                                               django_capture_on_commit_callbacks: Any) -> None:
    lot = make_lot()
    qualification.bid_reject(submission=lot.offers[2], ground="not_qualified",
                             reasons="Oppfyller ikke kravet til omsetning.", by=lot.officer)
    rejected = lot.offers[2]
    lot.offers = lot.offers[:2]
    rank(lot, amounts=["1000000", "1100000"])
    sent = services.award_send(decision=draft(lot, price_justification=""), by=lot.officer)
    found = AwardLetter.objects.filter(decision=sent)
    assert found.count() == 3
    letter = found.get(submission=rejected)
    assert ("was rejected on" in letter.text) or ("ble avvist" in letter.text)


# --- withdrawing ------------------------------------------------------------------------------


def test_withdraw_and_send_anew_keeps_both(ranked: Lot) -> None:
    first = services.award_send(decision=draft(ranked), by=ranked.officer)
    with pytest.raises(ApplicationError) as caught:
        services.award_withdraw(decision=first, by=ranked.officer, reason="kort")
    assert "reason" in caught.value.fields
    services.award_withdraw(decision=first, by=ranked.officer,
                            reason="Feil i prisen til Fjordbygg AS; ny beslutning kommer.")
    first.refresh_from_db()
    assert first.status == "withdrawn" and first.withdraw_reason.startswith("Feil i prisen")
    withdrawals = AwardLetter.objects.filter(decision=first, kind="withdrawal")
    assert withdrawals.count() == 3 and len({x.sent_at for x in withdrawals}) == 1
    assert "Feil i prisen" in withdrawals.first().text  # type: ignore[union-attr]
    assert InboxMessage.objects.filter(kind="award_withdrawn").count() == 3
    second = services.award_send(decision=draft(ranked), by=ranked.officer)
    assert AwardDecision.objects.filter(notice=ranked.notice).count() == 2
    assert sorted(AwardDecision.objects.values_list("status", flat=True)) == ["sent",
                                                                               "withdrawn"]
    assert AwardLetter.objects.filter(decision=second).count() == 3
    assert AwardLetter.objects.count() == 9


def test_a_draft_is_discarded_without_letters(ranked: Lot) -> None:
    decision = draft(ranked)
    services.award_withdraw(decision=decision, by=ranked.officer,
                            reason="Utkastet var feil; vi lager et nytt.")
    decision.refresh_from_db()
    assert decision.status == "withdrawn" and not AwardLetter.objects.exists()


def test_no_withdrawal_once_a_contract_is_recorded(ranked: Lot) -> None:
    sent = services.award_send(decision=draft(ranked), by=ranked.officer)
    Contract.objects.create(notice=ranked.notice, decision=sent, supplier=ranked.offers[0].supplier,
                            title="Kontrakt", value=1000000, signed_on=date(2027, 1, 1),
                            starts_on=date(2027, 1, 1), recorded_at=sent.sent_at,  # type: ignore[misc]
                            recorded_by=ranked.officer)
    with pytest.raises(Conflict) as caught:
        services.award_withdraw(decision=sent, by=ranked.officer,
                                reason="Vi ønsker å trekke tilbake beslutningen nå.")
    assert caught.value.code == "contract_signed"
    sent.refresh_from_db()
    assert sent.status == "sent"


# --- the ranking under a sent decision ------------------------------------------------------------


def test_the_ranking_is_not_reopened_while_a_decision_is_sent(ranked: Lot) -> None:
    sent = services.award_send(decision=draft(ranked), by=ranked.officer)
    reason = "Konsensus må vurderes på nytt etter klage."
    with pytest.raises(Conflict) as caught:
        scores.evaluation_reopen(evaluation=ranked.evaluation, by=ranked.officer, reason=reason)
    assert caught.value.code == "award_sent"
    services.award_withdraw(decision=sent, by=ranked.officer, reason=reason)
    scores.evaluation_reopen(evaluation=ranked.evaluation, by=ranked.officer, reason=reason)
    assert ranked.evaluation.status == EvaluationStatus.CONSENSUS


def test_reopening_discards_a_draft(ranked: Lot) -> None:
    decision = draft(ranked)
    scores.evaluation_reopen(evaluation=ranked.evaluation, by=ranked.officer,
                             reason="Konsensus må vurderes på nytt etter innspill.")
    decision.refresh_from_db()
    assert decision.status == "withdrawn"


def test_each_status_change_of_a_decision_writes_one_event(ranked: Lot) -> None:
    from tests.transitions_check import Change, one_event_per_transition

    with one_event_per_transition() as changes:
        first = services.award_send(decision=draft(ranked), by=ranked.officer)
        services.award_withdraw(decision=first, by=ranked.officer,
                                reason="Feil i prisen til Fjordbygg AS; ny beslutning kommer.")
        second = draft(ranked)
        services.award_withdraw(decision=second, by=ranked.officer,
                                reason="Utkastet var feil; vi lager et nytt.")
    awards = [c for c in changes if c.aggregate == "award"]
    assert awards == [Change("award", str(first.pk), "draft", "sent"),
                      Change("award", str(first.pk), "sent", "withdrawn"),
                      Change("award", str(second.pk), "draft", "withdrawn")]
