"""One transaction per (CSN, currency, payment method), at most 100 subscriptions per checkout (R7, R8)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple, TypeVar

MAX_PER_CHECKOUT = 100
LIMIT_MESSAGE = "You can renew at most 100 subscriptions in one checkout; you selected {count}. Select 100 or fewer."

T = TypeVar("T")


class GroupKey(NamedTuple):
    """What makes subscriptions one transaction: same customer number, currency and payment method."""

    csn: str
    currency: str
    payment_method: str


def group_by_transaction(items: Iterable[T], key: Callable[[T], GroupKey]) -> dict[GroupKey, list[T]]:
    """Split items into transactions, keeping their order; groups come out sorted by key."""
    groups: dict[GroupKey, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return dict(sorted(groups.items()))


def checkout_size_error(count: int) -> str | None:
    """The refusal message when a checkout holds more than the limit, else None."""
    return LIMIT_MESSAGE.format(count=count) if count > MAX_PER_CHECKOUT else None
