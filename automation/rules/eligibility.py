"""Who may renew by hand today, and if not, why (R1, R4 and the reference's "other conditions")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from .dates import date_in_force, renewal_window


class Reason(Enum):
    """Why a subscription is not offered manual renewal; the profile says how a portal words each."""

    CANCELLED = "cancelled"
    RETIRED_PRODUCT = "retired_product"
    MONTHLY = "monthly"
    ALREADY_RENEWED = "already_renewed"
    AWAITING_PAYMENT = "awaiting_payment"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"


@dataclass(frozen=True)
class SubscriptionFacts:
    """What the rules need to know of a subscription, as the harness knows it (it created or read it)."""

    renewal_date: date  # as created or last read: before a paid term rolls it forward
    term: str
    cancelled: bool = False
    product_sold: bool = True
    renewed_through: date | None = None  # a term already paid for the coming anniversary
    awaiting_payment: bool = False  # a Konbini / ATM order placed and not yet paid


@dataclass(frozen=True)
class Verdict:
    """Renewable today, or the reason not and the date that reason names (the window's edge, the paid term's end)."""

    eligible: bool
    reason: Reason | None = None
    reason_date: date | None = None


def judge(facts: SubscriptionFacts, today: date) -> Verdict:
    """Decide whether manual renewal is offered today. Lasting conditions are named before passing ones: a cancelled
    subscription is "cancelled" whatever the date."""
    if facts.cancelled:
        return Verdict(False, Reason.CANCELLED)
    if not facts.product_sold:
        return Verdict(False, Reason.RETIRED_PRODUCT)
    if facts.term == "monthly":  # monthly terms renew automatically
        return Verdict(False, Reason.MONTHLY)
    in_force = date_in_force(facts.renewal_date, facts.renewed_through, today)
    if facts.renewed_through is not None and in_force == facts.renewal_date:
        return Verdict(False, Reason.ALREADY_RENEWED, facts.renewed_through)  # paid, and its date not yet passed
    if facts.awaiting_payment:
        return Verdict(False, Reason.AWAITING_PAYMENT)
    opens, closes = renewal_window(in_force)
    if today < opens:
        return Verdict(False, Reason.NOT_YET_OPEN, opens)
    if today > closes:
        return Verdict(False, Reason.CLOSED, closes)
    return Verdict(True)
