"""Payment methods that must be paid by hand (R4): their orders wait for the payment to complete the renewal."""

from __future__ import annotations

MANUAL_ONLY_METHODS = frozenset({"konbini", "atm_bank_transfer"})  # R4: they cannot renew automatically


def order_status_after_checkout(payment_method: str) -> str:
    """An order paid by a manual-only method awaits its payment; any other is complete when placed."""
    return "awaiting_payment" if payment_method in MANUAL_ONLY_METHODS else "complete"
