"""One account can't see or renew another's subscriptions: not by its address, not by a tampered form or request."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from automation.admin import AccountData, PortalAdmin
from automation.pages import CartPage, PortalRefused, SubscriptionsPage

RULE_ISOLATION = "Isolation: a signed-in user sees and renews only their own account's subscriptions"


@pytest.fixture
def account_spec() -> dict[str, Any]:
    """Two renewable subscriptions: ticking one on the bulk page then doesn't tick its group's Select all too."""
    return {"subscriptions": [{}, {}]}


@pytest.fixture
def victim(make_account) -> AccountData:
    """Another account, with a subscription that could be renewed today."""
    return make_account()


@pytest.mark.parametrize("path", ["/subscriptions/{number}", "/subscriptions/{number}/renew"])
def test_another_accounts_subscription_is_not_found_by_its_address(
    page: Page, subscriptions_page: SubscriptionsPage, victim: AccountData, path: str
) -> None:
    number = victim.numbers[0]
    expect(subscriptions_page.row(number), f"{RULE_ISOLATION}: {number} is not in the list").to_have_count(0)

    response = page.goto(path.format(number=number))

    assert response is not None and response.status == 404, (
        f"{RULE_ISOLATION}: {path.format(number=number)} of another account answered "
        f"{response.status if response else None}, not 404"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("404")
    expect(page.get_by_role("main"), f"{RULE_ISOLATION}: nothing of it is shown").not_to_contain_text(victim.subscriptions[0].csn)


def _tamper_renew_form(page: Page, subscriptions: SubscriptionsPage, own: str, other: str) -> int:
    """Edit the hidden input of the user's own Renew form to the other number, then press Renew."""
    subscriptions.row(own).locator('input[name="subscription"]').evaluate("(input, n) => { input.value = n; }", other)
    # The refusal is a 404 page at /cart (renew raises PortalRefused for it); the status is what the rule is about.
    posted = page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/cart"))
    with posted as response, contextlib.suppress(PortalRefused):
        subscriptions.renew(own)
    return response.value.status


def _tamper_bulk_form(page: Page, subscriptions: SubscriptionsPage, own: str, other: str) -> int:
    """On Renew subscriptions, give the user's own checkbox the other number, tick it, press Renew selected."""
    bulk = subscriptions.open_bulk_renew()
    box = bulk.checkbox(own)
    box.evaluate("(box, n) => { box.value = n; }", other)
    box.check()
    posted = page.expect_response(lambda r: r.request.method == "POST" and "/bulk/renew" in r.url)
    with posted as response, contextlib.suppress(PortalRefused):
        bulk.renew_selected()
    return response.value.status


def _post_directly(page: Page, subscriptions: SubscriptionsPage, own: str, other: str) -> int:
    """POST /cart from the signed-in page (its cookies and this session's CSRF token) with the other number."""
    token = subscriptions.main.locator('input[name="csrf_token"]').first.input_value()
    response = page.request.post("/cart", form={"csrf_token": token, "subscription": other}, max_redirects=0)
    return response.status


@pytest.mark.parametrize(
    ("tamper", "refusals"),
    [
        pytest.param(_tamper_renew_form, {404}, id="Renew form with another number"),
        pytest.param(_tamper_bulk_form, {400, 404}, id="bulk form with another number"),
        pytest.param(_post_directly, {404}, id="POST /cart with another number"),
    ],
)
def test_another_accounts_subscription_cannot_be_renewed_by_a_tampered_form(
    page: Page, base_url: str, admin: PortalAdmin, account: AccountData, subscriptions_page: SubscriptionsPage,
    victim: AccountData, tamper, refusals: set[int],
) -> None:
    other = victim.numbers[0]

    status = tamper(page, subscriptions_page, account.numbers[0], other)

    assert status in refusals, f"{RULE_ISOLATION}: renewing {other} of another account answered {status}"
    page.goto("/cart")
    cart = CartPage(page)
    expect(cart.heading).to_be_visible()
    expect(cart.tables, f"{RULE_ISOLATION}: nothing went into the cart").to_have_count(0)
    assert admin.orders(account.id) == [] and admin.orders(victim.id) == [], f"{RULE_ISOLATION}: nothing was ordered"
    [state] = admin.subscriptions(victim.id)
    assert state.renewed_through is None, f"{RULE_ISOLATION}: {other} of another account was renewed"
