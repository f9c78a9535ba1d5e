"""The account's cart: renewals waiting for checkout, priced and grouped into transactions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..catalog import tax_rate
from ..models import CartItem, Csn, Subscription
from ..rules.grouping import GroupKey, group_by_transaction
from ..rules.pricing import Totals, transaction_totals
from .subscriptions import SubscriptionView, describe_all


@dataclass(frozen=True)
class CartLine:
    """One renewal in the cart."""

    view: SubscriptionView
    unit_price_minor: int
    line_total_minor: int


@dataclass(frozen=True)
class CartGroup:
    """The lines that will become one order, and their totals."""

    key: GroupKey
    country: str
    lines: list[CartLine]
    totals: Totals


def group_key(sub: Subscription) -> GroupKey:
    """The transaction a subscription belongs to."""
    return GroupKey(sub.csn, sub.currency, sub.payment_method)


def cart_subscriptions(db: Session, account_id: int) -> list[Subscription]:
    """The subscriptions in the account's cart, in the order they were added."""
    return list(
        db.scalars(
            select(Subscription)
            .join(CartItem, CartItem.subscription_id == Subscription.id)
            .where(CartItem.account_id == account_id)
            .order_by(CartItem.id)
        )
    )


def price_cart(db: Session, subs: list[Subscription], today: date) -> list[CartGroup]:
    """Group subscriptions into transactions and price each with its CSN country's tax."""
    views = describe_all(db, subs, today)
    countries = dict(db.execute(select(Csn.number, Csn.country).where(Csn.number.in_({s.csn for s in subs}))).all())
    groups = []
    for key, members in group_by_transaction(views, lambda v: group_key(v.sub)).items():
        lines = []
        for view in members:
            unit = view.product.unit_price_minor(view.sub.term, view.sub.currency)
            lines.append(CartLine(view, unit, unit * view.sub.seats))
        country = countries[key.csn]
        totals = transaction_totals(
            [(line.unit_price_minor, line.view.sub.seats) for line in lines], tax_rate(country), key.currency
        )
        groups.append(CartGroup(key, country, lines, totals))
    return groups


def add_to_cart(db: Session, account_id: int, subs: list[Subscription]) -> None:
    """Put renewals in the cart, once each."""
    present = set(
        db.scalars(select(CartItem.subscription_id).where(CartItem.account_id == account_id))
    )
    db.add_all(CartItem(account_id=account_id, subscription_id=s.id) for s in subs if s.id not in present)


def replace_cart(db: Session, account_id: int, subs: list[Subscription]) -> None:
    """Make the cart hold exactly these renewals (a bulk selection)."""
    clear_cart(db, account_id)
    db.flush()
    add_to_cart(db, account_id, subs)


def clear_cart(db: Session, account_id: int, subscription_ids: list[int] | None = None) -> None:
    """Empty the cart, or remove some renewals from it."""
    stmt = delete(CartItem).where(CartItem.account_id == account_id)
    if subscription_ids is not None:
        stmt = stmt.where(CartItem.subscription_id.in_(subscription_ids))
    db.execute(stmt)
