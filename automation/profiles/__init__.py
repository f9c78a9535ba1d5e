"""The portal profiles shipped with the harness (TOML files here), the codes every profile gives a label to, and the
languages the bundled profiles speak.

The codes are the contract's, the same for every portal: the CLI accepts them (`--payment-method konbini`) and the
test API speaks them. This module imports nothing but `re`, so the CLI can check a code or a locale without loading a
profile."""

from __future__ import annotations

import re

TERMS = ("monthly", "annual", "three_year")
STATUSES = ("active", "expired", "cancelled")
ORDER_STATUSES = ("complete", "awaiting_payment")
PAYMENT_METHODS = ("credit_card", "paypal", "direct_debit", "konbini", "atm_bank_transfer")
DEFAULT_PROFILE = "mock-en"
# The mock portal's languages, each described by the bundled profile mock-<code> (`--portal-locale`, `--locale`).
LOCALES = ("en", "fr", "ja")


def language_of(locale: str) -> str:
    """The language subtag of a BCP 47 locale, lower case: "fr-FR" → "fr", "ja" → "ja", "en_US" → "en"."""
    return re.split(r"[-_]", locale.strip(), maxsplit=1)[0].lower()


def bundled_profile(locale: str) -> str:
    """The name of the bundled profile for a locale ("fr" or "fr-FR" → "mock-fr"); ValueError naming the known ones."""
    language = language_of(locale)
    if language not in LOCALES:
        known = ", ".join(LOCALES)
        raise ValueError(f"no bundled portal profile speaks {locale!r}: use one of {known}, or give --portal-profile PATH")
    return f"mock-{language}"
