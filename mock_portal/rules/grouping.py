"""One transaction per (CSN, currency, payment method), at most 100 subscriptions per checkout (R7, R8)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple, TypeVar

from flask_babel import gettext

MAX_PER_CHECKOUT = 100

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
    """The refusal message when a checkout holds more than the limit, else None (in the language in force: English
    outside a request)."""
    if count <= MAX_PER_CHECKOUT:
        return None
    return gettext(
        "You can renew at most %(limit)s subscriptions in one checkout; you selected %(count)s. Select %(limit)s or fewer.",
        limit=MAX_PER_CHECKOUT,
        count=count,
    )
