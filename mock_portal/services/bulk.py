"""Bulk renewal: the eligible subscriptions grouped into transactions, and a selection of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from sqlalchemy.orm import Session

from ..models import Subscription
from ..rules.grouping import GroupKey, group_by_transaction
from .listing import Listed, ListFilter, by_ids, filtered, judged, may_renew
from .subscriptions import SubscriptionView, describe

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


def renewable(db: Session, account_id: int, today: date, wanted: ListFilter) -> list[Listed]:
    """The account's subscriptions the rules let renew today and the filter keeps, soonest renewal first."""
    stmt = filtered(account_id, wanted).where(may_renew(today))
    return [
        row
        for row, verdict in judged(db, stmt, today)
        if verdict.eligibility.eligible and (not wanted.status or verdict.status == wanted.status)
    ]


def transaction_of(row: Listed) -> GroupKey:
    """The transaction a subscription falls in (R7): its CSN, currency and payment method."""
    return GroupKey(row.csn, row.currency, row.payment_method)


def eligible_groups(
    db: Session, account_id: int, today: date, wanted: ListFilter, per_group: int = SHOWN_PER_GROUP
) -> list[BulkGroup]:
    """Only eligible subscriptions, grouped by CSN, currency and payment method (R7), each group's first rows."""
    groups = group_by_transaction(renewable(db, account_id, today, wanted), transaction_of)
    shown = {key: members[:per_group] for key, members in groups.items()}
    subs = {sub.id: sub for sub in by_ids(db, [row.id for rows in shown.values() for row in rows])}
    return [
        BulkGroup(key, [describe(subs[row.id], today, row.awaiting) for row in rows], len(groups[key]))
        for key, rows in shown.items()
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


def _chosen(db: Session, account_id: int, today: date, numbers: list[str], groups: Iterable[GroupKey]) -> list[int]:
    # The form's values are matched against the account's own renewable rows here, not in SQL: a tampered form carries
    # any number of values, and a bound parameter or OR term per value overflowed SQLite's limits (a 500).
    wanted, picked = set(numbers), set(groups)
    rows = renewable(db, account_id, today, ListFilter())
    return [row.id for row in rows if row.number in wanted or transaction_of(row) in picked]


def selection_size(db: Session, account_id: int, today: date, numbers: list[str], groups: list[GroupKey]) -> int:
    """How many eligible subscriptions of this account the ticked boxes and Select alls cover."""
    if not numbers and not groups:
        return 0
    return len(_chosen(db, account_id, today, numbers, groups))


def selection(db: Session, account_id: int, today: date, numbers: list[str], groups: list[GroupKey]) -> list[Subscription]:
    """The chosen subscriptions: ticked ones plus every member of a group whose Select all is ticked.

    Numbers that are not this account's eligible subscriptions (someone else's, tampered) are left out."""
    if not numbers and not groups:
        return []
    return by_ids(db, _chosen(db, account_id, today, numbers, groups))
