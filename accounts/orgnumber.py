"""Organisation numbers: Norwegian (9 digits, MOD11) and foreign national ids.

Foreign ids are brought to one canonical form (`canonical_id`) and, for Sweden, Denmark and
Finland, checked against the check digit their registers publish.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    # Full-width digits, zero-width spaces and the like must not make a second "number".
    digits = canonical_id(value)
    if digits.startswith("NO") and digits.endswith("MVA"):
        digits = digits[2:-3]
    if not digits.isascii() or not digits.isdigit() or len(digits) != 9:
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


# Foreign organisation ids -------------------------------------------------------------------
#
# One company must not register twice under ids that look the same to a person: full-width
# digits, a zero-width space, "ab" and "AB", "556677-8899" and "556677 8899". So every id is
# brought to one canonical form before it is checked and compared, and stored in that form.

# Separators people type inside ids; they carry no meaning, so they are dropped.
_SEPARATORS = frozenset(" -._/\\:\u2010\u2011\u2012\u2013\u2014\u2015\u2212")


def canonical_id(value: str) -> str:
    """NFKC, invisible and control characters removed, separators dropped, case folded.

    Case folding then upper-casing maps "ß" and "SS" (and any pair that folds alike) to one
    form, so the stored id reads the way registers print them.
    """
    text = unicodedata.normalize("NFKC", value)
    kept = []
    for char in text:
        category = unicodedata.category(char)
        # Cc control, Cf format (zero-width space/joiner, BOM, bidi marks), Co/Cn/Cs: nothing
        # a person can see. Z*: any kind of space.
        if category[0] in {"C", "Z"} or char in _SEPARATORS or category == "Pd":
            continue
        kept.append(char)
    return "".join(kept).casefold().upper()


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def _weighted_mod11(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11


def _se(number: str) -> str | None:
    """Sweden, organisationsnummer: 10 digits, Luhn over all ten (Bolagsverket).

    The 12-digit form with the century prefix 16 and the VAT form SE…01 are accepted too.
    """
    if len(number) == 14 and number.startswith("SE") and number.endswith("01"):
        number = number[2:12]
    if len(number) == 12 and number.startswith("16"):
        number = number[2:]
    if len(number) != 10 or not number.isascii() or not number.isdigit():
        return None
    return number if _luhn_ok(number) else None


def _dk(number: str) -> str | None:
    """Denmark, CVR-nummer: 8 digits, weights 2,7,6,5,4,3,2,1, the sum divisible by 11."""
    number = number.removeprefix("DK")
    if len(number) != 8 or not number.isascii() or not number.isdigit() or number[0] == "0":
        return None
    return number if _weighted_mod11(number, (2, 7, 6, 5, 4, 3, 2, 1)) == 0 else None


def _fi(number: str) -> str | None:
    """Finland, Y-tunnus: 7 digits and a check digit (weights 7,9,10,5,8,4,2, mod 11).

    Remainder 0 gives check digit 0, remainder 1 is never issued, otherwise 11 - remainder.
    Old ids with 6 digits before the dash get a leading zero; the VAT form FI12345678 is
    the same digits.
    """
    number = number.removeprefix("FI")
    if len(number) == 7:
        number = "0" + number
    if len(number) != 8 or not number.isascii() or not number.isdigit():
        return None
    remainder = _weighted_mod11(number[:7], (7, 9, 10, 5, 8, 4, 2))
    if remainder == 1:
        return None
    expected = 0 if remainder == 0 else 11 - remainder
    return number if int(number[7]) == expected else None


# Countries whose register publishes a check digit: the canonical id, or None when it fails.
_CHECKS: dict[str, Callable[[str], str | None]] = {"SE": _se, "DK": _dk, "FI": _fi}
_FORMATS = {
    "SE": gettext_lazy("10 digits, such as 556677-8899"),
    "DK": gettext_lazy("8 digits, such as 24256790"),
    "FI": gettext_lazy("7 digits, a dash and a check digit, such as 0112038-9"),
}


def normalize_national_id(country: str, value: str) -> str:
    """The canonical form of a foreign organisation id, checked where the country allows.

    Raises ValidationError with a message that says what the id should look like.
    """
    number = canonical_id(value)
    if not number:
        raise ValidationError(_("Give the organisation's national registration number."),
                              code="national_id_required")
    if len(number) > 40:
        raise ValidationError(_("A national registration number has at most 40 characters."),
                              code="national_id_format")
    if not all(char.isascii() and char.isalnum() for char in number):
        raise ValidationError(
            _("A national registration number has only letters and digits "
              "(you entered “%(value)s”).") % {"value": value},
            code="national_id_format")
    check = _CHECKS.get(country)
    if check is None:
        return number
    checked = check(number)
    if checked is None:
        raise ValidationError(
            _("“%(value)s” is not a valid organisation number for %(country)s: %(format)s, "
              "with a matching check digit. Check for a mistyped digit.")
            % {"value": value, "country": country, "format": _FORMATS[country]},
            code="national_id_checksum")
    return checked
