"""The subscriptions of large accounts, a page at a time: filters, search and eligibility done in SQL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from math import ceil
from typing import Any

from flask_babel import gettext
from sqlalchemy import ColumnElement, Select, and_, case, exists, func, not_, or_, select
from sqlalchemy.orm import Session

from ..catalog import products
from ..models import Order, OrderLine, Subscription
from ..rules.eligibility import CLOSES_DAYS_AFTER, OPENS_DAYS_BEFORE
from ..rules.grouping import GroupKey
from ..rules.payment import PAYMENT_METHODS

STATUSES = ("active", "expired", "cancelled")
DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 500


class BadFilter(ValueError):
    """A filter value the portal does not know; the message names it and what is allowed."""


@dataclass(frozen=True)
class ListFilter:
    """What the user narrowed the list to: a search text and exact CSN, currency, payment method, status."""

    q: str = ""
    csn: str = ""
    currency: str = ""
    payment_method: str = ""
    status: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ListFilter:
        """Read the filter form's query string, refusing unknown values with a message that names them."""
        found = cls(**{f.name: (args.get(f.name) or "").strip()[:100] for f in fields(cls)})
        if found.payment_method and found.payment_method not in PAYMENT_METHODS:
            raise BadFilter(
                gettext(
                    "Unknown payment method %(value)s; use one of %(allowed)s.",
                    value=repr(found.payment_method),
                    allowed=", ".join(PAYMENT_METHODS),
                )
            )
        if found.status and found.status not in STATUSES:
            value, allowed = repr(found.status), ", ".join(STATUSES)
            raise BadFilter(gettext("Unknown status %(value)s; use one of %(allowed)s.", value=value, allowed=allowed))
        return replace(found, currency=found.currency.upper())

    @property
    def active(self) -> bool:
        """Whether anything is filtered."""
        return any(getattr(self, f.name) for f in fields(self))

    def args(self) -> dict[str, str]:
        """The non-empty filters, for links that keep them."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


@dataclass(frozen=True)
class PageSlice:
    """Which page of how many, e.g. rows 201–400 of 10,000."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """Number of pages (at least 1)."""
        return max(1, ceil(self.total / self.per_page))

    @property
    def first(self) -> int:
        """1-based index of the first row shown."""
        return 0 if self.total == 0 else (self.page - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        """1-based index of the last row shown."""
        return min(self.page * self.per_page, self.total)


def page_number(value: str | None, default: int = 1, most: int | None = None) -> int:
    """A positive page number or page size from the query string; nonsense falls back to the default."""
    try:
        number = int(value or default)
    except ValueError:
        return default
    number = max(1, number)
    return min(number, most) if most else number


def _rolled() -> ColumnElement[bool]:
    """A paid term has begun: today is past the stored date (the anniversary rolls forward, see rules)."""
    return Subscription.renewed_through.is_not(None)


def _anniversary(today: date) -> tuple[ColumnElement[date], ColumnElement[date | None]]:
    """SQL twin of rules.eligibility.current_anniversary: the date in force and the term already paid."""
    passed = and_(_rolled(), Subscription.renewal_date < today)
    return (
        case((passed, Subscription.renewed_through), else_=Subscription.renewal_date),
        case((passed, None), else_=Subscription.renewed_through),
    )


def status_is(status: str, today: date) -> ColumnElement[bool]:
    """SQL twin of rules.eligibility.display_status."""
    in_force, paid = _anniversary(today)
    expired = or_(Subscription.status == "expired", and_(paid.is_(None), in_force < today))
    if status == "cancelled":
        return Subscription.status == "cancelled"
    if status == "expired":
        return and_(Subscription.status != "cancelled", expired)
    return and_(Subscription.status != "cancelled", not_(expired))


def eligible(today: date) -> ColumnElement[bool]:
    """SQL twin of rules.eligibility.check_eligibility (plus no order awaiting payment)."""
    in_force, paid = _anniversary(today)
    awaiting = exists(
        select(OrderLine.id)
        .join(Order, Order.id == OrderLine.order_id)
        .where(OrderLine.subscription_id == Subscription.id, Order.status == "awaiting_payment")
    )
    return and_(
        Subscription.status != "cancelled",
        Subscription.product_code.in_([code for code, p in products().items() if p.sold]),
        Subscription.term != "monthly",
        paid.is_(None),
        not_(awaiting),
        in_force.between(today - timedelta(days=CLOSES_DAYS_AFTER), today + timedelta(days=OPENS_DAYS_BEFORE)),
    )


def filtered(account_id: int, today: date, f: ListFilter) -> Select[Any]:
    """The account's subscriptions matching the filter, soonest renewal first."""
    stmt = select(Subscription).where(Subscription.account_id == account_id)
    if f.q:
        names = [code for code, p in products().items() if f.q.lower() in p.name.lower()]
        stmt = stmt.where(or_(Subscription.number.startswith(f.q, autoescape=True), Subscription.product_code.in_(names)))
    for column, value in (
        (Subscription.csn, f.csn),
        (Subscription.currency, f.currency),
        (Subscription.payment_method, f.payment_method),
    ):
        if value:
            stmt = stmt.where(column == value)
    if f.status:
        stmt = stmt.where(status_is(f.status, today))
    return stmt.order_by(Subscription.renewal_date, Subscription.number)


def count(db: Session, stmt: Select[Any]) -> int:
    """How many rows a listing query has."""
    return int(db.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0)


def page_of(db: Session, stmt: Select[Any], page: int, per_page: int) -> tuple[list[Subscription], PageSlice]:
    """One page of a listing; a page past the end shows the last page."""
    total = count(db, stmt)
    page = min(page, max(1, ceil(total / per_page)))
    rows = list(db.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return rows, PageSlice(page, per_page, total)


@dataclass(frozen=True)
class Facets:
    """The values the filter form offers: the account's own CSNs, currencies and payment methods."""

    csns: list[str]
    currencies: list[str]
    payment_methods: list[str]


def facets(db: Session, account_id: int) -> Facets:
    """One query for the filter form's choices."""
    rows = db.execute(
        select(Subscription.csn, Subscription.currency, Subscription.payment_method)
        .where(Subscription.account_id == account_id)
        .distinct()
    ).all()
    return Facets(sorted({r.csn for r in rows}), sorted({r.currency for r in rows}), sorted({r.payment_method for r in rows}))


def group_counts(db: Session, stmt: Select[Any]) -> dict[GroupKey, int]:
    """How many subscriptions of a listing fall in each transaction group."""
    sub = stmt.order_by(None).subquery()
    rows = db.execute(
        select(sub.c.csn, sub.c.currency, sub.c.payment_method, func.count())
        .group_by(sub.c.csn, sub.c.currency, sub.c.payment_method)
        .order_by(sub.c.csn, sub.c.currency, sub.c.payment_method)
    ).all()
    return {GroupKey(csn, cur, method): n for csn, cur, method, n in rows}


def in_group(key: GroupKey) -> ColumnElement[bool]:
    """Subscriptions of one transaction group."""
    return and_(
        Subscription.csn == key.csn, Subscription.currency == key.currency, Subscription.payment_method == key.payment_method
    )
