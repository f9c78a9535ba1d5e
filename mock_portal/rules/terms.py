"""Subscription terms and the arithmetic of anniversaries."""

from __future__ import annotations

import calendar
from datetime import date

TERMS = ("monthly", "annual", "three_year")
TERM_MONTHS = {"monthly": 1, "annual": 12, "three_year": 36}
TERM_LABELS = {"monthly": "Monthly", "annual": "Annual", "three_year": "3-year"}


def add_term(start: date, term: str) -> date:
    """Return the date one `term` after `start`, clamping to the month's last day (Feb 29 → Feb 28)."""
    months = start.month - 1 + TERM_MONTHS[term]
    year, month = start.year + months // 12, months % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
