"""The frozen model: once published, the evaluation model changes only by a change notice with
a reason before the deadline for tenders, and after the deadline through no path at all: the
services, the API, the web forms, the notices' own change notice, or a deadline extension
followed by a change. The database clock decides, whether or not the close job has run."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from backend.errors import ApplicationError, Conflict
from evaluation.criteria import services
from evaluation.criteria.models import AwardCriterion, LotAwardTerms, QualificationRequirement
from evaluation.criteria.selectors import frozen_model_of, model_of, model_sha256
from notices import services as notices
from notices.fields import display_value
from notices.models import Notice, NoticeEvent, NoticeEventKind, NoticeStatus
from tests.evaluation.criteria_helpers import lot_body, requirement, terms, weighted


def _published(make_notice: Any, officer: Any, at: datetime) -> Notice:
    notice = make_notice(publish=False, at=at)
    services.evaluation_model_set(notice=notice, by=officer, terms=terms(), criteria=weighted(),
                                  requirements=[requirement()], now=at)
    return notices.notice_publish(notice=notice, by=officer, now=at)


@pytest.fixture
def past_deadline(make_notice: Any, officer: Any) -> Notice:
    """Published 30 days ago with a 21-day deadline: 9 days past it, the close job not run."""
    notice = _published(make_notice, officer, timezone.now() - timedelta(days=30))
    assert notice.status == NoticeStatus.PUBLISHED
    assert notice.submission_deadline is not None
    assert notice.submission_deadline < timezone.now()
    return notice


def _rows(notice: Notice) -> list[tuple[Any, ...]]:
    return [*AwardCriterion.objects.filter(notice=notice).values_list(
        "lot_number", "position", "kind", "name", "weight", "method"),
        *LotAwardTerms.objects.filter(notice=notice).values_list(
            "lot_number", "basis", "climate_option", "climate_justification"),
        *QualificationRequirement.objects.filter(notice=notice).values_list("title",
                                                                            "documentation")]


class Unchanged:
    """Asserts on exit that the rows, the frozen hash and the versions are as they were."""

    def __init__(self, notice: Notice) -> None:
        self.notice = notice

    def __enter__(self) -> Unchanged:
        frozen = frozen_model_of(self.notice)
        assert frozen is not None
        self.rows, self.sha, self.versions = (_rows(self.notice), frozen.sha256,
                                              self.notice.versions.count())
        return self

    def __exit__(self, *exc: Any) -> None:
        frozen = frozen_model_of(self.notice)
        assert frozen is not None
        assert _rows(self.notice) == self.rows
        assert frozen.sha256 == self.sha == model_sha256(model_of(self.notice))
        assert self.notice.versions.count() == self.versions


NEW_LOT: dict[str, Any] = {"terms": terms(), "criteria": weighted("30", "40", "30")}


def test_it_changes_the_model_by_a_change_notice_before_the_deadline(make_notice: Any,
                                                                     officer: Any) -> None:
    notice = _published(make_notice, officer, timezone.now())
    before = frozen_model_of(notice)
    version = services.evaluation_model_change_publish(
        notice=notice, by=officer, reason="Kvalitet vektes høyere etter markedsdialog.",
        lots=[{"lot_number": 0, **NEW_LOT["terms"], "criteria": NEW_LOT["criteria"]}])
    assert version.number == 2 and version.reason.startswith("Kvalitet")
    assert [change["field"] for change in version.diff] == ["evaluation_model"]
    # Followers and the change history read the change in words.
    (change,) = version.diff
    assert display_value("evaluation_model", change["old"]) == (
        "Award criteria: Pris 40 %, Kvalitet 30 %, Klima og miljø 30 % "
        "[quality-nor-env-criteria]; 1 requirement")
    assert "Kvalitet 40 %" in display_value("evaluation_model", change["new"])
    after = frozen_model_of(notice)
    assert after is not None and before is not None
    assert after.version == 2 and after.sha256 != before.sha256
    assert after.lot(0)["criteria"][0]["weight"] == "30.00"  # type: ignore[index]
    assert after.sha256 == model_sha256(model_of(notice))
    event = NoticeEvent.objects.filter(notice=notice).latest("pk")
    assert event.kind == NoticeEventKind.CHANGED
    assert event.data["fields"] == ["evaluation_model"]


def test_it_needs_a_reason_and_a_valid_model_for_a_change(make_notice: Any,
                                                          officer: Any) -> None:
    notice = _published(make_notice, officer, timezone.now())
    with Unchanged(notice):
        with pytest.raises(ApplicationError) as caught:
            services.evaluation_model_change_publish(notice=notice, by=officer, reason=" ",
                                                     lots=[lot_body()])
        assert "reason" in caught.value.fields
        with pytest.raises(ApplicationError) as caught:
            services.evaluation_model_change_publish(
                notice=notice, by=officer, reason="Ny vekting.",
                lots=[lot_body(criteria=weighted("40", "31", "30"))])
        assert "lots[0].criteria" in caught.value.fields
        # A change the rules of the publication date refuse is refused whole.
        with pytest.raises(ApplicationError) as caught:
            services.evaluation_model_change_publish(
                notice=notice, by=officer, reason="Ny vekting.",
                lots=[lot_body(criteria=weighted("50", "30", "20"))])
        assert caught.value.code == "not_publishable"
        with pytest.raises(ApplicationError) as caught:
            services.evaluation_model_change_publish(notice=notice, by=officer,
                                                     reason="Ingen endring.",
                                                     lots=[lot_body()])
        assert caught.value.code == "no_change"


def test_it_refuses_every_service_path_after_the_deadline(past_deadline: Notice,
                                                          officer: Any) -> None:
    with Unchanged(past_deadline):
        with pytest.raises(Conflict) as caught:
            services.evaluation_model_change_publish(notice=past_deadline, by=officer,
                                                     reason="For sent.", lots=[lot_body(
                                                         criteria=NEW_LOT["criteria"])])
        assert caught.value.code == "deadline_passed"
        with pytest.raises(Conflict):
            services.evaluation_model_change_publish(notice=past_deadline, by=officer,
                                                     reason="For sent.",
                                                     requirements=[])
        for call in (
            lambda: services.evaluation_model_set(notice=past_deadline, by=officer, **NEW_LOT),
            lambda: services.evaluation_model_replace(notice=past_deadline, by=officer,
                                                      lots=[], requirements=[]),
            lambda: services.evaluation_model_requirements_set(notice=past_deadline,
                                                               by=officer, requirements=[]),
            lambda: services.evaluation_model_remove_lot(notice=past_deadline, by=officer,
                                                         lot_number=0),
        ):
            with pytest.raises(Conflict):
                call()


def test_it_refuses_after_the_deadline_by_the_clock_not_the_close_job(
        make_notice: Any, officer: Any) -> None:
    start = timezone.now()
    notice = _published(make_notice, officer, start)
    assert notice.submission_deadline is not None
    just_after = notice.submission_deadline + timedelta(seconds=1)
    just_before = notice.submission_deadline - timedelta(seconds=1)
    with Unchanged(notice), pytest.raises(Conflict):
        services.evaluation_model_change_publish(notice=notice, by=officer, reason="Sent.",
                                                 lots=[lot_body(criteria=NEW_LOT["criteria"])],
                                                 now=just_after)
    services.evaluation_model_change_publish(notice=notice, by=officer, reason="I tide.",
                                             lots=[lot_body(criteria=NEW_LOT["criteria"])],
                                             now=just_before)


def test_it_refuses_after_the_close_job_too(past_deadline: Notice, officer: Any) -> None:
    assert notices.notice_close_due() >= 1
    past_deadline.refresh_from_db()
    assert past_deadline.status == NoticeStatus.CLOSED
    with Unchanged(past_deadline), pytest.raises(Conflict):
        services.evaluation_model_change_publish(notice=past_deadline, by=officer,
                                                 reason="For sent.",
                                                 lots=[lot_body(criteria=NEW_LOT["criteria"])])


def test_it_refuses_the_api_after_the_deadline(past_deadline: Notice, officer: Any,
                                               api_for: Any) -> None:
    client = api_for(officer)
    url = f"/api/notices/{past_deadline.pk}/evaluation-model"
    with Unchanged(past_deadline):
        response = client.put(url, {"lots": [lot_body(criteria=NEW_LOT["criteria"])],
                                    "requirements": []}, format="json")
        assert response.status_code == 409, response.content
        response = client.post(f"{url}/changes", {
            "reason": "For sent.", "lots": [lot_body(criteria=NEW_LOT["criteria"])]},
            format="json")
        assert response.status_code == 409, response.content
        assert response.json()["error"]["code"] == "deadline_passed"


def test_it_refuses_the_web_forms_after_the_deadline(past_deadline: Notice,
                                                     officer: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    base = f"/workspace/notices/{past_deadline.pk}/evaluation-model/"
    post = {"criteria-TOTAL_FORMS": "1", "criteria-INITIAL_FORMS": "0", "basis": "best_ratio",
            "criteria-0-kind": "price", "criteria-0-name": "Pris",
            "criteria-0-method": "price_linear", "criteria-0-weight": "100",
            "reason": "For sent."}
    with Unchanged(past_deadline):
        response = client.post(base + "lot/?lot=0", post)
        assert response.status_code == 302
        assert response.headers["Location"] == base
        page = client.get(base)
        assert "nothing can change the evaluation model" in page.content.decode()
        response = client.post(base + "requirements/", {
            "requirements-TOTAL_FORMS": "0", "requirements-INITIAL_FORMS": "0",
            "reason": "For sent."})
        assert response.status_code == 302


def test_it_refuses_the_notices_own_change_notice_after_the_deadline(
        past_deadline: Notice, officer: Any) -> None:
    with Unchanged(past_deadline):
        with pytest.raises(Conflict):
            notices.notice_change_publish(notice=past_deadline, by=officer,
                                          reason="Ny beskrivelse.",
                                          fields={"description": "Endret."})
        with pytest.raises(Conflict):
            notices.notice_deadline_extend(
                notice=past_deadline, by=officer,
                submission_deadline=timezone.now() + timedelta(days=30))
        # …and so no change of the model can follow an extension.
        with pytest.raises(Conflict):
            services.evaluation_model_change_publish(
                notice=past_deadline, by=officer, reason="Etter forlengelse.",
                lots=[lot_body(criteria=NEW_LOT["criteria"])])


def test_it_follows_an_extended_deadline_then_freezes_at_the_new_one(make_notice: Any,
                                                                     officer: Any) -> None:
    start = timezone.now()
    notice = _published(make_notice, officer, start)
    assert notice.submission_deadline is not None
    first = notice.submission_deadline
    extended = first + timedelta(days=10)
    notices.notice_deadline_extend(notice=notice, by=officer, submission_deadline=extended,
                                   now=start + timedelta(days=1))
    notice.refresh_from_db()
    # Past the first deadline, before the new one: the change notice is still allowed.
    services.evaluation_model_change_publish(notice=notice, by=officer, reason="Ny vekting.",
                                             lots=[lot_body(criteria=NEW_LOT["criteria"])],
                                             now=first + timedelta(days=1))
    frozen = frozen_model_of(notice)
    assert frozen is not None and frozen.version == 3
    with Unchanged(notice), pytest.raises(Conflict):
        services.evaluation_model_change_publish(notice=notice, by=officer, reason="Sent.",
                                                 lots=[lot_body()],
                                                 now=extended + timedelta(minutes=1))


def test_it_shows_the_frozen_model_with_its_hash_on_the_public_page(past_deadline: Notice,
                                                                    client: Client) -> None:
    frozen = frozen_model_of(past_deadline)
    assert frozen is not None
    page = client.get(f"/notices/{past_deadline.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert frozen.sha256 in html
    assert "Klima og miljø" in html and "30 %" in html
