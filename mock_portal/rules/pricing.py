"""Totals of one transaction, computed on the server in minor units."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .money import line_total_minor, tax_minor


@dataclass(frozen=True)
class Totals:
    """Subtotal, tax and total of one transaction in its currency's minor units."""

    currency: str
    subtotal_minor: int
    tax_minor: int
    total_minor: int
    tax_rate: Decimal


def transaction_totals(lines: Sequence[tuple[int, int]], tax_rate: Decimal, currency: str) -> Totals:
    """Totals for (unit price, seats) lines; tax is rounded once on the subtotal."""
    subtotal = sum(line_total_minor(unit, seats) for unit, seats in lines)
    tax = tax_minor(subtotal, tax_rate, currency)
    return Totals(currency, subtotal, tax, subtotal + tax, tax_rate)
