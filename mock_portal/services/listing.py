"""The subscriptions of large accounts, a page at a time: SQL narrows by the filters, the rules decide each row."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from math import ceil
from typing import Any, NamedTuple

from flask_babel import gettext
from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import Session

from ..catalog import products
from ..models import Order, OrderLine, Subscription
from ..rules.eligibility import Verdict, judge, renewal_dates_open_on, status_shown
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


def filtered(account_id: int, f: ListFilter) -> Select[Any]:
    """The account's subscriptions matching the filter's search, CSN, currency and payment method, soonest renewal
    first. The status filter is not here: a status is the rules' to decide, row by row (see `list_page`)."""
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
    return stmt.order_by(Subscription.renewal_date, Subscription.number)


def may_renew(today: date) -> ColumnElement[bool]:
    """A loose SQL narrowing before the rules decide, never a decision: the rows whose date in force may be open."""
    # Why this is safe: current_anniversary only ever puts renewal_date or renewed_through in force, and
    # check_eligibility refuses a date whose window misses today; so every renewable row has one of the two within
    # renewal_dates_open_on(today), which comes from the rule's own constants. What it keeps that is not renewable
    # (paid, cancelled, monthly, …) the rule refuses in `judged`; no rule condition is restated here.
    first, last = renewal_dates_open_on(today)
    return or_(Subscription.renewal_date.between(first, last), Subscription.renewed_through.between(first, last))


class Listed(NamedTuple):
    """One row of a listing as `judged` reads it: the columns the rules take, and those a page shows and groups by."""

    id: int
    number: str
    csn: str
    currency: str
    payment_method: str
    status: str
    product_code: str
    term: str
    renewal_date: date
    renewed_through: date | None
    awaiting: bool  # an order of it awaits a Konbini / ATM payment


def judged(db: Session, stmt: Select[Any], today: date) -> Iterator[tuple[Listed, Verdict]]:
    """Each row of a listing query with the rules' verdict on it, in the query's order.

    The rule is rules.eligibility.judge, the one describe() asks for a single subscription: SQL only fetches facts."""
    awaiting = exists(
        select(OrderLine.id)
        .join(Order, Order.id == OrderLine.order_id)
        .where(OrderLine.subscription_id == Subscription.id, Order.status == "awaiting_payment")
    )
    columns = [getattr(Subscription, name) for name in Listed._fields[:-1]]
    sold = {code: p.sold for code, p in products().items()}
    # Plain tuples: reading a SQLAlchemy Row's attributes costs a microsecond each, a lot over 10,000 rows.
    for row in map(Listed._make, db.execute(stmt.with_only_columns(*columns, awaiting))):
        yield row, judge(
            today=today,
            status=row.status,
            product_sold=sold[row.product_code],
            term=row.term,
            renewal_date=row.renewal_date,
            renewed_through=row.renewed_through,
            awaiting_payment=row.awaiting,
        )


def showing(db: Session, stmt: Select[Any], today: date, status: str) -> list[int]:
    """The ids of a listing's rows whose status shown today is `status`, in the query's order."""
    rows = db.execute(
        stmt.with_only_columns(Subscription.id, Subscription.status, Subscription.renewal_date, Subscription.renewed_through)
    )
    return [id_ for id_, stored, renewal, paid in rows if status_shown(today, stored, renewal, paid) == status]


def by_ids(db: Session, ids: Sequence[int]) -> list[Subscription]:
    """The subscriptions with these ids, in the order given (in chunks: SQLite limits bound parameters)."""
    found: dict[int, Subscription] = {}
    for start in range(0, len(ids), 500):
        found.update((s.id, s) for s in db.scalars(select(Subscription).where(Subscription.id.in_(ids[start : start + 500]))))
    return [found[i] for i in ids]


def count(db: Session, stmt: Select[Any]) -> int:
    """How many rows a listing query has."""
    return int(db.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0)


def list_page(
    db: Session, account_id: int, today: date, f: ListFilter, page: int, per_page: int
) -> tuple[list[Subscription], PageSlice]:
    """One page of the account's list as filtered; a page past the end shows the last page."""
    stmt = filtered(account_id, f)
    if f.status:  # decided by the rules for every row the other filters keep, then paged
        ids = showing(db, stmt, today, f.status)
        slice_ = _slice(len(ids), page, per_page)
        return by_ids(db, ids[slice_.first - 1 : slice_.last]), slice_
    slice_ = _slice(count(db, stmt), page, per_page)
    return list(db.scalars(stmt.limit(per_page).offset((slice_.page - 1) * per_page))), slice_


def _slice(total: int, page: int, per_page: int) -> PageSlice:
    return PageSlice(min(page, max(1, ceil(total / per_page))), per_page, total)


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
