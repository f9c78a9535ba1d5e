"""The portal profiles shipped with the harness (TOML files here), and the codes every profile gives a label to.

The codes are the contract's, the same for every portal: the CLI accepts them (`--payment-method konbini`) and the
test API speaks them. This module imports nothing, so the CLI can check a code without loading a profile."""

from __future__ import annotations

TERMS = ("monthly", "annual", "three_year")
STATUSES = ("active", "expired", "cancelled")
ORDER_STATUSES = ("complete", "awaiting_payment")
PAYMENT_METHODS = ("credit_card", "paypal", "direct_debit", "konbini", "atm_bank_transfer")
DEFAULT_PROFILE = "mock-en"
