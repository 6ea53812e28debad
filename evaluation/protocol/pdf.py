"""The procurement protocol as PDF (A4, reportlab), from the same data as the page, with
the latest signed tree head of the transparency log and how to check a printed copy."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from backend.formatting import format_number, format_oslo
from evaluation.protocol.builder import Protocol


def _hex_lines(value: str, width: int = 32) -> str:
    return "\n".join(value[i:i + width] for i in range(0, len(value), width))


def check_instructions() -> str:
    return _("To check a printed protocol against the log: fetch the tree head of this size "
             "from the platform's transparency log (/api/log/sth and /api/log/consistency"
             "), verify the Ed25519 signature over size, root and timestamp with the "
             "platform key, and check that the log's later heads are consistent with this "
             "one. The events of the procurement are kept append-only on the platform.")


def protocol_pdf(protocol: Protocol, *, compress: bool = True) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from backend.text import xml_safe

    styles = getSampleStyleSheet()
    small = ParagraphStyle("small", parent=styles["BodyText"], fontSize=8, leading=10)
    mono = ParagraphStyle("mono", parent=small, fontName="Courier", fontSize=7, leading=9)
    out = io.BytesIO()
    notice = protocol.notice
    h = protocol.header
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm,
                            topMargin=16 * mm, bottomMargin=16 * mm,
                            title=_("Procurement protocol") + f" {notice.reference}",
                            author="Anbud", pageCompression=1 if compress else 0, invariant=1)

    def p(text: str, style: Any = None) -> Paragraph:
        return Paragraph(escape(xml_safe(str(text))).replace("\n", "<br/>"),
                         style or styles["BodyText"])

    def grid(rows: list[list[Any]], widths: list[float]) -> Table:
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        return table

    def items(title: str, values: list[str]) -> list[Any]:
        return [p(title, styles["Heading4"])] + ([p("• " + v, small) for v in values]
                                                 or [p(_("None."), small)])

    story: list[Any] = [
        p(_("Procurement protocol"), styles["Title"]),
        p(f"{h.reference} · {h.title}", styles["Heading2"]),
    ]
    facts = [
        (_("Contracting authority"), f"{h.buyer} ({h.buyer_id})"),
        (_("Subject"), h.subject), (_("Procedure"), h.procedure), (_("Regime"), h.regime),
        (_("Estimated value"), h.estimated_value), (_("Published"), h.published),
        (_("Deadline for tenders"), h.deadline),
        (_("Bids received"), str(h.offers)), (_("Late attempts refused"), str(h.late_attempts)),
    ]
    story.append(grid([[p(k, small), p(v, small)] for k, v in facts], [50 * mm, 128 * mm]))
    story += items(_("Lots"), h.lots)
    prow: list[list[Any]] = [[p(_("Supplier"), small), p(_("Received"), small),
                              p(_("Status"), small)]]
    prow += [[p(f"{x.supplier}\n{x.identifier}", small),
              p(format_oslo(x.received_at, "seconds", empty="-"), small), p(x.status, small)]
             for x in h.participants]
    story += [p(_("Participants"), styles["Heading4"]), grid(prow, [70 * mm, 50 * mm, 58 * mm])]
    story += items(_("Rejected bids and the grounds"), h.rejected)
    story += items(_("Conflicts of interest"), h.conflicts)
    story += items(_("Award decisions"), h.awards)
    story += items(_("Contracts"), h.contracts)
    story += items(_("Award notices"), h.award_notices)
    if h.cancellation:
        story += items(_("Cancellation"), h.cancellation)
    story.append(Spacer(1, 4 * mm))
    story.append(p(_("The record, in the order of the procedure"), styles["Heading3"]))
    story.append(p(_("Times are Norwegian time (Europe/Oslo)."), small))
    for stage in protocol.stages:
        story.append(p(stage.label, styles["Heading4"]))
        rows: list[list[Any]] = [[p(_("When"), small), p(_("Who"), small),
                                  p(_("What and why"), small)]]
        for e in stage.entries:
            what = e.what + (" — " + _("lot %(lot)s") % {"lot": e.lot} if e.lot else "")
            rows.append([p(e.when, small),
                         p(e.who + (f"\n{e.organisation}" if e.organisation else ""), small),
                         p("\n".join([what, *e.details]), small)])
        story.append(grid(rows, [30 * mm, 42 * mm, 106 * mm]))
    th = protocol.tree_head
    story += [Spacer(1, 4 * mm), p(_("Transparency log: the latest signed tree head"),
                                   styles["Heading3"])]
    if th:
        story += [
            p(_("Size %(size)s, signed %(ts)s (Norwegian time; %(utc)s UTC)") % {
                "size": format_number(int(th["tree_size"])),
                "ts": format_oslo(th["timestamp"], "seconds", empty="-"),
                "utc": th["timestamp"]}),
            p(_("Root: %(root)s") % {"root": _hex_lines(th["root"])}, mono),
            p(_("Signature (Ed25519): %(sig)s") % {"sig": _hex_lines(th["signature"])}, mono),
            p(_("Platform key: %(key)s") % {"key": th["public_key"]}, mono),
        ]
    else:
        story.append(p(_("The log has no signed tree head yet.")))
    story += [p(check_instructions(), small), Spacer(1, 4 * mm),
              p(_("Generated %(when)s by Anbud.") % {
                  "when": format_oslo(protocol.generated_at, "seconds")}, small)]
    doc.build(story)
    return out.getvalue()
