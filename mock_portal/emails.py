"""The text of the emails the portal sends: order confirmations and renewal reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .models import Order
from .rules.money import format_money
from .rules.payment import PAYMENT_LABELS, is_manual_only, payment_instructions
from .rules.terms import TERM_LABELS


@dataclass(frozen=True)
class Email:
    """An email ready for the outbox; `account_id` is the account it is about (its SMTP fault holds it back)."""

    to: str
    subject: str
    text: str
    account_id: int | None = None


def order_confirmation(order: Order, to: str) -> Email:
    """The one confirmation of a transaction: every subscription with its unchanged renewal date (R8)."""
    money = lambda minor: format_money(minor, order.currency)  # noqa: E731
    lines = [
        f"- Subscription {line.subscription_number}: {line.product_name}, {line.seats} seat(s), "
        f"renewal date {line.renewal_date.isoformat()} (unchanged), renewed through {line.renews_through.isoformat()}"
        for line in order.lines
    ]
    status = "Awaiting payment" if order.status == "awaiting_payment" else "Complete"
    parts = [
        "Thank you for your order.",
        "",
        f"Order number: {order.number}",
        f"Customer number (CSN): {order.csn}",
        f"Payment method: {PAYMENT_LABELS[order.payment_method]}",
        f"Status: {status}",
        "",
        "Renewed subscriptions:",
        *lines,
        "",
        f"Subtotal: {money(order.subtotal_minor)}",
        f"Tax: {money(order.tax_minor)}",
        f"Total: {money(order.total_minor)}",
        "",
        "Your renewal dates stay the same.",
    ]
    if is_manual_only(order.payment_method):
        assert order.payment_number is not None and order.payment_deadline is not None
        parts += [
            "",
            payment_instructions(
                order.payment_method, order.payment_number, order.payment_deadline, money(order.total_minor)
            ),
        ]
    return Email(to, f"Order confirmation {order.number}", "\n".join(parts) + "\n", order.account_id)


def renewal_reminder(
    *,
    to: str,
    number: str,
    product_name: str,
    term: str,
    renewal_date: date,
    payment_method: str,
    renew_url: str,
    account_id: int | None = None,
) -> Email:
    """The reminder sent once per term when a subscription enters its renewal window (R3, R5)."""
    parts = [
        f"Your {TERM_LABELS[term].lower()} subscription {number} ({product_name}) renews on {renewal_date.isoformat()}.",
        "",
        f"Renew it now: {renew_url}",
        "",
        "Paying early or late does not change your renewal date.",
    ]
    if is_manual_only(payment_method):
        parts += [
            "",
            f"Your payment method, {PAYMENT_LABELS[payment_method]}, cannot renew automatically: "
            "renew by hand before the renewal date. Open the link above, choose Renew, and at checkout "
            "you receive a payment number; pay it by the deadline shown in your order confirmation.",
        ]
    subject = f"Renewal reminder: subscription {number} renews on {renewal_date.isoformat()}"
    return Email(to, subject, "\n".join(parts) + "\n", account_id)
