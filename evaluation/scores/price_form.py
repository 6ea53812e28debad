"""The structured price form a supplier may put in the bid (docs/price-form.md).

Two formats, recognised by the file name (in any folder of the bid, any letter case):

- `prices.json`: `{"format": "anbud-price-form", "version": 1, "prices": [{"lot": 1,
  "criterion": 1, "amount": "1 250 000,00", "currency": "NOK"}, ...]}`
- `price-form.csv`: UTF-8, a header row naming the columns `amount` and optionally `lot`,
  `criterion` and `currency`, separated by `;` or `,`.

`lot` is the lot number (0 or left out: a notice without lots). `criterion` is the position
number of the price or cost criterion as published, or its name; it may be left out when the
lot has one price or cost criterion. `amount` is NOK, a number or a string with spaces as
thousands separators and `,` or `.` before at most two decimals.

Pure functions (apart from translating their messages): bytes in, rows or a
`PriceFormError` naming the line and the field out.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

MAX_BYTES = 1024 * 1024
MAX_ROWS = 1000
MAX_AMOUNT = Decimal("1e13")
FORMAT = "anbud-price-form"
_AMOUNT = re.compile(r"^\d{1,3}(?:[  ]\d{3})+(?:[.,]\d{1,2})?$|^\d+(?:[.,]\d{1,2})?$")


class PriceFormError(ValueError):
    def __init__(self, message: str, *, where: str = "") -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.message = message
        self.where = where


@dataclass(frozen=True)
class PriceLine:
    lot: int
    criterion: int | str | None  # position number, name, or None (the only one)
    amount: Decimal
    where: str  # "line 3" / "prices[2]"


def parse_amount(value: Any, *, where: str) -> Decimal:
    """NOK: a JSON number, or a string like "1 250 000,50" or "1250000.50"."""
    if isinstance(value, bool) or value is None:
        raise PriceFormError(_("the amount is missing"), where=where)
    if isinstance(value, int | float):
        text = repr(value) if isinstance(value, float) else str(value)
    elif isinstance(value, str):
        text = value.strip()
        if not _AMOUNT.match(text):
            raise PriceFormError(_("the amount %(value)r is not a number of kroner (write it "
                                   "like 1 250 000,50)") % {"value": value}, where=where)
        text = text.replace(" ", "").replace(" ", "").replace(",", ".")
    else:
        raise PriceFormError(_("the amount must be a number"), where=where)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise PriceFormError(_("the amount %(value)r is not a number") % {"value": value},
                             where=where) from None
    if not amount.is_finite() or amount <= 0 or amount >= MAX_AMOUNT:
        raise PriceFormError(_("the amount must be above 0 and below NOK 10 000 billion"),
                             where=where)
    return amount.quantize(Decimal("0.01"))


def _lot(value: Any, *, where: str) -> int:
    if value in (None, ""):
        return 0
    try:
        lot = int(str(value).strip())
    except ValueError:
        raise PriceFormError(_("the lot %(value)r is not a lot number") % {"value": value},
                             where=where) from None
    if not 0 <= lot <= 32767:
        raise PriceFormError(_("the lot %(value)r is not a lot number") % {"value": value},
                             where=where)
    return lot


def _criterion(value: Any) -> int | str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() else text


def _currency(value: Any, *, where: str) -> None:
    if value not in (None, "") and str(value).strip().upper() != "NOK":
        raise PriceFormError(_("the currency %(value)r is not NOK") % {"value": value},
                             where=where)


def parse_json(data: bytes) -> list[PriceLine]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise PriceFormError(_("not valid JSON (%(problem)s)") % {"problem": exc},
                             where="prices.json") from None
    if not isinstance(document, dict):
        raise PriceFormError(_("the file must hold one JSON object"), where="prices.json")
    if document.get("format", FORMAT) != FORMAT or document.get("version", 1) != 1:
        raise PriceFormError(_('"format" must be "%(format)s" and "version" 1')
                             % {"format": FORMAT}, where="prices.json")
    rows = document.get("prices")
    if not isinstance(rows, list) or not rows:
        raise PriceFormError(_('"prices" must be a non-empty list'), where="prices.json")
    if len(rows) > MAX_ROWS:
        raise PriceFormError(_("more than %(n)d prices") % {"n": MAX_ROWS}, where="prices.json")
    lines = []
    for i, row in enumerate(rows):
        where = f"prices[{i}]"
        if not isinstance(row, dict):
            raise PriceFormError(_("each price must be an object"), where=where)
        _currency(row.get("currency"), where=where)
        lines.append(PriceLine(lot=_lot(row.get("lot"), where=where),
                               criterion=_criterion(row.get("criterion")),
                               amount=parse_amount(row.get("amount"), where=where), where=where))
    return lines


def parse_csv(data: bytes) -> list[PriceLine]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PriceFormError(_("the file is not UTF-8 text"), where="price-form.csv") from None
    header_line = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if ";" in header_line else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    fields = [(f or "").strip().lower() for f in (reader.fieldnames or [])]
    if "amount" not in fields:
        raise PriceFormError(_('the first line must name the columns, one of them "amount"'),
                             where=_("price-form.csv line %(n)d") % {"n": 1})
    reader.fieldnames = fields
    lines: list[PriceLine] = []
    for number, row in enumerate(reader, start=2):
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        if len(lines) >= MAX_ROWS:
            raise PriceFormError(_("more than %(n)d prices") % {"n": MAX_ROWS},
                                     where="price-form.csv")
        where = _("price-form.csv line %(n)d") % {"n": number}
        if row.get(None):  # type: ignore[call-overload]
            # "1250000,50" in a comma-separated file would otherwise be read as 1250000.
            raise PriceFormError(_("more values than columns (use ; between the columns when "
                                   "amounts have a decimal comma)"), where=where)
        _currency(row.get("currency"), where=where)
        lines.append(PriceLine(lot=_lot(row.get("lot"), where=where),
                               criterion=_criterion(row.get("criterion")),
                               amount=parse_amount(row.get("amount"), where=where), where=where))
    if not lines:
        raise PriceFormError(_("no prices in the file"), where="price-form.csv")
    return lines


def parse(name: str, data: bytes) -> list[PriceLine]:
    """The price lines of a form named `name` (prices.json or price-form.csv)."""
    if len(data) > MAX_BYTES:
        raise PriceFormError(_("the price form is larger than 1 MB"), where=name)
    if name.lower().endswith(".json"):
        return parse_json(data)
    return parse_csv(data)
