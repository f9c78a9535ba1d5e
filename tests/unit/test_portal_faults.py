"""An account's faults through the test-control API: off until set, clear 400s naming the field, 404s for unknown
accounts; a declined payment orders and mails nothing, and an account's SMTP outage keeps its emails in the outbox
until lifted (then sends each once). Portal-wide latency and errors: test_portal_wide_faults.py."""

from __future__ import annotations

from typing import Any

import pytest
from fault_injection import TODAY, due_account_fixture, put_faults  # noqa: F401 (fixtures)
from flask import Flask
from flask.testing import FlaskClient
from portal_browser import Browser, SeedAccount, SignedInBrowser, order_numbers
from sqlalchemy import select
from sqlalchemy.orm import Session
from stand_ins import OutboxClock

from automation.clients import Mailbox, PortalAdmin
from mock_portal import outbox
from mock_portal.models import OutboxEmail
from mock_portal.services.reminders import send_reminders
from mock_portal.testing.answers import CreatedAccount

DECLINED = "was declined"


def outbox_rows(db: Session, account_id: int | None = None) -> list[OutboxEmail]:
    db.expire_all()
    query = select(OutboxEmail).order_by(OutboxEmail.id)
    if account_id is not None:
        query = query.where(OutboxEmail.account_id == account_id)
    return list(db.scalars(query))


@pytest.fixture
def due_cart(due_account: CreatedAccount, signed_in_browser: SignedInBrowser) -> Browser:
    """The due account's user, signed in, with its subscription in the cart."""
    browser = signed_in_browser(due_account)
    browser.renew(due_account.subscriptions[0].number)
    return browser


# --- per-account faults: the API --------------------------------------------------------------------------------


def test_account_faults_are_off_until_set_and_an_omitted_one_is_unchanged(client: FlaskClient, due_account) -> None:
    assert client.get(f"/__test__/accounts/{due_account.id}/faults").get_json() == {
        "id": due_account.id, "payment_declined": False, "smtp_unavailable": False,
    }  # fmt: skip

    after_first = put_faults(client, due_account.id, payment_declined=True)
    after_second = put_faults(client, due_account.id, smtp_unavailable=True)
    after_empty = put_faults(client, due_account.id)

    assert after_first == {"id": due_account.id, "payment_declined": True, "smtp_unavailable": False}
    assert after_second == after_empty == {"id": due_account.id, "payment_declined": True, "smtp_unavailable": True}
    assert client.get(f"/__test__/accounts/{due_account.id}/faults").get_json() == after_empty


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"payment_declined": "yes"}, "payment_declined"),
        ({"smtp_unavailable": 1}, "smtp_unavailable"),
        ({"smtp_unavailable": None}, "smtp_unavailable"),
        ({"latency_ms": 300}, "latency_ms"),
        ([True], "body"),
    ],
)
def test_account_faults_refuse_bad_input_naming_the_field(client: FlaskClient, due_account, body: Any, field: str) -> None:
    response = client.put(f"/__test__/accounts/{due_account.id}/faults", json=body)

    assert response.status_code == 400 and response.get_json()["error"].startswith(f"{field}:"), response.get_json()
    assert client.get(f"/__test__/accounts/{due_account.id}/faults").get_json()["payment_declined"] is False


def test_account_faults_need_a_body(client: FlaskClient, due_account) -> None:
    response = client.put(f"/__test__/accounts/{due_account.id}/faults", data="", content_type="application/json")

    assert response.status_code == 400 and response.get_json()["error"].startswith("body:")


@pytest.mark.parametrize("method", ["get", "put"])
def test_faults_of_an_unknown_account_are_404(client: FlaskClient, method: str) -> None:
    response = getattr(client, method)("/__test__/accounts/987654/faults", json={"payment_declined": True})

    assert response.status_code == 404 and "987654" in response.get_json()["error"]


# --- payment declined ---------------------------------------------------------------------------------------------


def test_a_declined_payment_refuses_place_order_with_402_and_a_clear_message(
    client: FlaskClient, due_account, due_cart: Browser
) -> None:
    put_faults(client, due_account.id, payment_declined=True)

    page = due_cart.place_order()

    assert (page.status, page.path) == (402, "/checkout")
    (alert,) = page.alerts
    assert DECLINED in alert and "Nothing was ordered" in alert and "try again" in alert


def test_a_declined_payment_orders_nothing_and_sends_no_email(
    client: FlaskClient, app: Flask, db: Session, admin: PortalAdmin, mailbox: Mailbox, due_account, due_cart: Browser
) -> None:
    put_faults(client, due_account.id, payment_declined=True)

    due_cart.place_order()
    outbox.deliver_pending(app)

    assert admin.orders(due_account.id) == []
    assert outbox_rows(db) == [] and mailbox.count() == 0
    number = due_account.subscriptions[0].number
    assert admin.subscription(due_account.id, number).renewed_through is None
    assert due_cart.get("/cart").row_of(number), "the renewal stays in the cart to try again"


