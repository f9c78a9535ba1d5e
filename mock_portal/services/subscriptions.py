"""Subscriptions as the user sees them today: anniversary in force, status and eligibility."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..catalog import Product, product
from ..models import Order, OrderLine, Subscription
from ..rules.eligibility import Anniversary, Eligibility, judge


@dataclass(frozen=True)
class SubscriptionView:
    """One subscription with everything derived from "today"."""

    sub: Subscription
    product: Product
    anniversary: Anniversary
    status: str
    eligibility: Eligibility

    @property
    def number(self) -> str:
        """The 12-digit subscription number."""
        return self.sub.number


def awaiting_payment_ids(db: Session, subscription_ids: Iterable[int]) -> set[int]:
    """Subscriptions with a Konbini / ATM order placed but not yet paid."""
    ids = list(subscription_ids)
    if not ids:
        return set()
    rows = db.execute(
        select(OrderLine.subscription_id)
        .join(Order)
        .where(Order.status == "awaiting_payment", OrderLine.subscription_id.in_(ids))
    )
    return set(rows.scalars())


def describe(sub: Subscription, today: date, awaiting: bool = False) -> SubscriptionView:
    """Derive what the user sees of one subscription on `today`."""
    prod = product(sub.product_code)
    anniversary, status, eligibility = judge(
        today=today,
        status=sub.status,
        product_sold=prod.sold,
        term=sub.term,
        renewal_date=sub.renewal_date,
        renewed_through=sub.renewed_through,
        awaiting_payment=awaiting,
    )
    return SubscriptionView(sub, prod, anniversary, status, eligibility)


def describe_one(db: Session, sub: Subscription, today: date) -> SubscriptionView:
    """Describe one subscription, pending Konbini / ATM payment included."""
    return describe(sub, today, sub.id in awaiting_payment_ids(db, [sub.id]))


def describe_all(db: Session, subs: list[Subscription], today: date) -> list[SubscriptionView]:
    """Describe many subscriptions with one query for pending payments."""
    awaiting = awaiting_payment_ids(db, (s.id for s in subs))
    return [describe(s, today, s.id in awaiting) for s in subs]


def account_subscriptions(db: Session, account_id: int) -> list[Subscription]:
    """All subscriptions of an account, soonest renewal first."""
    return list(
        db.scalars(
            select(Subscription)
            .where(Subscription.account_id == account_id)
            .order_by(Subscription.renewal_date, Subscription.number)
        )
    )


def owned_subscription(db: Session, account_id: int, number: str) -> Subscription | None:
    """The account's subscription with this number, or None (someone else's is as good as missing)."""
    return db.scalar(
        select(Subscription).where(Subscription.account_id == account_id, Subscription.number == number)
    )


def owned_subscriptions(db: Session, account_id: int, numbers: Iterable[str]) -> list[Subscription]:
    """The account's subscriptions among `numbers`; unknown or foreign numbers are left out."""
    wanted = list(dict.fromkeys(numbers))
    found: list[Subscription] = []
    for start in range(0, len(wanted), 500):
        found += db.scalars(
            select(Subscription).where(
                Subscription.account_id == account_id, Subscription.number.in_(wanted[start : start + 500])
            )
        )
    return found
