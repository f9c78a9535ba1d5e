"""Bulk renewal (R7, R8): the menu, groups by CSN, currency and payment method, one order and one email per group,
and at most 100 subscriptions per checkout — enforced by the server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from portal_browser import Browser, Element, Page, SeedAccount, SignedInBrowser, order_numbers
from sqlalchemy.orm import Session

from automation.clients import Mailbox, PortalAdmin
from mock_portal.rules.payment import PAYMENT_LABELS
from mock_portal.services.cart import add_to_cart
from mock_portal.services.subscriptions import owned_subscriptions
from mock_portal.testing.answers import CreatedAccount, CreatedSubscription

TODAY = date(2027, 1, 1)
Key = tuple[str, str, str]


def key(sub: CreatedSubscription) -> Key:
    return (sub.csn, sub.currency, sub.payment_method)


def fieldsets(page: Page) -> list[Element]:
    return page.main.find_all("fieldset")


def checkbox_for(fieldset: Element, page: Page, label_text: str) -> Element:
    """The checkbox of a fieldset whose label contains `label_text`."""
    (label,) = [lb for lb in fieldset.find_all("label") if label_text in lb.text]
    box = page.doc.one(id=label.attrs["for"])
    assert (box.tag, box.get("type")) == ("input", "checkbox")
    return box


def numbers_in(fieldset: Element) -> set[str]:
    return {box.attrs["value"] for box in fieldset.find_all("input", name="subscription")}


def group_token(page: Page, *members: CreatedSubscription) -> str:
    """The value of the Select all box of the group holding `members` (the page may show only the group's first 100,
    so name several members of a bigger group)."""
    wanted = {sub.number for sub in members}
    (fieldset,) = [f for f in fieldsets(page) if wanted & numbers_in(f)]
    return checkbox_for(fieldset, page, "Select all").attrs["value"]


def cart_numbers(browser: Browser) -> set[str]:
    page = browser.get("/cart")
    return {row.find_all("td")[1].text for table in page.main.find_all("table") for row in table.one("tbody").find_all("tr")}


def limit_message(page: Page) -> str:
    (message,) = [a for a in page.alerts if "100" in a]
    return message


@pytest.fixture
def mixed(seed_account: SeedAccount) -> CreatedAccount:
    """Four transactions' worth of eligible subscriptions, and one of each kind that can't be renewed."""
    eligible = [
        {"renewal_in_days": 20},
        {"renewal_in_days": 40},
        {"payment_method": "paypal", "renewal_in_days": 30},
        {"currency": "EUR", "renewal_in_days": 30},
        {"country": "GB", "renewal_in_days": 10},
        {"country": "GB", "renewal_in_days": 12},
    ]
    ineligible = [
        {"renewal_in_days": 91},
        {"renewal_in_days": -46},
        {"term": "monthly"},
        {"status": "cancelled"},
        {"product": "ACDLT"},
        {"renewed": True},
    ]
    return seed_account(today=TODAY.isoformat(), subscriptions=eligible + ineligible)


def eligible_of(account: CreatedAccount) -> list[CreatedSubscription]:
    return account.subscriptions[:6]


def by_group(subs: list[CreatedSubscription]) -> dict[Key, set[str]]:
    groups: dict[Key, set[str]] = {}
    for sub in subs:
        groups.setdefault(key(sub), set()).add(sub.number)
    return groups


def test_bulk_actions_is_a_menu_button_with_a_renew_item(seed_account: SeedAccount, signed_in_browser: SignedInBrowser) -> None:
    page = signed_in_browser(seed_account(today=TODAY.isoformat(), subscriptions=[{}])).get("/subscriptions")

    (button,) = page.buttons("Bulk actions")
    assert button.get("aria-haspopup") == "menu"
    menu = page.doc.one(id=button.attrs["aria-controls"])
    assert menu.get("role") == "menu"
    item = menu.one(role="menuitem")
    assert item.text == "Renew" and item.attrs["href"] == "/bulk/renew"


def test_the_bulk_page_lists_only_eligible_subscriptions_one_fieldset_per_csn_currency_and_payment_method(
    mixed: CreatedAccount, signed_in_browser: SignedInBrowser
) -> None:
    page = signed_in_browser(mixed).get("/bulk/renew")

    assert page.heading == "Renew subscriptions"
    want = by_group(eligible_of(mixed))
    got = {}
    for fieldset in fieldsets(page):
        legend = fieldset.one("legend").text
        (group,) = [k for k in want if k[0] in legend and k[1] in legend and PAYMENT_LABELS[k[2]] in legend]
        got[group] = numbers_in(fieldset)
        assert checkbox_for(fieldset, page, "Select all").get("name") == "select_all"
        for number in got[group]:
            assert checkbox_for(fieldset, page, number).attrs["value"] == number
    assert got == want
    for sub in mixed.subscriptions[6:]:
        assert sub.number not in page.html, f"{sub.number} can't be renewed and must not be listed"
    assert page.doc.one(id="selection-count").get("role") == "status"
    assert page.buttons("Renew selected")


def test_a_selection_spanning_groups_becomes_one_order_and_one_email_per_group(
    mixed: CreatedAccount, signed_in_browser: SignedInBrowser, admin: PortalAdmin, mailbox: Mailbox
) -> None:
    browser = signed_in_browser(mixed)
    subs = eligible_of(mixed)
    bulk = browser.get("/bulk/renew")
    gb_group = group_token(bulk, subs[4])
    chosen = [subs[0], subs[2], subs[4], subs[5]]  # two ticked, and all of the GB group by Select all

    cart = browser.renew_selected([subs[0].number, subs[2].number], [gb_group])
    assert cart.path == "/cart" and cart_numbers(browser) == {s.number for s in chosen}
    assert browser.get("/checkout").status == 200
    page = browser.place_order(renew_now=True)

    assert page.path == "/checkout/confirmation", page.alerts
    orders = admin.orders(mixed.id)
    assert sorted(order_numbers(page)) == sorted(o.number for o in orders)
    assert {frozenset(o.subscriptions) for o in orders} == {frozenset(v) for v in by_group(chosen).values()}
    assert mailbox.count() == len(orders) == 3, "one confirmation email per transaction"
    renewal = {s.number: TODAY + timedelta(days=d) for s, d in zip(subs, (20, 40, 30, 30, 10, 12), strict=True)}
    for order in orders:
        (message,) = mailbox.search(f'subject:"{order.number}"')
        assert "Order confirmation" in message.subject
        body = mailbox.get(message.id).text
        for number in order.subscriptions:
            (line,) = [ln for ln in body.splitlines() if number in ln]
            assert renewal[number].isoformat() in line, line


def test_a_hundred_subscriptions_in_one_group_check_out_as_one_order_and_one_email(
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser, admin: PortalAdmin, mailbox: Mailbox
) -> None:
    account = seed_account(today=TODAY.isoformat(), subscriptions=[{"renewal_in_days": 30}] * 100)
    browser = signed_in_browser(account)
    token = group_token(browser.get("/bulk/renew"), account.subscriptions[0])

    cart = browser.renew_selected(groups=[token])
    assert cart.path == "/cart" and len(cart_numbers(browser)) == 100
    page = browser.place_order(renew_now=True)

    assert page.path == "/checkout/confirmation", page.alerts
    (order,) = admin.orders(account.id)
    assert order_numbers(page) == [order.number] and len(order.subscriptions) == 100
    assert mailbox.count() == 1


@pytest.fixture
def hundred_and_one(seed_account: SeedAccount) -> CreatedAccount:
    """101 eligible subscriptions in one group."""
    return seed_account(today=TODAY.isoformat(), subscriptions=[{"renewal_in_days": 30}] * 101)


@pytest.mark.parametrize("how", ["checkboxes", "select all"])
def test_a_hundred_and_one_are_refused_saying_100_is_the_limit_and_nothing_changes(
    hundred_and_one: CreatedAccount, signed_in_browser: SignedInBrowser, admin: PortalAdmin, mailbox: Mailbox, how: str
) -> None:
    browser = signed_in_browser(hundred_and_one)
    numbers = [s.number for s in hundred_and_one.subscriptions]
    browser.renew(numbers[0])  # something already in the cart must survive the refusal
    token = group_token(browser.get("/bulk/renew"), *hundred_and_one.subscriptions)

    if how == "checkboxes":
        refused = browser.post_form("/bulk/renew", {"subscription": numbers})
    else:
        refused = browser.post_form("/bulk/renew", {"select_all": token})

    assert refused.status == 400
    assert "100" in limit_message(refused) and "at most" in limit_message(refused)
    assert cart_numbers(browser) == {numbers[0]}, "a refused selection must leave the cart as it was"
    assert admin.orders(hundred_and_one.id) == []
    assert mailbox.count() == 0


def test_the_cart_takes_no_101st_renewal(hundred_and_one: CreatedAccount, signed_in_browser: SignedInBrowser) -> None:
    browser = signed_in_browser(hundred_and_one)
    numbers = [s.number for s in hundred_and_one.subscriptions]
    assert browser.renew_selected(numbers[:100]).path == "/cart"

    page = browser.renew(numbers[100])

    assert "100" in limit_message(page)
    assert cart_numbers(browser) == set(numbers[:100])


@pytest.fixture
def cart_of_101(hundred_and_one: CreatedAccount, app: Flask, db: Session) -> Iterator[CreatedAccount]:
    """A cart holding 101 renewals, as two tabs adding at the same moment could leave it: the pages can't."""
    numbers = [s.number for s in hundred_and_one.subscriptions]
    with app.app_context():
        add_to_cart(db, hundred_and_one.id, owned_subscriptions(db, hundred_and_one.id, numbers))
        db.commit()
    yield hundred_and_one


