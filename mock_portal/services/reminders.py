"""The reminder job: one email per subscription per term once its renewal window opens (R3, R5)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import NamedTuple, TypeVar

from flask import Flask, current_app
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from .. import outbox
from ..clock import today_for
from ..emails import renewal_reminder
from ..models import Account, Reminder, Subscription, User
from .listing import may_renew
from .subscriptions import SubscriptionView, describe_all

ATTEMPTS = 5
_CHUNK = 5000  # subscriptions per query, well under SQLite's limit on bound parameters
T = TypeVar("T")


def renew_url(base_url: str, number: str) -> str:
    """Where a reminder's link goes: the subscription's renewal page."""
    return f"{base_url.rstrip('/')}/subscriptions/{number}/renew"


def send_reminders(db: Session, base_url: str, app: Flask | None = None) -> int:
    """Queue and send a reminder for every subscription newly inside its window; return how many.

    Each reminder is a Reminder row (unique per subscription and anniversary) committed with its email, so
    a second run, even a concurrent one, sends nothing twice. Needs an app context for the account clocks.
    """
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    for attempt in range(ATTEMPTS):
        try:
            count = _queue_reminders(db, base_url)
            db.commit()
            break
        except (IntegrityError, OperationalError):
            # Another run got there first (unique reminder) or wrote since we read (SQLite busy): read again.
            db.rollback()
            if attempt == ATTEMPTS - 1:
                raise
    outbox.deliver_pending(app)
    return count


def _queue_reminders(db: Session, base_url: str) -> int:
    first_user = _first_user_emails(db)
    count = 0
    for views in _due_views(db):
        sent = _already_reminded(db, [v.sub.id for v in views])
        due = [v for v in views if (v.sub.id, v.anniversary.renewal_date) not in sent and v.sub.account_id in first_user]
        if not due:
            continue
        db.execute(
            insert(Reminder), [{"subscription_id": v.sub.id, "renewal_date": v.anniversary.renewal_date} for v in due]
        )
        outbox.enqueue(
            db,
            *(
                renewal_reminder(
                    to=first_user[view.sub.account_id].email,
                    locale=first_user[view.sub.account_id].locale,
                    number=view.number,
                    product_name=view.product.name,
                    term=view.sub.term,
                    renewal_date=view.anniversary.renewal_date,
                    payment_method=view.sub.payment_method,
                    renew_url=renew_url(base_url, view.number),
                    account_id=view.sub.account_id,
                )
                for view in due
            ),
        )
        count += len(due)
    return count


def _due_views(db: Session) -> Iterator[list[SubscriptionView]]:
    """Eligible subscriptions, in batches: one query per distinct account clock, not one per subscription."""
    for clock in db.scalars(select(Account.today).distinct()).all():
        today = today_for(Account(today=clock))  # the clock's rules live in one place
        subs = db.scalars(
            select(Subscription)
            .join(Account, Account.id == Subscription.account_id)
            .where(Account.today.is_(None) if clock is None else Account.today == clock)
            .where(may_renew(today))  # narrows the rows, as the bulk page does; eligibility decides
            .order_by(Subscription.id)
        ).all()
        for batch in _chunks(subs, _CHUNK):
            yield [v for v in describe_all(db, list(batch), today) if v.eligibility.eligible]


def _already_reminded(db: Session, subscription_ids: list[int]) -> set[tuple[int, date]]:
    rows = db.execute(
        select(Reminder.subscription_id, Reminder.renewal_date).where(Reminder.subscription_id.in_(subscription_ids))
    )
    return {(sub_id, renewal) for sub_id, renewal in rows}


class Recipient(NamedTuple):
    """Who receives an account's reminders, and in which language."""

    email: str
    locale: str


def _first_user_emails(db: Session) -> dict[int, Recipient]:
    """Each account's first user, who receives its reminders in their language."""
    first = select(func.min(User.id)).group_by(User.account_id)
    rows = db.execute(select(User.account_id, User.email, User.locale).where(User.id.in_(first)))
    return {account_id: Recipient(email, locale) for account_id, email, locale in rows}


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
