"""The opening protocol: what was opened, from whom, when, by whom, and the log's proof.

One data builder (`protocol_data`) feeds the HTML page and the PDF (reportlab), so the two
always say the same thing. Times are shown in Norwegian time (Europe/Oslo) and given in UTC too.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from backend.formatting import format_number, format_oslo, format_size
from bids.models import BidEvent, BidEventKind, Submission, SubmissionStatus
from bids.opening.models import OpenedBidStatus, OpeningSession, OpeningShare
from notices.models import Notice

# The events the protocol lists as "arrived after the deadline", by name.
LATE_KINDS = frozenset({BidEventKind.LATE_REFUSED})


@dataclass
class ProtocolBid:
    supplier: str
    supplier_id: str
    submission: str
    received_at: datetime | None
    size: int
    chunks: int
    root: str
    header_hash: str
    context_hash: str
    sealing: str
    status: str
    files: list[dict[str, Any]] = field(default_factory=list)
    opened_with: list[str] = field(default_factory=list)
    error: str = ""


@dataclass
class ProtocolNotReceived:
    """A bid that was not received: an upload never completed, or an attempt after the
    deadline. Not a rejection (avvisning), which is a decision of its own."""

    supplier: str
    submission: str
    reason: str
    at: datetime | None


@dataclass
class ProtocolOpener:
    name: str
    key_id: str
    first_share_at: datetime
    shares: int


@dataclass
class ProtocolData:
    notice: Notice
    session: OpeningSession
    deadline: datetime
    generated_at: datetime
    bids: list[ProtocolBid]
    not_received: list[ProtocolNotReceived]
    withdrawn: int
    superseded: int
    openers: list[ProtocolOpener]
    started_by: str
    tree_head: dict[str, Any]


def _not_received(notice: Notice, deadline: datetime) -> list[ProtocolNotReceived]:
    """Submissions that never got a receipt before the deadline (an upload never completed),
    and late attempts the submission side recorded. An upload the supplier cancelled itself
    before the deadline is left out. None of these is called a rejection: that is a formal
    decision, recorded as such (status "rejected")."""
    rows: list[ProtocolNotReceived] = []
    # A bid the evaluation rejected after opening is an opened bid here, not "not received".
    unfinished = Submission.objects.filter(
        notice=notice, status__in=[SubmissionStatus.UPLOADING, SubmissionStatus.ABANDONED,
                                   SubmissionStatus.REJECTED]).exclude(
        opened__status=OpenedBidStatus.OPENED).select_related("supplier")
    events = BidEvent.objects.filter(notice=notice, submission__in=unfinished)
    cancelled = set(events.filter(kind=BidEventKind.ABANDONED, by__isnull=False,
                                  at__lt=deadline).values_list("submission_id", flat=True))
    uploaded = set(events.filter(kind=BidEventKind.PART_RECEIVED)
                   .values_list("submission_id", flat=True))
    late = list(BidEvent.objects.filter(notice=notice, kind__in=LATE_KINDS).select_related(
        "submission__supplier").order_by("at"))
    refused_late = {event.submission_id for event in late}
    for sub in unfinished.order_by("created_at"):
        if sub.pk in cancelled or sub.pk in refused_late:
            continue
        if sub.status == SubmissionStatus.REJECTED:
            reason = _("Rejected")
        elif sub.pk in uploaded or sub.sealing == "server":
            reason = _("Upload never completed before the deadline: no receipt, not opened")
        else:
            reason = _("Started, but nothing was uploaded before the deadline")
        rows.append(ProtocolNotReceived(supplier=sub.supplier.name, submission=str(sub.pk),
                                     reason=reason, at=sub.created_at))
    seen: set[Any] = set()
    for event in late:
        if event.submission_id is not None:
            if event.submission_id in seen:
                continue
            seen.add(event.submission_id)
        refused = event.submission
        rows.append(ProtocolNotReceived(
            supplier=refused.supplier.name if refused else str(event.data.get("supplier", "")),
            submission=str(refused.pk) if refused else "", at=event.at,
            reason=_("Arrived after the deadline; nothing was accepted")))
    return rows


def protocol_data(session: OpeningSession, *, now: datetime | None = None) -> ProtocolData:
    notice = session.notice
    bids = []
    for bid in session.bids.select_related("submission__supplier").order_by(
            "submission__received_at", "pk"):
        sub = bid.submission
        bids.append(ProtocolBid(
            supplier=sub.supplier.name, supplier_id=sub.supplier.identifier,
            submission=str(sub.pk), received_at=sub.received_at, size=int(sub.size or 0),
            chunks=int(sub.chunks or 0), root=sub.root, header_hash=sub.header_hash,
            context_hash=sub.context_hash, sealing=sub.get_sealing_display(),
            status=bid.get_status_display(), files=list(bid.files or []),
            opened_with=list(bid.opened_with or []), error=bid.error))
    openers: dict[str, ProtocolOpener] = {}
    for share in OpeningShare.objects.filter(session=session).select_related(
            "member__user").order_by("received_at", "pk"):
        who = openers.get(share.key_id)
        if who is None:
            openers[share.key_id] = ProtocolOpener(
                name=share.member.user.get_full_name(), key_id=share.key_id,
                first_share_at=share.received_at, shares=1)
        else:
            who.shares += 1
    counts = {s: Submission.objects.filter(notice=notice, status=s).count()
              for s in (SubmissionStatus.WITHDRAWN, SubmissionStatus.SUPERSEDED)}
    check = dict(session.log_check or {})
    return ProtocolData(
        notice=notice, session=session, deadline=session.deadline,
        generated_at=now or timezone.now(), bids=bids,
        not_received=_not_received(notice, session.deadline),
        withdrawn=counts[SubmissionStatus.WITHDRAWN],
        superseded=counts[SubmissionStatus.SUPERSEDED],
        openers=list(openers.values()),
        started_by=session.started_by.get_full_name() if session.started_by else "",
        tree_head=check)


def _when(moment: datetime | str | None) -> str:
    return format_oslo(moment, "seconds", empty="-")


def _size(n: int) -> str:
    if n >= 1 << 10:
        return f"{format_size(n)} ({format_number(n)} B)"
    return format_size(n)


def _hex_lines(value: str, width: int = 32) -> str:
    return "\n".join(value[i:i + width] for i in range(0, len(value), width))


def protocol_pdf(data: ProtocolData, *, compress: bool = True) -> bytes:
    """The protocol as PDF (A4), built with reportlab's platypus."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    small = ParagraphStyle("small", parent=styles["BodyText"], fontSize=8, leading=10)
    mono = ParagraphStyle("mono", parent=small, fontName="Courier", fontSize=7, leading=9)
    out = io.BytesIO()
    notice = data.notice
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=18 * mm, bottomMargin=18 * mm,
                            title=_("Opening protocol") + f" {notice.reference}",
                            author="Anbud", pageCompression=1 if compress else 0,
                            invariant=1)

    def p(text: str, style: Any = None) -> Paragraph:
        from xml.sax.saxutils import escape

        from backend.text import xml_safe

        return Paragraph(escape(xml_safe(text)).replace("\n", "<br/>"), style or styles["BodyText"])

    def grid(rows: list[list[Any]], widths: list[float]) -> Table:
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        return table

    story: list[Any] = [
        p(_("Opening protocol"), styles["Title"]),
        p(f"{notice.reference} · {notice.title}", styles["Heading2"]),
        p(_("Contracting authority: %(buyer)s") % {"buyer": notice.buyer.name}),
        p(_("Deadline for tenders: %(when)s (Norwegian time)") % {"when": _when(data.deadline)}),
        p(_("Opening started %(when)s by %(who)s; finished %(end)s.") % {
            "when": _when(data.session.started_at), "who": data.started_by or "-",
            "end": _when(data.session.finished_at)}),
        Spacer(1, 4 * mm),
        p(_("Bids received before the deadline (%(n)s)") % {"n": len(data.bids)},
          styles["Heading3"]),
    ]
    rows: list[list[Any]] = [[p(_("Supplier"), small), p(_("Received"), small),
                              p(_("Size"), small), p(_("Digest (Merkle root, SHA-256)"), small),
                              p(_("Result"), small)]]
    for bid in data.bids:
        files = ", ".join(f"{f['name']} ({_size(int(f['size']))})" for f in bid.files)
        result = bid.status + (f": {bid.error}" if bid.error else "")
        if files:
            result += "\n" + files
        rows.append([p(f"{bid.supplier}\n{bid.supplier_id}", small),
                     p(_when(bid.received_at), small), p(_size(bid.size), small),
                     p(_hex_lines(bid.root, 16), mono), p(result, small)])
    if not data.bids:
        rows.append([p(_("No bids were received."), small), "", "", "", ""])
    story.append(grid(rows, [36 * mm, 26 * mm, 24 * mm, 50 * mm, 38 * mm]))
    story += [Spacer(1, 4 * mm), p(_("Bids not received before the deadline"),
                                   styles["Heading3"])]
    if data.not_received:
        rrows: list[list[Any]] = [[p(_("Supplier"), small), p(_("When"), small),
                                   p(_("Reason"), small)]]
        rrows += [[p(r.supplier, small), p(_when(r.at), small), p(r.reason, small)]
                  for r in data.not_received]
        story.append(grid(rrows, [60 * mm, 34 * mm, 80 * mm]))
    else:
        story.append(p(_("None.")))
    story.append(p(_("Withdrawn by the supplier: %(w)s. Replaced by a later bid: %(s)s.")
                   % {"w": data.withdrawn, "s": data.superseded}))
    story += [Spacer(1, 4 * mm), p(_("Opened by the committee"), styles["Heading3"])]
    orows: list[list[Any]] = [[p(_("Member"), small), p(_("Key"), small),
                               p(_("Shares sent"), small), p(_("First share at"), small)]]
    orows += [[p(o.name, small), p(o.key_id, mono), p(str(o.shares), small),
               p(_when(o.first_share_at), small)] for o in data.openers]
    story.append(grid(orows, [54 * mm, 50 * mm, 24 * mm, 46 * mm]))
    th = data.tree_head
    story += [Spacer(1, 4 * mm), p(_("Transparency log: tree head at the deadline"),
                                   styles["Heading3"])]
    if th.get("tree_size") is not None:
        story += [
            p(_("Size %(size)s, signed %(ts)s (Norwegian time; %(utc)s UTC)") % {
                "size": format_number(int(th.get("tree_size") or 0)),
                "ts": _when(th.get("timestamp")), "utc": th.get("timestamp")}),
            p(_("Root: %(root)s") % {"root": _hex_lines(th.get("root") or "")}, mono),
            p(_("Signature (Ed25519): %(sig)s") % {"sig": _hex_lines(th.get("signature") or "")},
              mono),
            p(_("Platform key: %(key)s") % {"key": th.get("public_key")}, mono),
            p(_("Bids in the log before the deadline: %(r)s; bids opened: %(o)s.")
              % {"r": th.get("received"), "o": th.get("opened")}),
            p(_("Check: the opened set equals the received set.") if th.get("ok")
              else _("Check FAILED: %(problems)s") % {"problems": " ".join(
                  th.get("problems", []))}),
        ]
    else:
        story.append(p(" ".join(th.get("problems", [])) or _("Not yet checked.")))
    story += [Spacer(1, 6 * mm), p(_("Generated %(when)s by Anbud.") % {
        "when": _when(data.generated_at)}, small)]
    doc.build(story)
    return out.getvalue()
