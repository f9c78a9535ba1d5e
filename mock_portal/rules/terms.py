"""Subscription terms and the arithmetic of anniversaries."""

from __future__ import annotations

import calendar
from datetime import date

TERMS = ("monthly", "annual", "three_year")
TERM_MONTHS = {"monthly": 1, "annual": 12, "three_year": 36}
TERM_LABELS = {"monthly": "Monthly", "annual": "Annual", "three_year": "3-year"}


def on_anchor(year: int, month: int, anchor_day: int) -> date:
    """The anchor day in that month, clamped to the month's length (29 → 28 February in a common year)."""
    return date(year, month, min(anchor_day, calendar.monthrange(year, month)[1]))


def add_term(start: date, term: str, anchor_day: int | None = None) -> date:
    """Return the date one `term` after `start`, on the subscription's anchor day clamped to the month.

    The anniversary keeps the day it started on (`anchor_day`; None: `start`'s own day), so a 29 February
    anniversary runs 28 Feb 2029, 2030, 2031 and is back on 29 Feb 2032 instead of drifting to the 28th."""
    day = start.day if anchor_day is None else anchor_day
    if not start.day <= day <= 31:
        raise ValueError(f"anchor day {day} can't follow {start}: use a day from {start.day} to 31, or None")
    months = start.month - 1 + TERM_MONTHS[term]
    return on_anchor(start.year + months // 12, months % 12 + 1, day)


def anchor_fits(renewal_date: date, anchor_day: int) -> bool:
    """Whether `renewal_date` is `anchor_day` clamped to its month (2029-02-28 fits 28 to 31; 2029-03-28 only 28)."""
    return on_anchor(renewal_date.year, renewal_date.month, anchor_day) == renewal_date
