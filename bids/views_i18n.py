"""Translated messages the bids pages' JavaScript shows (passed with json_script)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def counted(forms: Callable[[int], str]) -> dict[str, str]:
    """A message that depends on a count the page's JavaScript knows only later: its form for
    one and for more (bokmål and English have just these two), picked by `t()` in
    bids/static/bids/common.js from the `n` it is given. `forms` calls ngettext with literal
    strings, so makemessages finds them."""
    return {"one": forms(1), "other": forms(2)}


def enrol_messages() -> dict[str, str]:
    return {
        "bad_key_id": _("The key name may hold letters, digits and . _ @ : + - only."),
        "short_passphrase": _("The passphrase must be at least 12 characters."),
        "passphrase_mismatch": _("The two passphrases differ."),
        "generating": _("Generating and locking your key (this takes a few seconds)…"),
        "uploading_key": _("Sending the public key and the locked key…"),
        "enrolled": _("Your key %(key_id)s is enrolled. Keep your passphrase safe."),
        "back_to_committee": _("Back to the committee"),
    }


def bid_messages() -> dict[str, str]:
    return {
        "deadline_in": _("Time left until the deadline"),
        "deadline_passed": _("The deadline has passed; bids can no longer be submitted."),
        "choose_files": _("Choose at least one file."),
        "starting": _("Getting a submission id from the server…"),
        "sealing": _("Sealing and uploading…"),
        "sealed_pct": _("Sealed %(done)s of %(total)s"),
        "uploaded_pct": _("Uploaded %(done)s of %(total)s (%(speed)s/s)"),
        "retrying": _("The connection failed; checking which parts arrived and trying again "
                      "(attempt %(n)s)…"),
        "too_slow": _("Warning: at the measured speed the remaining %(left)s need about "
                      "%(eta)s, but the deadline is in %(remain)s. The upload will probably not "
                      "finish in time; nothing counts until you have a receipt."),
        "finalizing": _("Checking the upload and asking for the receipt…"),
        "done": _("Your bid is received. Receipt time: %(when)s (Norwegian time)."),
        "verify_ok": _("Receipt verified in your browser: the signature is valid for the "
                       "platform key, and it binds exactly the bid you sealed."),
        "signature_ok": _("Receipt verified in your browser: the signature is valid for the "
                          "platform key published at /api/keys/."),
        "verify_bad": _("The receipt did NOT verify. Keep a copy and contact the authority."),
        "manifest_mismatch": _("The committee manifest from the server differs from the one "
                               "published on the notice. Nothing was sent."),
        "failed": _("Nothing was submitted: %(reason)s"),
        "resuming": _("Resuming: sending only the parts the server does not have yet…"),
        "resume_offer": _("A sealed bid of %(size)s from %(when)s was not fully uploaded (the "
                          "server has %(done)s). Resume to send the rest from this browser; it "
                          "is not sealed again."),
        "replace_confirm": _("You already have a sealed bid. Submitting again replaces it once "
                             "the new one has a receipt. Continue?"),
    }


def opening_messages() -> dict[str, str | dict[str, str]]:
    return {
        "need_passphrase": _("Type your passphrase."),
        "fetching": _("Fetching your sealed shares…"),
        "unlocking": _("Unlocking your key with the passphrase (on this device only)…"),
        "opening_shares": _("Opening share %(i)s of %(n)s…"),
        "sending": counted(lambda n: ngettext(
            "Sending your share to the opening session…",
            "Sending %(n)s shares to the opening session…", n)),
        "sent": counted(lambda n: ngettext(
            "Your share is sent. The bids open when %(k)s members have sent theirs.",
            "Your %(n)s shares are sent. The bids open when %(k)s members have sent theirs.",
            n)),
        "nothing_to_send": _("You have no shares to send for this opening."),
        "progress_bids": _("%(done)s of %(total)s bids opened"),
        "progress_bytes": _("%(done)s of %(total)s decrypted"),
        "shares_status": _("%(have)s of %(k)s shares"),
        "opened_reload": _("All bids are opened. Reloading the page…"),
        "failed": _("Could not send the shares: %(reason)s"),
        "wrong_passphrase": _("Wrong passphrase: your key could not be unlocked. Type the "
                              "passphrase you chose when you enrolled the key, exactly as "
                              "then."),
    }
