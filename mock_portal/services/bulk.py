"""Bulk renewal: the eligible subscriptions grouped into transactions, and a selection of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, or_
from sqlalchemy.orm import Session

from ..models import Subscription
from ..rules.grouping import GroupKey
from .listing import ListFilter, count, eligible, filtered, group_counts, in_group
from .subscriptions import SubscriptionView, describe_all

SHOWN_PER_GROUP = 500  # a group larger than this is still selectable whole with its Select all


@dataclass(frozen=True)
class BulkGroup:
    """One fieldset of the bulk page: a (CSN, currency, payment method), its size and the members shown."""

    key: GroupKey
    views: list[SubscriptionView]
    total: int

    @property
    def token(self) -> str:
        """The group as a form value: 'CSN|currency|method'."""
        return "|".join(self.key)


def eligible_groups(db: Session, account_id: int, today: date, wanted: ListFilter) -> list[BulkGroup]:
    """Only eligible subscriptions, grouped by CSN, currency and payment method (R7), each group's first rows."""
    stmt = filtered(account_id, today, wanted).where(eligible(today))
    return [
        BulkGroup(key, describe_all(db, list(db.scalars(stmt.where(in_group(key)).limit(SHOWN_PER_GROUP))), today), total)
        for key, total in group_counts(db, stmt).items()
    ]


def parse_group(token: str) -> GroupKey | None:
    """A Select all value back into its group; anything malformed selects nothing."""
    parts = token.split("|")
    return GroupKey(*parts) if len(parts) == 3 else None


def _chosen(account_id: int, today: date, numbers: list[str], groups: Iterable[GroupKey]):  # type: ignore[no-untyped-def]
    picked: list[ColumnElement[bool]] = [Subscription.number.in_(numbers[i : i + 500]) for i in range(0, len(numbers), 500)]
    picked += [in_group(key) for key in groups]
    return filtered(account_id, today, ListFilter()).where(eligible(today)).where(or_(*picked))


def selection_size(db: Session, account_id: int, today: date, numbers: list[str], groups: list[GroupKey]) -> int:
    """How many eligible subscriptions of this account the ticked boxes and Select alls cover."""
    if not numbers and not groups:
        return 0
    return count(db, _chosen(account_id, today, numbers, groups))


def selection(db: Session, account_id: int, today: date, numbers: list[str], groups: list[GroupKey]) -> list[Subscription]:
    """The chosen subscriptions: ticked ones plus every member of a group whose Select all is ticked.

    Numbers that are not this account's eligible subscriptions (someone else's, tampered) are left out."""
    if not numbers and not groups:
        return []
    return list(db.scalars(_chosen(account_id, today, numbers, groups)))
