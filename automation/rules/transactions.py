"""Transactions (R7, R8): one per (CSN, currency, payment method), at most 100 subscriptions per checkout."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple, TypeVar

MAX_PER_CHECKOUT = 100  # R7
T = TypeVar("T")


class TransactionKey(NamedTuple):
    """What makes subscriptions one transaction, one order and one confirmation email."""

    csn: str
    currency: str
    payment_method: str


def transactions(items: Iterable[T], key: Callable[[T], TransactionKey]) -> dict[TransactionKey, list[T]]:
    """The transactions a selection makes, each with its items in the order given."""
    groups: dict[TransactionKey, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups
