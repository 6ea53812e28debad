"""Thin web views of bids/: the committee and key enrolment, the supplier's bid page, receipts,
and the opening (member shares, progress, protocol, opened bids).

Reads go through bids.selectors and bids.opening.services, writes through the services; the
heavy lifting in the browser (key generation and wrapping, sealing, share opening) is done by
the ES modules in bids/static/bids/ on top of the ETB-1 library in /static/etb1/.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import Membership, User
from accounts.selectors import suppliers_of
from backend.auth import request_user
from backend.clock import db_now
from backend.errors import ApplicationError, Forbidden, NotFound
from bids import committee as committee_services
from bids import permissions, selectors
from bids import submission as submission_services
from bids.keys import platform_public_key_hex
from bids.models import CommitteeMember, Receipt, SubmissionStatus
from bids.opening import services as opening
from bids.opening.downloads import streaming_download
from bids.opening.models import OpenedBidStatus
from bids.opening.protocol import protocol_data, protocol_pdf
from bids.opening.selectors import status_payload
from bids.views_i18n import bid_messages, enrol_messages, opening_messages
from notices.models import Notice
from notices.selectors import notice_get_visible


def _notice(request: HttpRequest, pk: int) -> Notice:
    return notice_get_visible(pk=pk, user=request.user)


@contextlib.contextmanager
def _failure_as_message(request: HttpRequest) -> Iterator[None]:
    """A refused action (ApplicationError) becomes an error message on the page the view
    redirects to; anything else propagates."""
    try:
        yield
    except ApplicationError as exc:
        messages.error(request, exc.message)


def _iso(moment: Any) -> str:
    return moment.isoformat() if moment else ""


# --- committee and keys ------------------------------------------------------------------------


@login_required
def committee_page(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    # The committee of a visible notice is public (the API shows it), so this is 403.
    if not permissions.may_see_committee_page(request.user, notice):
        raise Forbidden(_("Only procurement officers and the committee members see this "
                          "page."))
    editor = permissions.may_manage_committee(request.user, notice)
    seats = list(CommitteeMember.objects.filter(committee__notice=notice,
                                                user=request_user(request)).order_by("pk"))
    committee = selectors.committee_get(notice=notice)
    if request.method == "POST":
        if not editor:
            raise Forbidden(_("Only procurement officers change the committee."))
        with _failure_as_message(request):
            _committee_action(request, notice)
        return redirect("bids:committee", pk=notice.pk)
    members = list(committee.members.select_related("user").order_by("removed_at", "added_at")
                   ) if committee else []
    people = (Membership.objects.filter(organization=notice.buyer).select_related("user")
              .order_by("user__full_name", "user__email"))
    candidates: dict[int, User] = {}
    for membership in people:
        candidates.setdefault(membership.user_id, membership.user)
    active_ids = {m.user_id for m in members if m.is_active}
    return render(request, "bids/committee.html", {
        "notice": notice, "committee": committee, "members": members, "editor": editor,
        "candidates": list(candidates.values()), "active_ids": active_ids,
        "missing_keys": sum(1 for m in members if m.is_active and not m.has_key),
        "manifests": selectors.manifest_list_public(notice=notice),
        "my_seats": [s for s in seats if s.is_active],
        "is_draft": notice.status == "draft",
        "deadline_passed": selectors.deadline_passed(notice),
    })


def _committee_action(request: HttpRequest, notice: Notice) -> None:
    action = request.POST.get("action", "")
    by = request_user(request)
    if action == "configure":
        ids = [int(v) for v in request.POST.getlist("members") if v.isdigit()]
        users = list(User.objects.filter(pk__in=ids, memberships__organization=notice.buyer)
                     .distinct())
        try:
            k = int(request.POST.get("k", "2"))
        except ValueError:
            raise ApplicationError(_("k must be a whole number.")) from None
        result = committee_services.committee_configure(notice=notice, by=by, members=users,
                                                        k=k)
        messages.success(request, _("The committee is saved. Each member now enrols a key."))
        for warning in result.warnings:
            messages.warning(request, warning)
    elif action == "add":
        user = User.objects.filter(pk=request.POST.get("user") or 0).first()
        if user is None:
            raise ApplicationError(_("Choose a person to add."))
        committee_services.committee_member_add(notice=notice, user=user, by=by)
        messages.success(request, _("%(who)s was added; they enrol a key next.")
                         % {"who": user.get_full_name()})
    elif action == "remove":
        member = selectors.committee_member_get(notice=notice,
                                                member_id=int(request.POST.get("member", 0)))
        committee_services.committee_member_remove(
            member=member, by=by, reason=request.POST.get("reason", ""),
            key_lost=request.POST.get("key_lost") == "on")
        messages.success(request, _("The member was removed."))
    elif action == "republish":
        manifest = committee_services.manifest_republish(
            notice=notice, by=by, reason=request.POST.get("reason", ""))
        messages.success(request, _("Manifest version %(n)s is published.")
                         % {"n": manifest.number})
    else:
        raise ApplicationError(_("Unknown action."))


@login_required
def enrol_page(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    notice = _notice(request, pk)
    member = selectors.committee_member_get(notice=notice, member_id=member_id)
    if member.user_id != request.user.pk:
        raise NotFound(_("No such committee seat."))
    if request.method == "POST":
        try:
            wrapped = json.loads(request.body or b"null")
        except ValueError:
            return HttpResponseBadRequest(_("Send the wrapped key as JSON."))
        try:
            member = committee_services.committee_member_enrol_key(
                member=member, by=request_user(request), wrapped_key=wrapped)
        except ApplicationError as exc:
            return JsonResponse({"error": {"code": exc.code, "message": exc.message}},
                                status=exc.status_code)
        return JsonResponse({"key_id": member.key_id, "public_key": member.public_key,
                             "enrolled_at": _iso(member.enrolled_at)})
    suggested = "".join(c if c.isalnum() or c in "._@:+-" else "-"
                        for c in request.user.email)[:48]  # type: ignore[union-attr]
    return render(request, "bids/enrol.html", {
        "notice": notice, "member": member,
        "suggested_key_id": f"{suggested}-{timezone.now():%Y%m%d%H%M}",
        "deadline_passed": selectors.deadline_passed(notice), "i18n": enrol_messages(),
    })


# --- my tasks -----------------------------------------------------------------------------------


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    """What waits for a committee member (keys, openings) and for an officer (openings)."""
    tasks = selectors.tasks_for(user=request.user)
    return render(request, "bids/tasks.html", {
        "todo": [t for t in tasks if t.state == "todo"],
        "waiting": [t for t in tasks if t.state == "waiting"],
        "done": [t for t in tasks if t.state == "done"],
    })


@login_required
@require_POST
def committee_remind(request: HttpRequest, pk: int) -> HttpResponse:
    """The officer asks the members without a key to enrol one (inbox and e-mail)."""
    notice = _notice(request, pk)
    if not permissions.may_manage_committee(request.user, notice):
        raise Forbidden(_("Only procurement officers change the committee."))
    with _failure_as_message(request):
        asked = committee_services.committee_remind_keys(notice=notice, by=request_user(request))
        if asked:
            messages.success(request, ngettext(
                "%(n)s member without a key is asked to enrol one.",
                "%(n)s members without a key are asked to enrol one.", asked) % {"n": asked})
        else:
            messages.info(request, _("Every member has enrolled a key."))
    return redirect("bids:committee", pk=notice.pk)


# --- the supplier's bid page ------------------------------------------------------------------


def _bid_context(request: HttpRequest, notice: Notice) -> dict[str, Any]:
    committee = selectors.committee_get(notice=notice)
    manifest = committee_services.manifest_current(notice)
    own = list(selectors.submission_list_own(user=request.user, notice=notice))
    current = next((s for s in own if s.status == SubmissionStatus.SEALED), None)
    return {
        "notice": notice, "committee": committee, "manifest": manifest,
        "submissions": own, "current": current,
        "suppliers": list(suppliers_of(user=request.user)),
        "server_now": _iso(db_now()), "deadline_iso": _iso(notice.submission_deadline),
        "deadline_passed": selectors.deadline_passed(notice),
        "public_key": platform_public_key_hex(),
        "api_base": f"/api/notices/{notice.pk}/submissions/",
        "max_bid_bytes": submission_services.max_bid_bytes(committee) if committee else 0,
        "i18n": bid_messages(),
    }


@login_required
def bid_page(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    if not permissions.may_submit(request.user):
        raise Forbidden(_("Only users of a supplier organisation submit bids."))
    return render(request, "bids/bid.html", _bid_context(request, notice))


@login_required
@require_POST
def bid_withdraw(request: HttpRequest, pk: int, submission_id: str) -> HttpResponse:
    notice = _notice(request, pk)
    sub = selectors.submission_get_own(user=request.user, notice_id=notice.pk,
                                       submission_id=submission_id)
    with _failure_as_message(request):
        submission_services.submission_withdraw(submission=sub, by=request_user(request))
        messages.success(request, _("Your bid is withdrawn. You can submit a new one before "
                                    "the deadline."))
    return redirect("bids:bid", pk=notice.pk)


@login_required
def receipt_page(request: HttpRequest, pk: int, submission_id: str) -> HttpResponse:
    notice = _notice(request, pk)
    sub = selectors.submission_get_own(user=request.user, notice_id=notice.pk,
                                       submission_id=submission_id)
    try:
        receipt = sub.receipt
    except Receipt.DoesNotExist:
        raise NotFound(_("This submission has no receipt: it was never finalised.")) from None
    signed = {"receipt": receipt.receipt, "signature": receipt.signature}
    api = f"/api/notices/{notice.pk}/submissions/{sub.pk}/"
    return render(request, "bids/receipt_page.html", {
        "submission": sub, "notice": notice, "receipt": receipt.receipt,
        "signature": receipt.signature, "public_key": receipt.public_key,
        "received_oslo": sub.received_at, "received_utc": receipt.receipt.get("received_at"),
        "signed_json": json.dumps(signed, indent=2, sort_keys=True),
        "receipt_url": api + "receipt", "proof_url": api + "inclusion-proof",
        "interactive": True, "i18n": bid_messages(),
    })


# --- opening -------------------------------------------------------------------------------------


def _opening_notice(request: HttpRequest, pk: int) -> Notice:
    notice = _notice(request, pk)
    if not permissions.takes_part_in_opening(request.user, notice):
        raise NotFound(_("No such opening."))
    return notice


def _impartiality_context(request: HttpRequest, notice: Notice) -> dict[str, bool]:
    from evaluation import permissions as evaluation_permissions

    evaluator = evaluation_permissions.is_evaluator(request.user, notice)
    conflict = evaluation_permissions.has_conflict(request.user, notice)
    return {"sees_evaluation": evaluation_permissions.may_see_evaluation(request.user, notice),
            "conflict": conflict,
            "declare_first": evaluator and not conflict and not evaluation_permissions
            .cleared_for_bid_content(request.user, notice)}


@login_required
def opening_page(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _opening_notice(request, pk)
    session = opening.opening_get(notice=notice)
    seats = opening.member_seats(request.user, notice)
    payload = status_payload(session) if session else None
    bids = []
    if session is not None and permissions.may_read_opened(request.user, notice):
        bids = list(session.bids.filter(status=OpenedBidStatus.OPENED)
                    .select_related("submission__supplier").order_by("submission__received_at"))
    return render(request, "bids/opening.html", {
        "notice": notice, "session": session,
        # Its k is the number of members whose shares open the bids (shown before the start).
        "committee": selectors.committee_get(notice=notice),
        "editor": permissions.may_run_opening(request.user, notice),
        "member": bool(seats), "may_read": permissions.may_read_opened(request.user, notice),
        # Impartiality first (evaluation.permissions): who must declare before reading.
        **_impartiality_context(request, notice),
        "deadline_passed": selectors.deadline_passed(notice),
        "status_json": json.dumps(payload, default=str) if payload else "null",
        "opened_bids": bids, "i18n": opening_messages(),
    })


@login_required
@require_POST
def opening_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _opening_notice(request, pk)
    if not permissions.may_run_opening(request.user, notice):
        raise Forbidden(_("Only procurement officers of %(buyer)s can start the opening.")
                        % {"buyer": notice.buyer.name})
    with _failure_as_message(request):
        opening.opening_start(notice=notice, by=request_user(request))
        messages.success(request, _("The opening session is started. Each committee member "
                                    "now opens their shares on this page."))
    return redirect("bids:opening", pk=notice.pk)


@login_required
@require_POST
def opening_resume_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _opening_notice(request, pk)
    session = opening.opening_get(notice=notice)
    if session is None:
        raise NotFound(_("No opening session."))
    with _failure_as_message(request):
        if request.POST.get("action") == "renew":
            opening.opening_renew_key(session=session, by=request_user(request))
            messages.success(request, _("The session key is renewed; the members send their "
                                        "shares again."))
        else:
            opening.opening_resume(session=session, by=request_user(request))
            messages.success(request, _("The opening is resumed."))
    return redirect("bids:opening", pk=notice.pk)


def _session_for_protocol(request: HttpRequest, pk: int) -> Any:
    notice = _opening_notice(request, pk)
    session = opening.opening_get(notice=notice)
    if session is None:
        raise NotFound(_("The opening has not started."))
    return session


@login_required
def protocol_page(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_for_protocol(request, pk)
    return render(request, "bids/protocol.html", {"p": protocol_data(session),
                                                  "notice": session.notice})


@login_required
def protocol_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_for_protocol(request, pk)
    response = HttpResponse(protocol_pdf(protocol_data(session)), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="opening-protocol-{session.notice.reference}.pdf"')
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def opened_download(request: HttpRequest, pk: int, submission_id: str,
                    index: int | None = None) -> StreamingHttpResponse:
    notice = _opening_notice(request, pk)
    session = opening.opening_get(notice=notice)
    if session is None:
        raise NotFound(_("No such bid."))
    return streaming_download(opening.opened_file_read(
        session=session, submission_id=submission_id, user=request_user(request), file_index=index))
