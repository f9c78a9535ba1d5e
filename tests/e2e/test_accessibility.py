"""Accessibility: axe-core finds no serious or critical violation on any page of the portal or the mail inbox."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from automation.admin import AccountData
from automation.pages import InboxPage, SignInPage

SERIOUS = {"serious", "critical"}
# In the order a renewal walks through them; each test walks up to its own page.
PAGES = [
    "sign-in",
    "account overview",
    "subscriptions",
    "subscription detail",
    "renew subscriptions (bulk)",
    "not found",
    "cart",
    "checkout",
    "order confirmation",
    "order history",
    "mail inbox",
    "mail message",
]


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


def walk_to(name: str, page: Page, base_url: str, mailbox_url: str, sign_in_as, account: AccountData) -> None:
    """Go to the named page the way a user would get there, with content on it."""
    if name == "sign-in":
        SignInPage.visit(page, base_url)
        return
    home = sign_in_as(account)
    if name == "account overview":
        return
    number = account.numbers[0]
    subscriptions = home.go_to_subscriptions()
    steps = {
        "subscriptions": lambda: None,
        "subscription detail": lambda: subscriptions.open(number),
        "renew subscriptions (bulk)": subscriptions.open_bulk_renew,
        "not found": lambda: page.goto("/subscriptions/000000000000"),
    }
    if name in steps:
        steps[name]()
        return
    cart = subscriptions.renew(number)
    if name == "cart":
        return
    checkout = cart.check_out()
    if name == "checkout":
        return
    checkout.tick_renew_now()
    [order] = checkout.place_order().order_numbers()
    if name == "order confirmation":
        return
    if name == "order history":
        page.get_by_role("navigation", name="Billing and orders").get_by_role("link", name="Order history").click()
        expect(page.get_by_role("heading", name="Order history")).to_be_visible()
        return
    inbox = InboxPage.visit(page, mailbox_url)
    if inbox.heading.count() == 0:
        pytest.skip(f"the mail UI at {mailbox_url} is not the embedded catcher's inbox (e.g. Mailpit's own)")
    if name == "mail message":
        inbox.open_message(f"Order confirmation {order}")


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_or_critical_accessibility_violation(
    page: Page, base_url: str, portal, sign_in_as, account: AccountData, axe: Axe, name: str
) -> None:
    walk_to(name, page, base_url, portal.mailbox_url, sign_in_as, account)

    violations = [v for v in axe.run(page).response["violations"] if v.get("impact") in SERIOUS]

    found = "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(str(n['target']) for n in v['nodes'][:5])}"
        for v in violations
    )
    assert not violations, f"Accessibility (axe-core, serious or critical) on the {name} page {page.url}: {found}"
