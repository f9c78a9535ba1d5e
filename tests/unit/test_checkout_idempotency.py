"""A Place order form counts once: double click, reloaded POST, resubmitted form, two at the same moment."""

from __future__ import annotations

import threading
from datetime import date

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mock_portal.db import new_session
from mock_portal.models import Account, Order, OutboxEmail, User
from mock_portal.services.cart import add_to_cart
from mock_portal.services.orders import place_orders
from mock_portal.services.subscriptions import owned_subscriptions

TODAY = date(2027, 1, 1)


def _fill_cart(app: Flask, account_id: int, numbers: list[str]) -> None:
    db = new_session(app)
    add_to_cart(db, account_id, owned_subscriptions(db, account_id, numbers))
    db.commit()
    db.close()


def _submit(app: Flask, account_id: int, token: str) -> list[str]:
    with app.app_context():
        db = new_session(app)
        try:
            account = db.get(Account, account_id)
            user = db.scalar(select(User).where(User.account_id == account_id))
            assert account is not None and user is not None
            return place_orders(db, account, user, renew_now=True, token=token)
        finally:
            db.close()


def test_the_same_form_submitted_twice_makes_one_order_and_one_email(app: Flask, db: Session, make_account) -> None:  # type: ignore[no-untyped-def]
    account = make_account(today=TODAY.isoformat(), subscriptions=[{"renewal_date": "2027-02-01"}] * 2)
    _fill_cart(app, account.id, [s.number for s in account.subscriptions])
    first = _submit(app, account.id, "token-1")
    again = _submit(app, account.id, "token-1")
    assert again == first and len(first) == 1
    assert db.scalar(select(func.count()).select_from(Order).where(Order.account_id == account.id)) == 1
    assert db.scalar(select(func.count()).select_from(OutboxEmail)) == 1


def test_two_submissions_of_one_form_at_the_same_moment_make_one_order(app: Flask, db: Session, make_account) -> None:  # type: ignore[no-untyped-def]
    account = make_account(today=TODAY.isoformat(), subscriptions=[{"renewal_date": "2027-02-01"}] * 3)
    _fill_cart(app, account.id, [s.number for s in account.subscriptions])
    results: list[list[str]] = []
    start = threading.Barrier(2)

    def click() -> None:
        start.wait()
        results.append(_submit(app, account.id, "double-click"))

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(results) == 2 and results[0] == results[1], f"both clicks must see the same orders, got {results}"
    assert db.scalar(select(func.count()).select_from(Order).where(Order.account_id == account.id)) == 1
    assert db.scalar(select(func.count()).select_from(OutboxEmail)) == 1
