"""Money in each currency's own minor units, and tax (never floats)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

CURRENCY_EXPONENTS = {"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0}
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}  # as en_US writes them


def quantum(currency: str) -> Decimal:
    """The smallest amount of `currency` (0.01 for USD, 1 for JPY)."""
    return Decimal(1).scaleb(-CURRENCY_EXPONENTS[currency])


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round half up to the currency's minor unit."""
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def to_minor(amount: Decimal, currency: str) -> int:
    """Integer minor units (cents, pence, yen) of an amount."""
    return int(round_money(amount, currency).scaleb(CURRENCY_EXPONENTS[currency]))


def from_minor(minor: int, currency: str) -> Decimal:
    """The amount of `minor` minor units, at the currency's precision."""
    return round_money(Decimal(minor).scaleb(-CURRENCY_EXPONENTS[currency]), currency)


def format_money(minor: int, currency: str, locale: str = "en_US") -> str:
    """Human form in a locale's conventions (Babel's), with the currency's own decimals: '$1,975.00', '¥298,100'
    (en_US), '1 975,00 $US' (fr_FR), '￥298,100' (ja_JP)."""
    exponent = CURRENCY_EXPONENTS[currency]
    return _currency_pattern(locale, exponent).apply(from_minor(minor, currency), locale, currency, currency_digits=False)


@lru_cache(maxsize=32)
def _currency_pattern(locale: str, decimals: int) -> NumberPattern:
    pattern = parse_pattern(Locale.parse(locale).currency_formats["standard"].pattern)  # a copy: Babel's is shared
    pattern.frac_prec = (decimals, decimals)
    return pattern


def tax_minor(subtotal_minor: int, rate: Decimal, currency: str) -> int:
    """Tax on a subtotal, rounded once per order to the currency's minor unit."""
    return to_minor(from_minor(subtotal_minor, currency) * rate, currency)


def line_total_minor(unit_price_minor: int, seats: int) -> int:
    """Price of one line: unit price per seat times seats."""
    return unit_price_minor * seats
