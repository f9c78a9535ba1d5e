"""What a renewal request names: subscription numbers, a group filter, or every eligible subscription."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from automation.profiles import PAYMENT_METHODS

_NUMBER = re.compile(r"[0-9]{12}")  # not \d: that takes any script's digits
_CSN = re.compile(r"[0-9]{10}")
_CURRENCY = re.compile(r"[A-Za-z]{3}")


SELECTION_HINT = "selection"


class SelectionError(ValueError):
    """A request that names no subscriptions, or names them wrongly; the message says what to do, `hint` where."""

    def __init__(self, message: str, hint: str = SELECTION_HINT) -> None:
        super().__init__(message)
        self.hint = hint


def check_numbers(numbers: Iterable[str]) -> tuple[str, ...]:
    """Return the numbers in order without repeats; each must be a 12-digit subscription number."""
    checked: dict[str, None] = {}
    for raw in numbers:
        number = raw.strip()
        if not _NUMBER.fullmatch(number):
            raise SelectionError(f"{raw!r} is not a subscription number; use its 12 digits, e.g. 123456789012.", "NUMBER")
        checked[number] = None
    return tuple(checked)


def check_csn(value: str) -> str:
    """Return a customer number (CSN): 10 digits."""
    csn = value.strip()
    if not _CSN.fullmatch(csn):
        raise SelectionError(f"{value!r} is not a customer number; use its 10 digits, e.g. 1234567890.", "--csn")
    return csn


def check_currency(value: str) -> str:
    """Return a currency code in capitals: 3 letters."""
    currency = value.strip()
    if not _CURRENCY.fullmatch(currency):
        raise SelectionError(f"{value!r} is not a currency code; use 3 letters such as USD, EUR, GBP or JPY.", "--currency")
    return currency.upper()


def check_payment_method(value: str) -> str:
    """Return a payment method the portal knows."""
    method = value.strip().lower()
    if method not in PAYMENT_METHODS:
        raise SelectionError(f"{value!r} is not a payment method; use one of {', '.join(PAYMENT_METHODS)}.", "--payment-method")
    return method


@dataclass(frozen=True)
class Selection:
    """Exactly one way of choosing subscriptions: by numbers, by a group filter, or all eligible ones."""

    numbers: tuple[str, ...] = ()
    csn: str | None = None
    currency: str | None = None
    payment_method: str | None = None
    all_eligible: bool = False

    @property
    def by_filter(self) -> bool:
        """True when the subscriptions come from the bulk page by CSN, currency or payment method."""
        return any((self.csn, self.currency, self.payment_method))

    def describe(self) -> str:
        """Say in a few words what is selected, for progress and error messages."""
        if self.numbers:
            return f"{len(self.numbers)} subscription(s) by number"
        if self.all_eligible:
            return "every eligible subscription"
        parts = [f"CSN {self.csn}" if self.csn else "", self.currency or "", self.payment_method or ""]
        return "eligible subscriptions with " + " · ".join(p for p in parts if p)


def build_selection(
    numbers: Sequence[str] = (),
    *,
    csn: str | None = None,
    currency: str | None = None,
    payment_method: str | None = None,
    all_eligible: bool = False,
) -> Selection:
    """Check each part and that exactly one way of selecting was used."""
    selection = Selection(
        numbers=check_numbers(numbers),
        csn=check_csn(csn) if csn else None,
        currency=check_currency(currency) if currency else None,
        payment_method=check_payment_method(payment_method) if payment_method else None,
        all_eligible=all_eligible,
    )
    ways = [
        name
        for name, used in (
            ("subscription numbers", bool(selection.numbers)),
            ("--csn/--currency/--payment-method", selection.by_filter),
            ("--all-eligible", all_eligible),
        )
        if used
    ]
    if not ways:
        raise SelectionError(
            "nothing selected: name subscription numbers, or filter with --csn/--currency/--payment-method, "
            "or pass --all-eligible."
        )
    if len(ways) > 1:
        raise SelectionError(f"choose one way to select subscriptions, not {' and '.join(ways)}.")
    return selection