def test_checkout_itself_refuses_more_than_100(
    cart_of_101: CreatedAccount, signed_in_browser: SignedInBrowser, admin: PortalAdmin, mailbox: Mailbox
) -> None:
    browser = signed_in_browser(cart_of_101)
    assert "100" in limit_message(browser.get("/cart"))

    refused = browser.place_order(renew_now=True)

    assert refused.status == 400
    assert "100" in limit_message(refused)
    assert admin.orders(cart_of_101.id) == []
    assert mailbox.count() == 0
    assert len(cart_numbers(browser)) == 101


def test_a_group_shows_its_first_100_rows_and_a_link_shows_up_to_500(
    hundred_and_one: CreatedAccount, signed_in_browser: SignedInBrowser
) -> None:
    browser = signed_in_browser(hundred_and_one)
    page = browser.get("/bulk/renew")
    (fieldset,) = fieldsets(page)
    assert len(numbers_in(fieldset)) == 100, "no page renders a whole big group by default"
    assert "Select all takes the whole group" in fieldset.text

    wider = browser.get(fieldset.one("a", text="Show up to 500 per group").attrs["href"])

    (fieldset,) = fieldsets(wider)
    assert numbers_in(fieldset) == {s.number for s in hundred_and_one.subscriptions}
    assert not fieldset.find_all("a", text="Show up to 500 per group")


