"""Konbini and ATM bank transfer (R4, R5, R8): the order waits for the payment, the one confirmation email carries the
payment instructions, and recording the payment completes the renewal without a second email."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from automation.clients import Mailbox, PortalAdmin
from automation.flows import RULE_DATES, RULE_ONE_EMAIL, renew_one
from automation.pages import SubscriptionsPage
from automation.profile import PortalProfile
from automation.rules import Reason, term_end

RULE_INSTRUCTIONS = "R5 the confirmation email of a Konbini / ATM order carries the payment instructions"


@pytest.mark.parametrize("method", [pytest.param("konbini", marks=pytest.mark.locales), "atm_bank_transfer"])
def test_manual_payment_waits_for_the_payment_and_completes_without_a_second_email(
    page: Page, base_url: str, mailbox: Mailbox, admin: PortalAdmin, make_account, storage_state: Path,
    confirmation_emails, today: date, method: str, profile: PortalProfile,
) -> None:
    renewal_date = today + timedelta(days=20)
    account = make_account(subscriptions=[{"renewal_date": renewal_date, "term": "annual", "payment_method": method}])
    number = account.numbers[0]

    result = renew_one(page, base_url, mailbox, number, account.user, storage_state=storage_state, profile=profile)

    [order] = admin.orders(account.id)
    assert (order.number, order.status) == (result.orders[0], "awaiting_payment"), (
        f"R4 a {method} order waits for its payment: {order.number} is {order.status!r}"
    )
    [email] = confirmation_emails(account, 1)
    awaiting = profile.order_status_label("awaiting_payment")
    assert awaiting in email.text, f"{RULE_INSTRUCTIONS}: the email should say the order awaits payment ({awaiting!r})"
    payment_number, deadline = order.payment_number, order.payment_deadline
    assert payment_number and deadline, f"{RULE_INSTRUCTIONS}: order {order.number} records no payment number or deadline"
    for what, text in (("payment number", payment_number), ("deadline", deadline.isoformat())):
        assert text in email.text, f"{RULE_INSTRUCTIONS}: {email.subject!r} should give the {what} {text}:\n{email.text}"
    assert deadline > today, f"{RULE_INSTRUCTIONS}: the deadline {deadline} has already passed"
    subscriptions = SubscriptionsPage.visit(page, base_url, profile)
    expect(
        subscriptions.row(number).get_by_test_id("renewal-reason"), "R4 the list shows the renewal waiting for its payment"
    ).to_have_text(profile.reason_text(Reason.AWAITING_PAYMENT))

    paid = admin.record_payment(order.number)

    assert paid.status == "complete", f"R4 recording the payment completes order {order.number}: it is {paid.status!r}"
    through = term_end(renewal_date, "annual")
    [state] = admin.subscriptions(account.id)
    assert (state.renewal_date, state.renewed_through) == (renewal_date, through), (
        f"{RULE_DATES}: once paid, {number} renews from {renewal_date} through {through}; "
        f"the portal has {state.renewal_date} through {state.renewed_through}"
    )
    detail = SubscriptionsPage.visit(page, base_url, profile).open(number)
    expect(detail.renewal_date_value.get_by_role("time"), RULE_DATES).to_have_attribute("datetime", renewal_date.isoformat())
    expect(detail.reason_text, "the renewal is complete once paid").to_have_text(
        profile.reason_text(Reason.ALREADY_RENEWED, through)
    )
    again = confirmation_emails(account, 1)
    assert [e.id for e in again] == [email.id], f"{RULE_ONE_EMAIL}: recording the payment sent another confirmation"
