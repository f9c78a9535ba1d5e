"""Konbini and ATM bank transfer (R4, R5): placed awaiting payment, instructions in the one confirmation email,
completed by the payment without a second email."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from portal_browser import Browser, SeedAccount, SignedInBrowser, order_numbers

from automation.clients import Mailbox, PortalAdmin
from mock_portal import outbox
from mock_portal.testing.answers import CreatedAccount

TODAY = date(2027, 1, 1)
RENEWAL = TODAY + timedelta(days=30)
METHODS = pytest.mark.parametrize("method", ["konbini", "atm_bank_transfer"])


@pytest.fixture
def placed(seed_account: SeedAccount, signed_in_browser: SignedInBrowser, method: str) -> tuple[CreatedAccount, Browser]:
    """A Japanese account that has just renewed its one subscription with the manual-only method under test."""
    account = seed_account(
        country="JP", today=TODAY.isoformat(), subscriptions=[{"payment_method": method, "renewal_in_days": 30}]
    )
    browser = signed_in_browser(account)
    browser.renew(account.subscriptions[0].number)
    assert browser.place_order(renew_now=True).path == "/checkout/confirmation"
    return account, browser


@METHODS
def test_the_checkout_says_a_payment_number_comes_by_email(
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser, method: str
) -> None:
    account = seed_account(country="JP", today=TODAY.isoformat(), subscriptions=[{"payment_method": method}])
    browser = signed_in_browser(account)
    browser.renew(account.subscriptions[0].number)

    page = browser.get("/checkout")

    assert "payment number" in page.main.text


@METHODS
def test_the_order_awaits_payment_and_its_one_email_carries_the_payment_number_and_deadline(
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser, admin: PortalAdmin, mailbox: Mailbox, method: str
) -> None:
    account = seed_account(
        country="JP", today=TODAY.isoformat(), subscriptions=[{"payment_method": method, "renewal_in_days": 30}]
    )
    browser = signed_in_browser(account)
    browser.renew(account.subscriptions[0].number)

    page = browser.place_order(renew_now=True)

    (order,) = admin.orders(account.id)
    assert order.status == "awaiting_payment"
    assert order_numbers(page) == [order.number] and "Awaiting payment" in page.main.text
    assert order.payment_number and order.payment_number in page.main.text
    assert mailbox.count() == 1
    (message,) = mailbox.search(f'subject:"{order.number}"')
    body = mailbox.get(message.id).text
    assert f"payment number {order.payment_number}" in body, body
    assert order.payment_deadline and f"by {order.payment_deadline.isoformat()}" in body, body
    assert order.payment_deadline > TODAY


@METHODS
def test_while_awaiting_payment_the_subscription_says_so_and_offers_no_renew(
    placed: tuple[CreatedAccount, Browser], method: str
) -> None:
    account, browser = placed
    number = account.subscriptions[0].number

    listing, detail = browser.get("/subscriptions"), browser.get(f"/subscriptions/{number}")

    for page, where in ((listing, listing.row_of(number)), (detail, detail.main)):
        assert page.renew_form(where) == [], f"{page.path} offers Renew while the payment is awaited"
        assert where.one(data_testid="renewal-reason").text == "Awaiting payment"
        assert where.one(data_testid="renewal-date").times() == [RENEWAL]
    assert number not in browser.get("/bulk/renew").html


@METHODS
def test_a_subscription_awaiting_payment_cannot_be_put_in_the_cart_again(
    placed: tuple[CreatedAccount, Browser], method: str
) -> None:
    account, browser = placed
    number = account.subscriptions[0].number

    refused = browser.post_form("/cart", {"subscription": number})

    assert refused.status == 409, f"POST /cart accepted {number}, whose renewal is awaiting payment"
    assert "Awaiting payment" in " ".join(refused.alerts)


@METHODS
def test_recording_the_payment_completes_the_renewal_without_a_second_email(
    placed: tuple[CreatedAccount, Browser], app: Flask, admin: PortalAdmin, mailbox: Mailbox, method: str
) -> None:
    account, browser = placed
    number = account.subscriptions[0].number
    (order,) = admin.orders(account.id)

    paid = admin.record_payment(order.number)

    assert paid.status == "complete"
    through = RENEWAL.replace(year=RENEWAL.year + 1)
    assert admin.subscription(account.id, number).renewed_through == through
    row = browser.get("/subscriptions").row_of(number)
    assert row.one(data_testid="renewal-date").times() == [RENEWAL]
    assert row.one(data_testid="renewal-reason").times() == [through]
    assert outbox.deliver_pending(app) == 0, "the payment queued an email"
    assert mailbox.count() == 1
