"""One account can't see or renew another's subscriptions: not by its address, a search or filter, a tampered form or
request (cart, bulk page, checkout), and never sees another's orders or sends its user email."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from automation.clients import AccountData, Mailbox, PortalAdmin
from automation.flows import renew_one
from automation.pages import CartPage, ConfirmationPage, OrderHistoryPage, PortalRefused, SubscriptionsPage
from automation.profile import PortalProfile

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
    cart = CartPage(page, subscriptions_page.profile)
    expect(cart.heading).to_be_visible()
    expect(cart.tables, f"{RULE_ISOLATION}: nothing went into the cart").to_have_count(0)
    assert admin.orders(account.id) == [] and admin.orders(victim.id) == [], f"{RULE_ISOLATION}: nothing was ordered"
    [state] = admin.subscriptions(victim.id)
    assert state.renewed_through is None, f"{RULE_ISOLATION}: {other} of another account was renewed"


@pytest.mark.parametrize(
    "address",
    [
        "/subscriptions?q={number}",
        "/subscriptions?csn={csn}",
        "/bulk/renew",
        "/bulk/renew?q={number}",
        "/bulk/renew?csn={csn}",
    ],
)
def test_no_search_or_filter_of_the_list_or_the_bulk_page_finds_another_accounts_subscription(
    page: Page, subscriptions_page: SubscriptionsPage, victim: AccountData, address: str
) -> None:
    other = victim.subscriptions[0]
    found = subscriptions_page.search(other.number)
    expect(found.row(other.number), f"{RULE_ISOLATION}: searching the list for {other.number}").to_have_count(0)

    url = address.format(number=other.number, csn=other.csn)
    response = page.goto(url)

    assert response is not None and response.status < 500, f"{RULE_ISOLATION}: {url} answered {response}"
    main = page.get_by_role("main")
    expect(main, f"{RULE_ISOLATION}: {url} shows nothing of subscription {other.number}").not_to_contain_text(other.number)
    expect(main, f"{RULE_ISOLATION}: {url} shows nothing of CSN {other.csn}").not_to_contain_text(other.csn)


def _victim_inbox(mailbox: Mailbox, victim: AccountData, count: int) -> list[str]:
    """The subjects of exactly `count` emails to the other account's user (none more arrive in the settle time)."""
    return [m.subject for m in mailbox.wait_for(f"to:{victim.user.email}", count, timeout=10, settle=1.0)]


@pytest.mark.parametrize(
    "reviewed",
    [
        pytest.param("{own},{other}", id="own and another account's number"),
        pytest.param("{other}", id="another account's number only"),
    ],
)
def test_a_checkout_with_a_tampered_reviewed_field_orders_nothing_of_another_account(
    page: Page, admin: PortalAdmin, mailbox: Mailbox, account: AccountData, subscriptions_page: SubscriptionsPage,
    victim: AccountData, reviewed: str,
) -> None:
    own, other = account.numbers[0], victim.numbers[0]
    checkout = subscriptions_page.renew(own).check_out()
    # The field naming what the checkout page showed, edited to name the other account's subscription.
    field = checkout.main.locator('input[name="reviewed"]')
    expect(field, "setup: the checkout form says what it showed").to_have_count(1)
    field.evaluate("(input, value) => { input.value = value; }", reviewed.format(own=own, other=other))
    if checkout.needs_renew_now():
        checkout.tick_renew_now()

    with contextlib.suppress(PortalRefused):  # refusing the whole checkout is as good as ordering only the own one
        checkout.place_order()

    ordered = [n for order in admin.orders(account.id) for n in order.subscriptions]
    assert other not in ordered, f"{RULE_ISOLATION}: the account's order renewed {other} of another account"
    assert admin.orders(victim.id) == [], f"{RULE_ISOLATION}: an order was placed on the other account"
    [state] = admin.subscriptions(victim.id)
    assert state.renewed_through is None, f"{RULE_ISOLATION}: {other} of another account was renewed"
    expect(page.get_by_role("main"), f"{RULE_ISOLATION}: the answer shows nothing of {other}").not_to_contain_text(
        victim.subscriptions[0].csn
    )
    assert _victim_inbox(mailbox, victim, 0) == [], f"{RULE_ISOLATION}: the other account's user received email"


def test_order_history_confirmations_and_emails_hold_only_the_accounts_own_orders(
    page: Page, base_url: str, browser: Browser, admin: PortalAdmin, mailbox: Mailbox, account: AccountData,
    victim: AccountData, storage_state: Path, confirmation_emails, profile: PortalProfile, tmp_path: Path,
) -> None:
    own = renew_one(page, base_url, mailbox, account.numbers[0], account.user, storage_state=storage_state, profile=profile)
    context = browser.new_context(base_url=base_url, locale=profile.locale)
    try:  # the other account renews too, in its own browser
        theirs = renew_one(
            context.new_page(), base_url, mailbox, victim.numbers[0], victim.user,
            storage_state=tmp_path / "other.json", profile=profile,
        )
    finally:
        context.close()
    [their_order] = theirs.orders

    history = OrderHistoryPage.visit(page, base_url, profile)
    shown = [order.number for order in history.orders()]
    assert shown == own.orders == [o.number for o in admin.orders(account.id)], (
        f"{RULE_ISOLATION}: the order history should list exactly the account's own orders {own.orders}, not {shown}"
    )
    expect(history.main, f"{RULE_ISOLATION}: nothing of order {their_order}").not_to_contain_text(their_order)

    page.goto(f"/checkout/confirmation?orders={their_order}")
    confirmation = ConfirmationPage(page, profile)
    expect(confirmation.heading).to_be_visible()
    expect(
        confirmation.order_number_values, f"{RULE_ISOLATION}: another account's order {their_order} is not confirmed here"
    ).to_have_count(0)
    expect(confirmation.main).not_to_contain_text(victim.numbers[0])

    [email] = confirmation_emails(account, 1)
    assert email.subject == profile.confirmation_subject(own.orders[0]), f"{RULE_ISOLATION}: {email.subject!r}"
    assert _victim_inbox(mailbox, victim, 1) == [profile.confirmation_subject(their_order)], (
        f"{RULE_ISOLATION}: the other account's user receives their own confirmation and nothing of this account's"
    )
