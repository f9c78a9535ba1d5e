"""Payment methods on file, and what a manual-only method tells the customer to do (R4, R5)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext

PAYMENT_METHODS = ("credit_card", "paypal", "direct_debit", "konbini", "atm_bank_transfer")
PAYMENT_LABELS = {
    "credit_card": "Credit card",
    "paypal": "PayPal",
    "direct_debit": "Direct debit",
    "konbini": "Konbini",
    "atm_bank_transfer": "ATM bank transfer",
}
MANUAL_ONLY_METHODS = frozenset({"konbini", "atm_bank_transfer"})  # R4: they cannot renew automatically
PAYMENT_DEADLINE_DAYS = 7


def is_manual_only(method: str) -> bool:
    """Konbini and ATM bank transfer must be paid by hand; their orders wait for the payment."""
    return method in MANUAL_ONLY_METHODS


def payment_instructions(method: str, payment_number: str, deadline: date, amount: str) -> str:
    """The instructions carried by the one confirmation (or reminder) email of a manual-only method (R5), in the
    language in force (the recipient's, see emails.py)."""
    if method == "konbini":
        where = gettext("at the multimedia terminal or the register of any participating convenience store (konbini)")
    else:
        where = gettext("at any ATM or through online banking (Pay-easy)")
    return gettext(
        "How to pay: pay %(amount)s %(where)s, quoting payment number %(number)s, by %(deadline)s. Your renewal "
        "completes when we receive the payment; no further confirmation email is sent.",
        amount=amount,
        where=where,
        number=payment_number,
        deadline=deadline.isoformat(),
    )
