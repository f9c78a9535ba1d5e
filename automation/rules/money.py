"""Money: line = unit price × seats, subtotal, tax at the rate of the CSN's country, total, in minor units.

Prices and tax rates are read from the shared data files in `fixtures/` (never from the portal's code); the
arithmetic is the harness's own. Amounts are integers of each currency's minor unit (JPY has none)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

MINOR_UNITS = {"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0}  # ISO 4217 exponents of the currencies the catalog prices
DEFAULT_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def to_minor(amount: Decimal, currency: str) -> int:
    """An amount in `currency`'s minor units, rounded half up (0.005 → 0.01)."""
    exponent = MINOR_UNITS[currency]
    return int((amount * (10**exponent)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def line_minor(unit_price_minor: int, seats: int) -> int:
    """One line of an order: the price of a seat for one term times the seats."""
    return unit_price_minor * seats


@dataclass(frozen=True)
class Totals:
    """One transaction's subtotal, tax and total in its currency's minor units."""

    currency: str
    subtotal: int
    tax: int
    total: int


def transaction_totals(line_totals: Iterable[int], tax_rate: Decimal, currency: str) -> Totals:
    """Subtotal of the lines; tax on the subtotal, rounded once per order to the minor unit; total = both."""
    subtotal = sum(line_totals)
    tax = to_minor(Decimal(subtotal) / (10 ** MINOR_UNITS[currency]) * tax_rate, currency)
    return Totals(currency, subtotal, tax, subtotal + tax)


@dataclass(frozen=True)
class Catalog:
    """Products (name, still sold, price per seat per term and currency) and tax rates by country."""

    names: dict[str, str]
    sold: dict[str, bool]
    prices: dict[str, dict[str, dict[str, int]]]  # product → term → currency → minor units
    tax_rates: dict[str, Decimal]

    def unit_price(self, product: str, term: str, currency: str) -> int:
        """The price of one seat for one term, in minor units."""
        return self.prices[product][term][currency]

    def totals(self, lines: Iterable[tuple[str, str, int]], country: str, currency: str) -> Totals:
        """Totals of one transaction of (product, term, seats) lines for a CSN in `country`."""
        line_totals = [line_minor(self.unit_price(p, term, currency), seats) for p, term, seats in lines]
        return transaction_totals(line_totals, self.tax_rates[country], currency)


def load_catalog(directory: str | None = None) -> Catalog:
    """Read catalog.json and taxes.json (from `directory`, else RENEWALS_FIXTURES_DIR, else the project's fixtures/)."""
    return _read_catalog(str(Path(directory or os.environ.get("RENEWALS_FIXTURES_DIR") or DEFAULT_FIXTURES).resolve()))


@lru_cache(maxsize=4)
def _read_catalog(directory: str) -> Catalog:
    folder = Path(directory)
    try:
        catalog = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
        taxes = json.loads((folder / "taxes.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise RuntimeError(
            f"can't read the catalog and tax table in {folder}: {error}; set RENEWALS_FIXTURES_DIR to the folder "
            "holding catalog.json and taxes.json"
        ) from error
    products = catalog["products"]
    return Catalog(
        names={p["code"]: p["name"] for p in products},
        sold={p["code"]: bool(p["sold"]) for p in products},
        prices={
            p["code"]: {
                term: {cur: to_minor(Decimal(amount), cur) for cur, amount in by_currency.items()}
                for term, by_currency in p["prices"].items()
            }
            for p in products
        },
        tax_rates={country: Decimal(rate) for country, rate in taxes["rates"].items()},
    )
