"""Splitting a bulk request into checkouts of at most 100 subscriptions (R7), keeping transactions whole when they fit."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

from ..rules import MAX_PER_CHECKOUT  # R7

K = TypeVar("K", bound=Hashable)


def plan_checkouts(numbers_by_group: Mapping[K, Sequence[str]], limit: int = MAX_PER_CHECKOUT) -> list[list[str]]:
    """Cut the request into checkouts of at most `limit` numbers, in order; a group goes whole into one checkout
    when it fits beside the previous ones, else starts the next; a group over `limit` is cut into chunks of `limit`."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    seen: set[str] = set()
    checkouts: list[list[str]] = []
    current: list[str] = []
    for group, numbers in numbers_by_group.items():
        for number in numbers:
            if number in seen:
                raise ValueError(f"subscription {number} is requested twice (again in group {group!r})")
            seen.add(number)
        for start in range(0, len(numbers), limit):
            chunk = list(numbers[start : start + limit])
            if current and len(current) + len(chunk) > limit:
                checkouts.append(current)
                current = []
            current += chunk
    if current:
        checkouts.append(current)
    return checkouts
