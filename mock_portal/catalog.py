"""The product catalog and tax table, read once from `fixtures/`."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from .rules.money import to_minor

FIXTURES_DIR = Path(os.environ.get("PORTAL_FIXTURES_DIR", Path(__file__).resolve().parents[1] / "fixtures"))


@dataclass(frozen=True)
class Product:
    """A product of the catalog with its price per seat per term, in minor units per currency."""

    code: str
    name: str
    sold: bool
    prices: dict[str, dict[str, int]]

    def unit_price_minor(self, term: str, currency: str) -> int:
        """Price of one seat for one term."""
        return self.prices[term][currency]


@lru_cache(maxsize=1)
def products() -> dict[str, Product]:
    """All products by code."""
    raw = json.loads((FIXTURES_DIR / "catalog.json").read_text(encoding="utf-8"))
    return {
        p["code"]: Product(
            code=p["code"],
            name=p["name"],
            sold=p["sold"],
            prices={
                term: {cur: to_minor(Decimal(amount), cur) for cur, amount in by_cur.items()}
                for term, by_cur in p["prices"].items()
            },
        )
        for p in raw["products"]
    }


def product(code: str) -> Product:
    """One product by code (KeyError when unknown)."""
    return products()[code]


@lru_cache(maxsize=1)
def tax_rates() -> dict[str, Decimal]:
    """Tax rate by country code."""
    raw = json.loads((FIXTURES_DIR / "taxes.json").read_text(encoding="utf-8"))
    return {country: Decimal(rate) for country, rate in raw["rates"].items()}


def tax_rate(country: str) -> Decimal:
    """The tax rate of a CSN's country (KeyError when the table has none)."""
    return tax_rates()[country]
