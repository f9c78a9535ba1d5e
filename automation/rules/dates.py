"""Dates: the renewal window (R1), early renewal (R6), and the anniversary that never moves (R2, 29 February)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

OPENS_DAYS_BEFORE = 90  # R1: the window opens 90 days before the renewal date, that day included
CLOSES_DAYS_AFTER = 45  # R1: and closes 45 days after it, that day included
TERM_MONTHS = {"monthly": 1, "annual": 12, "three_year": 36}


def renewal_window(renewal_date: date) -> tuple[date, date]:
    """The first and the last day (both inclusive) on which the renewal for `renewal_date` may be paid."""
    return renewal_date - timedelta(days=OPENS_DAYS_BEFORE), renewal_date + timedelta(days=CLOSES_DAYS_AFTER)


def is_open(renewal_date: date, today: date) -> bool:
    """Whether `today` lies in the renewal window of `renewal_date`."""
    opens, closes = renewal_window(renewal_date)
    return opens <= today <= closes


def is_early(renewal_date: date, today: date) -> bool:
    """A renewal paid before its renewal date is early: it needs the explicit Renew now choice at checkout (R6)."""
    return today < renewal_date


def _on_day(year: int, month: int, day: int) -> date:
    """`day` of that month, clamped to the month's length (31 → 30, 29 February → 28 in a common year)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def term_end(renewal_date: date, term: str, anchor_day: int | None = None) -> date:
    """The date a renewed term runs to: one term after the unchanged renewal date, never after the payment date.

    The anniversary keeps the day of the month the subscription started on (`anchor_day`, by default the renewal
    date's own day), clamped to each month's length: renewing on 28 Feb 2031 with anchor 29 runs to 29 Feb 2032."""
    if term not in TERM_MONTHS:
        raise ValueError(f"unknown term {term!r}; the rules know {', '.join(TERM_MONTHS)}")
    day = renewal_date.day if anchor_day is None else anchor_day
    if not 1 <= day <= 31:
        raise ValueError(f"anchor day {day} is not a day of a month (1-31)")
    if _on_day(renewal_date.year, renewal_date.month, day) != renewal_date:
        raise ValueError(f"{renewal_date} is not anchor day {day} of its month (clamped to the month's length)")
    months = renewal_date.month - 1 + TERM_MONTHS[term]
    return _on_day(renewal_date.year + months // 12, months % 12 + 1, day)


def possible_term_ends(renewal_date: date, term: str) -> set[date]:
    """Every end a renewed term may have when the anchor day is not known (only the renewal date is shown).

    A renewal date on the last day of a short month may be a clamped later day (28 Feb from a 29th, 30 Apr from a
    31st), so each anchor from that day to 31 is possible; any other date is its own anchor."""
    last_day = calendar.monthrange(renewal_date.year, renewal_date.month)[1]
    anchors = range(renewal_date.day, 32) if renewal_date.day == last_day else [renewal_date.day]
    return {term_end(renewal_date, term, anchor) for anchor in anchors}


def date_in_force(renewal_date: date, renewed_through: date | None, today: date) -> date:
    """The renewal date a user sees today: a paid term moves it to the term's end only once today has passed it."""
    if renewed_through is not None and today > renewal_date:
        return renewed_through
    return renewal_date
