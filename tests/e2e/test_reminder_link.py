"""Renewal reminders (R3, R5): the email sent before the renewal date links to the subscription's renewal, and
following it — signing in on the way — renews it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from automation.clients import Mailbox, PortalAdmin
from automation.pages import SignInPage, SubscriptionDetailPage
from automation.profile import PortalProfile

RULE_REMINDER = "R3 an email is sent before the renewal date, and its link opens the renewal"


@pytest.mark.locales
def test_the_reminder_email_link_opens_the_renewal_and_completes_it(
    page: Page, admin: PortalAdmin, mailbox: Mailbox, make_account, confirmation_emails, today: date,
    profile: PortalProfile,
) -> None:
    account = make_account(subscriptions=[{"renewal_date": today + timedelta(days=30), "payment_method": "credit_card"}])
    number = account.numbers[0]

    assert admin.run_reminders() >= 1, f"{RULE_REMINDER}: the reminder job sent nothing"
    query = f'to:{account.user.email} subject:"{profile.reminder_subject_prefix()}"'
    [reminder] = mailbox.wait_for(query, 1, timeout=10, settle=0.5)
    text = mailbox.get(reminder.id).text
    link = re.search(rf"https?://\S+/subscriptions/{number}/renew\b", text)
    assert link is not None, f"{RULE_REMINDER}: no link to {number}'s renewal in {reminder.subject!r}:\n{text}"

    page.goto(link[0])  # as from a mail client: nobody is signed in yet
    sign_in = SignInPage(page, profile)
    expect(sign_in.sign_in_button, "the link asks who you are first").to_be_visible()
    sign_in.sign_in(account.user.email, account.user.password)
    expect(page, f"{RULE_REMINDER}: after signing in the link lands on the renewal").to_have_url(
        re.compile(rf"/subscriptions/{number}/renew$")
    )
    detail = SubscriptionDetailPage(page, profile)
    checkout = detail.renew().check_out()
    checkout.tick_renew_now()
    confirmation = checkout.place_order()

    expect(confirmation.order_number_values, f"{RULE_REMINDER}: the renewal is ordered").to_have_count(1)
    orders = admin.orders(account.id)
    assert [o.subscriptions for o in orders] == [[number]], f"{RULE_REMINDER}: one order renewing {number}: {orders}"
    confirmation_emails(account, 1)
