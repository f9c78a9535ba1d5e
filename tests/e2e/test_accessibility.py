"""Accessibility: axe-core finds no serious or critical violation on any page of the portal or the mail inbox."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from automation.clients import AccountData
from automation.pages import InboxPage, OrderHistoryPage, SignInPage, SubscriptionsPage
from automation.profile import PortalProfile

SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="session")
def axe() -> Axe:
    """axe-core, read once per worker."""
    return Axe()


@pytest.fixture
def account_spec(today: date) -> dict[str, Any]:
    """One subscription that can be renewed early (so checkout shows Renew now) and one that can't."""
    return {
        "subscriptions": [
            {"renewal_date": today + timedelta(days=30)},
            {"renewal_date": today + timedelta(days=30), "status": "cancelled"},
        ]
    }


def test_no_portal_or_inbox_page_has_a_serious_or_critical_accessibility_violation(
    page: Page, portal, sign_in_as, account: AccountData, axe: Axe, profile: PortalProfile
) -> None:
    found: dict[str, str] = {}

    def check(name: str) -> None:
        serious = [v for v in axe.run(page).response["violations"] if v.get("impact") in SERIOUS]
        if serious:
            found[f"{name} ({page.url})"] = "; ".join(
                f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(str(n['target']) for n in v['nodes'][:5])}"
                for v in serious
            )

    # One walk through a renewal, checking each page on the way (every page has content to check).
    expect(SignInPage.visit(page, portal.base_url, profile).sign_in_button).to_be_visible()
    check("sign-in")
    home = sign_in_as(account)
    check("account overview")
    subscriptions = home.go_to(SubscriptionsPage)
    check("subscriptions")
    number = account.numbers[0]
    subscriptions.open(number)
    check("subscription detail")
    subscriptions = SubscriptionsPage.visit(page, portal.base_url, profile)
    subscriptions.open_bulk_renew()
    check("renew subscriptions (bulk)")
    page.goto("/subscriptions/000000000000")
    check("not found")
    cart = SubscriptionsPage.visit(page, portal.base_url, profile).renew(number)
    check("cart")
    checkout = cart.check_out()
    check("checkout")
    checkout.tick_renew_now()
    confirmation = checkout.place_order()
    [order] = confirmation.order_numbers()
    check("order confirmation")
    history = confirmation.go_to(OrderHistoryPage)
    expect(history.heading).to_be_visible()
    check("order history")
    inbox = InboxPage.visit(page, portal.mailbox_url, profile)
    if inbox.heading.count():  # the embedded catcher's inbox; Mailpit's own UI is not this project's to check
        check("mail inbox")
        inbox.open_message(profile.confirmation_subject(order))
        check("mail message")

    assert not found, "Accessibility (axe-core, serious or critical violations): " + " | ".join(
        f"{where}: {what}" for where, what in found.items()
    )
