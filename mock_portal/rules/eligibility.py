"""Who may renew by hand, and when (R1, R2, R4 and the reference's "other conditions")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

from .terms import add_term

OPENS_DAYS_BEFORE = 90  # R1: D − 90 is the first renewable day (inclusive)
CLOSES_DAYS_AFTER = 45  # R1: D + 45 is the last renewable day (inclusive)


@dataclass(frozen=True)
class Anniversary:
    """The renewal date in force and, if already paid, the date the paid term runs to."""

    renewal_date: date
    renewed_through: date | None = None


@dataclass(frozen=True)
class Eligibility:
    """Whether manual renewal is offered today, and if not, why (shown to the user)."""

    eligible: bool
    reason: str | None = None
    reason_date: date | None = None

    @property
    def message(self) -> str | None:
        """The reason as one sentence, with its date in ISO form."""
        if self.reason is None:
            return None
        return f"{self.reason} {self.reason_date.isoformat()}" if self.reason_date else self.reason


def current_anniversary(renewal_date: date, renewed_through: date | None, today: date) -> Anniversary:
    """Roll a paid term forward once today has passed the old date: the next date is D + term, never payment + term."""
    if renewed_through is not None and today > renewal_date:
        return Anniversary(renewed_through, None)
    return Anniversary(renewal_date, renewed_through)


def renewal_window(renewal_date: date) -> tuple[date, date]:
    """First and last day (both inclusive) on which a renewal for `renewal_date` may be paid."""
    return (
        renewal_date - timedelta(days=OPENS_DAYS_BEFORE),
        renewal_date + timedelta(days=CLOSES_DAYS_AFTER),
    )


def renewal_dates_open_on(today: date) -> tuple[date, date]:
    """First and last renewal date (inclusive) whose window holds `today`: renewal_window turned around, to narrow
    long lists in SQL before check_eligibility decides each row."""
    return today - timedelta(days=CLOSES_DAYS_AFTER), today + timedelta(days=OPENS_DAYS_BEFORE)


def renewed_term(anniversary: Anniversary, term: str, anchor_day: int | None = None) -> Anniversary:
    """What a renewal pays for: from the unchanged renewal date D to D + term on the anchor day (R2, R6, R8)."""
    return Anniversary(anniversary.renewal_date, add_term(anniversary.renewal_date, term, anchor_day))


def check_eligibility(
    *,
    anniversary: Anniversary,
    today: date,
    term: str,
    status: str,
    product_sold: bool,
    awaiting_payment: bool = False,
) -> Eligibility:
    """Decide whether manual renewal is offered, checking the conditions in the order a user would ask."""
    if status == "cancelled":
        return Eligibility(False, "Cancelled")
    if not product_sold:
        return Eligibility(False, "No longer sold")
    if term == "monthly":
        return Eligibility(False, "Renews automatically")
    if anniversary.renewed_through is not None:
        return Eligibility(False, "Already renewed through", anniversary.renewed_through)
    if awaiting_payment:
        return Eligibility(False, "Awaiting payment")
    opens, closes = renewal_window(anniversary.renewal_date)
    if today < opens:
        return Eligibility(False, "Renewal opens on", opens)
    if today > closes:
        return Eligibility(False, "Renewal closed on", closes)
    return Eligibility(True)


def is_early(anniversary: Anniversary, today: date) -> bool:
    """An early renewal is paid before the renewal date; it needs the explicit "Renew now" choice (R6)."""
    return today < anniversary.renewal_date


def display_status(stored_status: str, anniversary: Anniversary, today: date) -> str:
    """The status a user sees: cancelled stays cancelled; past its date and unpaid, a term has expired."""
    if stored_status == "cancelled":
        return "cancelled"
    if stored_status == "expired" or (anniversary.renewed_through is None and today > anniversary.renewal_date):
        return "expired"
    return "active"


class Verdict(NamedTuple):
    """Everything the rules say of one subscription on one day: its date in force, the status shown, renewal offered."""

    anniversary: Anniversary
    status: str
    eligibility: Eligibility


# Both cached: the bulk page and the status filter ask about thousands of rows that share a few hundred distinct facts;
# each answer depends on nothing but the arguments, and every part of it is immutable.
@lru_cache(maxsize=8192)
def status_shown(today: date, stored_status: str, renewal_date: date, renewed_through: date | None) -> str:
    """The status a user sees today, from what is stored: display_status of the anniversary in force."""
    return display_status(stored_status, current_anniversary(renewal_date, renewed_through, today), today)


@lru_cache(maxsize=8192)
def judge(
    *,
    today: date,
    status: str,
    product_sold: bool,
    term: str,
    renewal_date: date,
    renewed_through: date | None,
    awaiting_payment: bool,
) -> Verdict:
    """The one verdict every page asks for (list, detail, cart, checkout, reminders, bulk page, status filter).

    Every fact is required: a default (never paid ahead, no payment awaited) would let a caller that forgot one get a
    plausible verdict for another subscription than the one it holds."""
    anniversary = current_anniversary(renewal_date, renewed_through, today)
    return Verdict(
        anniversary,
        display_status(status, anniversary, today),
        check_eligibility(
            anniversary=anniversary,
            today=today,
            term=term,
            status=status,
            product_sold=product_sold,
            awaiting_payment=awaiting_payment,
        ),
    )
