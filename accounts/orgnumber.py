"""Norwegian organisation numbers (organisasjonsnummer): 9 digits with a MOD11 check digit."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def org_number_check_digit(first_eight: str) -> int | None:
    """The MOD11 check digit for eight digits, or None when no valid digit exists (remainder 1)."""
    remainder = sum(int(d) * w for d, w in zip(first_eight, _WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def normalize_org_number(value: str) -> str:
    """Return the 9-digit number or raise ValidationError with a message a person can act on."""
    digits = "".join(value.split()).replace("-", "").replace(".", "")
    if digits.upper().startswith("NO") and digits.upper().endswith("MVA"):
        digits = digits[2:-3]
    if not digits.isdigit() or len(digits) != 9:
        raise ValidationError(
            _("An organisation number has exactly 9 digits (you entered “%(value)s”).")
            % {"value": value},
            code="org_number_format",
        )
    if digits[0] not in "89":
        raise ValidationError(
            _("Norwegian organisation numbers start with 8 or 9; “%(value)s” does not.")
            % {"value": value},
            code="org_number_format",
        )
    expected = org_number_check_digit(digits[:8])
    if expected is None or expected != int(digits[8]):
        raise ValidationError(
            _("“%(value)s” is not a valid organisation number: the check digit does not match. "
              "Check for a mistyped digit.") % {"value": value},
            code="org_number_checksum",
        )
    return digits