def test_once_the_decline_is_lifted_the_same_cart_is_ordered(
    client: FlaskClient, admin: PortalAdmin, due_account, due_cart: Browser
) -> None:
    put_faults(client, due_account.id, payment_declined=True)
    assert due_cart.place_order().status == 402

    put_faults(client, due_account.id, payment_declined=False)
    page = due_cart.place_order()

    assert (page.status, page.path) == (200, "/checkout/confirmation"), page.alerts
    assert [o.number for o in admin.orders(due_account.id)] == order_numbers(page)


def test_a_konbini_order_paid_later_is_not_declined(
    client: FlaskClient, seed_account: SeedAccount, signed_in_browser: SignedInBrowser, admin: PortalAdmin
) -> None:
    account = seed_account(country="JP", today=TODAY, subscriptions=[{"renewal_in_days": 0, "payment_method": "konbini"}])
    put_faults(client, account.id, payment_declined=True)
    browser = signed_in_browser(account)
    browser.renew(account.subscriptions[0].number)

    page = browser.place_order()

    assert page.status == 200 and [o.status for o in admin.orders(account.id)] == ["awaiting_payment"]


# --- SMTP unavailable ---------------------------------------------------------------------------------------------


def test_with_smtp_unavailable_the_order_is_placed_and_its_email_waits_in_the_outbox(
    client: FlaskClient, app: Flask, db: Session, mailbox: Mailbox, outbox_clock: OutboxClock, due_account, due_cart: Browser
) -> None:
    put_faults(client, due_account.id, smtp_unavailable=True)

    page = due_cart.place_order()
    (number,) = order_numbers(page)
    for _ in range(3):
        outbox_clock.advance(outbox.MAX_BACKOFF)
        assert outbox.deliver_pending(app) == 0

    (row,) = outbox_rows(db, due_account.id)
    assert number in row.subject and row.sent_at is None
    assert row.attempts == 4, "the try at checkout and each retry are counted"
    assert row.last_error == outbox.SMTP_FAULT == "SMTP unavailable (fault injected)"
    assert mailbox.count() == 0


def test_lifting_smtp_unavailable_delivers_each_waiting_email_exactly_once(
    client: FlaskClient, app: Flask, db: Session, mailbox: Mailbox, outbox_clock: OutboxClock, due_account, due_cart: Browser
) -> None:
    put_faults(client, due_account.id, smtp_unavailable=True)
    (number,) = order_numbers(due_cart.place_order())
    outbox_clock.advance(outbox.MAX_BACKOFF)
    assert outbox.deliver_pending(app) == 0

    put_faults(client, due_account.id, smtp_unavailable=False)

    assert outbox.deliver_pending(app) == 1, "lifting the fault makes the waiting email due at once, not after backoff"
    assert outbox.deliver_pending(app) == 0
    outbox_clock.advance(outbox.MAX_BACKOFF)
    assert outbox.deliver_pending(app) == 0, "a delivered email is never sent again"
    (message,) = mailbox.search(f'subject:"Order confirmation {number}"')
    assert mailbox.count() == 1
    (row,) = outbox_rows(db, due_account.id)
    assert row.sent_at is not None and row.last_error is None


def test_smtp_unavailable_holds_back_only_that_accounts_emails(
    client: FlaskClient,
    app: Flask,
    seed_account: SeedAccount,
    signed_in_browser: SignedInBrowser,
    mailbox: Mailbox,
    due_account,
    due_cart: Browser,
) -> None:
    other = seed_account(today=TODAY, subscriptions=[{"renewal_in_days": 0}])
    put_faults(client, due_account.id, smtp_unavailable=True)
    other_browser = signed_in_browser(other)
    other_browser.renew(other.subscriptions[0].number)

    (held,) = order_numbers(due_cart.place_order())
    (sent,) = order_numbers(other_browser.place_order())

    assert mailbox.search(f'subject:"Order confirmation {sent}"'), "another account's email goes out as usual"
    assert mailbox.search(f'subject:"Order confirmation {held}"') == []


def test_reminders_of_an_account_with_smtp_unavailable_wait_in_the_outbox(
    client: FlaskClient, app: Flask, db: Session, seed_account: SeedAccount, mailbox: Mailbox, public_url: str
) -> None:
    account = seed_account(today=TODAY, subscriptions=[{"renewal_in_days": 30}])
    put_faults(client, account.id, smtp_unavailable=True)

    with app.app_context():
        assert send_reminders(db, public_url) == 1

    (row,) = outbox_rows(db, account.id)
    assert "Renewal reminder" in row.subject and row.last_error == outbox.SMTP_FAULT
    assert mailbox.count() == 0
