"""Reading a supplier's ESPD response from its opened bid, requirement by requirement.

The response is a file of the sealed bid (`espd-response.xml`), so it exists in clear only
after the opening, in private storage. Callers check who may read it first
(evaluation.permissions.may_work_on_evaluation: an evaluator who declared no conflict); when
they pass `user`, the read goes through bids.opening.services.opened_file_read and is recorded
as an `opened.read` event like every other read of bid content.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from accounts.models import User
from backend.errors import ApplicationError
from bids.opening.models import OpenedBid, OpenedBidStatus
from bids.opening.services import opened_file_read, private_storage
from evaluation.criteria.selectors import requirements_of
from evaluation.espd.response import (
    MAX_BYTES,
    RESPONSE_FILENAME,
    EspdAnswer,
    EspdInvalid,
    ParsedResponse,
    answers_for_requirements,
    parse_response,
    schema_skipped_note,
)


@dataclass
class EspdDocument:
    """The ESPD response found in an opened bid, or why there is none to read."""

    filename: str = ""
    parsed: ParsedResponse | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.parsed is not None


def espd_file_index(opened_bid: OpenedBid) -> int | None:
    """Where the ESPD response is in the opened bid's files: `espd-response.xml` (any case),
    else the one XML file whose name has "espd" in it."""
    files = [str(f.get("name", "")) for f in (opened_bid.files or [])]
    for index, name in enumerate(files):
        if name.lower() == RESPONSE_FILENAME:
            return index
    candidates = [i for i, n in enumerate(files) if "espd" in n.lower()
                  and n.lower().endswith(".xml") and "request" not in n.lower()]
    return candidates[0] if len(candidates) == 1 else None


def _read(opened_bid: OpenedBid, index: int, user: User | None) -> bytes:
    entry = opened_bid.files[index]
    size = int(entry["size"])
    if size > MAX_BYTES:
        raise EspdInvalid(_("The ESPD response is larger than %(n)s MB.")
                          % {"n": MAX_BYTES // (1024 * 1024)})
    if user is not None:
        read = opened_file_read(session=opened_bid.session, submission_id=opened_bid.submission_id,
                                user=user, file_index=index)
        return b"".join(read.chunks)
    with private_storage().open(opened_bid.storage_name, "rb") as handle:
        handle.seek(int(entry["offset"]))
        return bytes(handle.read(size))


def espd_document_for(opened_bid: OpenedBid, *, user: User | None = None) -> EspdDocument:
    """The opened bid's ESPD response, parsed; never raises for a bad or missing file (the
    problems say what is wrong, for the committee to see)."""
    if opened_bid.status != OpenedBidStatus.OPENED:
        return EspdDocument(problems=[_("This bid is not opened, so its ESPD response cannot be "
                                        "read.")])
    index = espd_file_index(opened_bid)
    if index is None:
        return EspdDocument(problems=[_("The bid has no ESPD response (no file named "
                                        "%(name)s).") % {"name": RESPONSE_FILENAME}])
    filename = str(opened_bid.files[index].get("name", ""))
    try:
        parsed = parse_response(_read(opened_bid, index, user))
    except EspdInvalid as exc:
        return EspdDocument(filename=filename, problems=[
            _("The ESPD response in the bid could not be read: %(reason)s")
            % {"reason": exc.message}])
    except (ApplicationError, OSError, KeyError, ValueError) as exc:
        reason = exc.message if isinstance(exc, ApplicationError) else type(exc).__name__
        return EspdDocument(filename=filename, problems=[
            _("The ESPD response in the bid could not be read: %(reason)s") % {"reason": reason}])
    problems = [] if parsed.schema_checked else [schema_skipped_note()]
    notice = opened_bid.session.notice
    if parsed.contract_folder_id and parsed.contract_folder_id != notice.reference:
        problems.append(_("The response names procedure %(got)s, not this notice's reference "
                          "%(want)s.") % {"got": parsed.contract_folder_id,
                                          "want": notice.reference})
    return EspdDocument(filename=filename, parsed=parsed, problems=problems)


def espd_answers_for(opened_bid: OpenedBid, *, lot_number: int | None = None,
                     user: User | None = None,
                     document: EspdDocument | None = None) -> list[EspdAnswer]:
    """The bid's ESPD answers requirement by requirement (the notice's requirements, or those
    of one lot), each with its criterion code, answer values, evidence and problems. A bid
    without a readable response gets one answer per requirement saying why.

    Check `evaluation.permissions.may_work_on_evaluation` before calling; pass `user` so the
    read is recorded, and `document` (from espd_document_for) to avoid reading twice."""
    document = document or espd_document_for(opened_bid, user=user)
    notice = opened_bid.session.notice
    requirements = requirements_of(notice, lot_number).order_by("position", "pk")
    reason = document.problems[0] if document.problems and document.parsed is None else ""
    return answers_for_requirements(document.parsed, requirements, missing_reason=reason)