@pytest.mark.parametrize("value", ["0", "501", "many", "-1", "1e3", "²"])
def test_a_bad_rows_per_group_is_refused_naming_the_allowed_range(
    mixed: CreatedAccount, signed_in_browser: SignedInBrowser, value: str
) -> None:
    page = signed_in_browser(mixed).get(f"/bulk/renew?per_group={value}")
    assert page.status == 400
    assert "use a whole number from 1 to 500" in " ".join(page.alerts), page.alerts


def test_a_refused_selection_is_shown_again_with_as_many_rows_a_group_as_it_was_made_on(
    hundred_and_one: CreatedAccount, signed_in_browser: SignedInBrowser
) -> None:
    browser = signed_in_browser(hundred_and_one)
    wide = browser.get("/bulk/renew?per_group=500")
    (fieldset,) = fieldsets(wide)
    per_group = wide.doc.one("input", name="per_group").attrs["value"]
    numbers = sorted(numbers_in(fieldset))

    refused = browser.post_form("/bulk/renew", {"subscription": numbers, "per_group": per_group})

    assert refused.status == 400 and "100" in limit_message(refused)
    (fieldset,) = fieldsets(refused)
    assert numbers_in(fieldset) == set(numbers), "the ticked rows past the first 100 must still be on the page"
