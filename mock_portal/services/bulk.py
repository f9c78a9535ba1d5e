"""Bulk renewal: the eligible subscriptions grouped into transactions, and a selection of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from sqlalchemy import ColumnElement, false, or_, tuple_
from sqlalchemy.orm import Session

from ..models import Subscription
from ..rules.grouping import GroupKey
from .listing import ListFilter, count, eligible, filtered, group_counts, in_group
from .subscriptions import SubscriptionView, describe_all

SHOWN_PER_GROUP = 100  # rows per group by default; a larger group is still selectable whole with its Select all
MOST_PER_GROUP = 500  # what "Show up to 500 per group" asks for: the most one page renders per group


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


def eligible_groups(
    db: Session, account_id: int, today: date, wanted: ListFilter, per_group: int = SHOWN_PER_GROUP
) -> list[BulkGroup]:
    """Only eligible subscriptions, grouped by CSN, currency and payment method (R7), each group's first rows."""
    stmt = filtered(account_id, today, wanted).where(eligible(today))
    return [
        BulkGroup(key, describe_all(db, list(db.scalars(stmt.where(in_group(key)).limit(per_group))), today), total)
        for key, total in group_counts(db, stmt).items()
    ]


def rows_per_group(value: str | None) -> int:
    """The `per_group` query value: how many rows each group shows (1–500, default 100); ValueError says what's wrong."""
    if value is None or value == "":
        return SHOWN_PER_GROUP
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MOST_PER_GROUP:
        raise ValueError(
            gettext(
                "per_group=%(value)s is not allowed; use a whole number from 1 to %(most)s",
                value=repr(value[:20]),
                most=MOST_PER_GROUP,
            )
        )
    return int(value)


def parse_group(token: str) -> GroupKey | None:
    """A Select all value back into its group; anything malformed selects nothing."""
    parts = token.split("|")
    return GroupKey(*parts) if len(parts) == 3 else None


def _chosen(db: Session, account_id: int, today: date, numbers: list[str], groups: Iterable[GroupKey]):  # type: ignore[no-untyped-def]
    stmt = filtered(account_id, today, ListFilter()).where(eligible(today))
    # Match the form's values against the account's own eligible numbers and groups here, not in SQL: a tampered form
    # carries any number of values, and a bound parameter or OR term per value overflowed SQLite's limits (a 500).
    wanted = set(numbers)
    own_numbers = [n for n in db.scalars(stmt.with_only_columns(Subscription.number)) if n in wanted]
    own_groups = sorted(set(group_counts(db, stmt)).intersection(groups))
    picked: list[ColumnElement[bool]] = [
        Subscription.number.in_(own_numbers[i : i + 500]) for i in range(0, len(own_numbers), 500)
    ]
    if own_groups:
        picked.append(tuple_(Subscription.csn, Subscription.currency, Subscription.payment_method).in_(own_groups))
    return stmt.where(or_(false(), *picked))


def selection_size(db: Session, account_id: int, today: date, numbers: list[str], groups: list[GroupKey]) -> int:
    """How many eligible subscriptions of this account the ticked boxes and Select alls cover."""
    if not numbers and not groups:
        return 0
    return count(db, _chosen(db, account_id, today, numbers, groups))


def selection(db: Session, account_id: int, today: date, numbers: list[str], groups: list[GroupKey]) -> list[Subscription]:
    """The chosen subscriptions: ticked ones plus every member of a group whose Select all is ticked.

    Numbers that are not this account's eligible subscriptions (someone else's, tampered) are left out."""
    if not numbers and not groups:
        return []
    return list(db.scalars(_chosen(db, account_id, today, numbers, groups)))
