"""A Place order form counts once: double click, reloaded POST, resubmitted form, two at the same moment; and two
sessions renewing the same subscriptions make one order, the other being told they are already renewed."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from flask import Flask
from portal_browser import SignedInBrowser, order_numbers, words
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mock_portal.db import new_session
from mock_portal.models import Account, Order, OutboxEmail, User
from mock_portal.services import orders
from mock_portal.services.cart import add_to_cart
from mock_portal.services.orders import CheckoutRefused, place_orders
from mock_portal.services.subscriptions import owned_subscriptions

TODAY = date(2027, 1, 1)


def _fill_cart(app: Flask, account_id: int, numbers: list[str]) -> None:
    db = new_session(app)
    add_to_cart(db, account_id, owned_subscriptions(db, account_id, numbers))
    db.commit()
    db.close()


def _submit(app: Flask, account_id: int, token: str, reviewed: list[str] | None = None) -> list[str]:
    with app.app_context():
        db = new_session(app)
        try:
            account = db.get(Account, account_id)
            user = db.scalar(select(User).where(User.account_id == account_id))
            assert account is not None and user is not None
            return place_orders(db, account, user, renew_now=True, token=token, reviewed=reviewed)
        finally:
            db.close()


def test_the_same_form_submitted_twice_makes_one_order_and_one_email(app: Flask, db: Session, seed_account) -> None:  # type: ignore[no-untyped-def]
    account = seed_account(today=TODAY.isoformat(), subscriptions=[{"renewal_date": "2027-02-01"}] * 2)
    _fill_cart(app, account.id, [s.number for s in account.subscriptions])
    first = _submit(app, account.id, "token-1")
    again = _submit(app, account.id, "token-1")
    assert again == first and len(first) == 1
    assert db.scalar(select(func.count()).select_from(Order).where(Order.account_id == account.id)) == 1
    assert db.scalar(select(func.count()).select_from(OutboxEmail)) == 1


def test_two_submissions_of_one_form_at_the_same_moment_make_one_order(app: Flask, db: Session, seed_account) -> None:  # type: ignore[no-untyped-def]
    account = seed_account(today=TODAY.isoformat(), subscriptions=[{"renewal_date": "2027-02-01"}] * 3)
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


def _orders_and_emails(db: Session, account_id: int) -> tuple[int, int]:
    db.expire_all()
    orders = db.scalar(select(func.count()).select_from(Order).where(Order.account_id == account_id))
    return orders or 0, db.scalar(select(func.count()).select_from(OutboxEmail)) or 0


def test_two_sessions_placing_the_same_renewal_make_one_order_and_the_second_is_told_it_is_already_renewed(
    db: Session, seed_account, signed_in_browser: SignedInBrowser  # type: ignore[no-untyped-def]
) -> None:
    account = seed_account(
        today=TODAY.isoformat(), users=[{}, {}], subscriptions=[{"renewal_date": "2027-01-20"}] * 2
    )
    first, second = signed_in_browser(account, 0), signed_in_browser(account, 1)
    first.renew(account.subscriptions[0].number)
    first.renew(account.subscriptions[1].number)
    first_form, second_form = first.open_checkout(), second.open_checkout()  # both review the same cart

    placed = first.submit_checkout(first_form, renew_now=True)
    refused = second.submit_checkout(second_form, renew_now=True)

    assert placed.path == "/checkout/confirmation" and len(order_numbers(placed)) == 1
    assert refused.status == 400, f"the second session's Place order answered {refused.status}"
    assert "is already renewed" in words(" ".join(refused.alerts)), refused.alerts
    assert _orders_and_emails(db, account.id) == (1, 1)


def test_two_sessions_submitting_at_the_same_moment_make_one_order_and_the_other_is_told_it_is_already_renewed(
    app: Flask, db: Session, seed_account  # type: ignore[no-untyped-def]
) -> None:
    account = seed_account(today=TODAY.isoformat(), subscriptions=[{"renewal_date": "2027-02-01"}] * 3)
    numbers = [s.number for s in account.subscriptions]
    _fill_cart(app, account.id, numbers)
    placed: list[list[str]] = []
    refused: list[str] = []
    start = threading.Barrier(2)

    def session(token: str) -> None:
        start.wait()
        try:
            placed.append(_submit(app, account.id, token, reviewed=numbers))
        except CheckoutRefused as exc:
            refused.append(str(exc))

    threads = [threading.Thread(target=session, args=(f"session-{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(placed) == 1 and len(placed[0]) == 1, f"exactly one session must place the order: {placed}"
    assert len(refused) == 1 and "already renewed" in refused[0], refused
    assert _orders_and_emails(db, account.id) == (1, 1)


def test_the_database_refuses_a_second_renewal_of_the_same_anniversary_that_passed_every_check_in_python(
    app: Flask, db: Session, seed_account, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    account = seed_account(today=TODAY.isoformat(), subscriptions=[{"renewal_date": "2027-02-01"}])
    _fill_cart(app, account.id, [account.subscriptions[0].number])
    late = new_session(app)
    stale = orders.review_checkout(late, late.get(Account, account.id))  # read before the other session commits
    assert _submit(app, account.id, "first-session")

    # The late session acts on what it read: the Python checks all pass on it; only the unique constraint can stop it.
    monkeypatch.setattr(orders, "review_checkout", lambda *_: stale)
    user = late.scalar(select(User).where(User.account_id == account.id))
    with pytest.raises(CheckoutRefused, match="^These subscriptions are already renewed: another session"):
        place_orders(late, late.get(Account, account.id), user, renew_now=True, token="late-session")
    late.close()
    assert _orders_and_emails(db, account.id) == (1, 1)


def test_a_form_whose_cart_changed_since_it_was_shown_orders_nothing(
    db: Session, seed_account, signed_in_browser: SignedInBrowser  # type: ignore[no-untyped-def]
) -> None:
    account = seed_account(today=TODAY.isoformat(), subscriptions=[{"renewal_date": "2027-01-20"}] * 2)
    browser = signed_in_browser(account)
    browser.renew(account.subscriptions[0].number)
    form = browser.open_checkout()
    browser.renew(account.subscriptions[1].number)  # e.g. in another tab: the form no longer shows the whole cart

    refused = browser.submit_checkout(form, renew_now=True)

    assert refused.status == 400 and "cart changed" in words(" ".join(refused.alerts)), refused.alerts
    assert _orders_and_emails(db, account.id) == (0, 0)
