"""Bulk renewal (R7, R8): one order and one email per (CSN, currency, payment method) group, Select all of 100
accepted, and 101 in one checkout refused by the server with nothing ordered and no email."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from expectations import key_of
from playwright.sync_api import Page, expect

from automation.clients import AccountData, Mailbox, PortalAdmin
from automation.flows import RULE_LIMIT, RULE_ORDER_PER_GROUP, group_filter, renew_many
from automation.pages import CartPage, PortalRefused, SubscriptionsPage
from automation.profile import PortalProfile
from automation.rules import transactions

Group = tuple[str, str, str]


def groups_of(account: AccountData) -> dict[Group, list[str]]:
    """The account's subscriptions per transaction, as the oracle groups them (R7)."""
    return {key: [s.number for s in subs] for key, subs in transactions(account.subscriptions, key_of).items()}


def spread(today: date, count: int, **fields: object) -> list[dict]:
    """`count` subscriptions renewing over the next weeks (all inside the window, most of them early)."""
    return [{"renewal_date": today + timedelta(days=1 + i % 60), **fields} for i in range(count)]


def test_bulk_renewal_of_one_group_places_one_order_and_sends_one_email(
    page: Page, base_url: str, mailbox: Mailbox, admin: PortalAdmin, make_account, storage_state: Path,
    confirmation_emails, today: date, profile: PortalProfile,
) -> None:
    account = make_account(
        subscriptions=spread(today, 3, payment_method="credit_card") + spread(today, 2, payment_method="paypal")
    )
    groups = groups_of(account)
    [cards] = [numbers for (_, _, method), numbers in groups.items() if method == "credit_card"]

    result = renew_many(
        page, base_url, mailbox, [], account.user, groups=group_filter(payment_method="credit_card"),
        storage_state=storage_state, profile=profile,
    )

    orders = admin.orders(account.id)
    assert [sorted(o.subscriptions) for o in orders] == [sorted(cards)], (
        f"{RULE_ORDER_PER_GROUP}: renewing one whole group should place one order holding exactly it; "
        f"orders: {[(o.number, o.subscriptions) for o in orders]}"
    )
    assert result.orders == [orders[0].number]
    confirmation_emails(account, 1)


def test_the_bulk_page_shows_one_group_per_csn_currency_and_payment_method(sign_in_as, make_account, today: date) -> None:
    account = make_account(
        subscriptions=[
            *spread(today, 3, country="US", currency="USD", payment_method="credit_card"),
            *spread(today, 2, country="US", currency="USD", payment_method="paypal"),
            *spread(today, 2, country="US", currency="EUR", payment_method="credit_card"),
        ]
    )
    expected = {key: sorted(numbers) for key, numbers in groups_of(account).items()}
    assert len(expected) == 3, f"the account should have three transactions (CSN, currency, method): {expected}"

    bulk_page = sign_in_as(account).go_to(SubscriptionsPage).open_bulk_renew()

    shown = {group.key: sorted(group.numbers) for group in bulk_page.groups()}
    assert shown == expected, (
        f"R7 Bulk actions › Renew groups the eligible subscriptions by CSN, currency and payment method: "
        f"shown {shown}, expected {expected}"
    )


@pytest.mark.locales
def test_a_selection_across_groups_places_one_order_and_one_email_per_group(
    page: Page, base_url: str, mailbox: Mailbox, admin: PortalAdmin, make_account, storage_state: Path,
    confirmation_emails, today: date, profile: PortalProfile,
) -> None:
    account = make_account(
        subscriptions=[
            *spread(today, 3, country="US", currency="USD", payment_method="credit_card"),
            *spread(today, 2, country="US", currency="USD", payment_method="paypal"),
            *spread(today, 2, country="US", currency="EUR", payment_method="credit_card"),
            *spread(today, 2, country="GB", currency="GBP", payment_method="credit_card"),
        ]
    )
    groups = groups_of(account)
    assert len(groups) == 4, f"the account should have four transactions (CSN, currency, method): {groups}"
    # Part of one group, all of the others: a group is a transaction whether or not all of it is chosen.
    chosen = {key: numbers[:2] for key, numbers in groups.items()}

    result = renew_many(
        page, base_url, mailbox, [n for numbers in chosen.values() for n in numbers], account.user,
        storage_state=storage_state, profile=profile,
    )

    orders = admin.orders(account.id)
    assert sorted(sorted(o.subscriptions) for o in orders) == sorted(sorted(n) for n in chosen.values()), (
        f"{RULE_ORDER_PER_GROUP}: one order per group chosen ({len(chosen)}); "
        f"orders: {[(o.number, o.subscriptions) for o in orders]}"
    )
    emails = confirmation_emails(account, len(chosen))
    assert sorted(e.subject for e in emails) == sorted(profile.confirmation_subject(n) for n in result.orders), (
        f"R8 one confirmation email per order: {[e.subject for e in emails]} for orders {result.orders}"
    )


def test_select_all_of_a_100_subscription_group_is_accepted_in_one_checkout(
    page: Page, base_url: str, mailbox: Mailbox, admin: PortalAdmin, make_account, storage_state: Path,
    confirmation_emails, today: date, profile: PortalProfile,
) -> None:
    account = make_account(
        subscriptions=spread(today, 100, payment_method="credit_card") + spread(today, 1, payment_method="paypal")
    )
    [(csn, currency, _)] = [key for key in groups_of(account) if key[2] == "credit_card"]

    result = renew_many(
        page, base_url, mailbox, [], account.user, groups=group_filter(csn, currency, "credit_card"),
        storage_state=storage_state, profile=profile,
    )

    assert result.checkouts == 1, f"{RULE_LIMIT}: 100 fit in one checkout, the flow needed {result.checkouts}"
    orders = admin.orders(account.id)
    assert [len(o.subscriptions) for o in orders] == [100], (
        f"{RULE_LIMIT}: Select all of a 100-subscription group is one order of 100; got {[len(o.subscriptions) for o in orders]}"
    )
    confirmation_emails(account, 1)


@pytest.mark.parametrize(
    "selection",
    [
        pytest.param("select all of 101", id="Select all of a 101-subscription group"),
        pytest.param("100 + 1", id="Select all of 100 and 1 of another group"),
    ],
)
def test_101_subscriptions_in_one_checkout_are_refused_with_nothing_ordered_and_no_email(
    page: Page, base_url: str, admin: PortalAdmin, make_account, sign_in_as, confirmation_emails, today: date,
    selection: str,
) -> None:
    big = 101 if selection == "select all of 101" else 100
    account = make_account(
        subscriptions=spread(today, big, payment_method="credit_card") + spread(today, 2, payment_method="paypal")
    )
    groups = groups_of(account)
    [card_group] = [key for key in groups if key[2] == "credit_card"]
    [paypal_group] = [key for key in groups if key[2] == "paypal"]
    bulk = sign_in_as(account).go_to(SubscriptionsPage).open_bulk_renew()

    bulk.select_all(*card_group)
    if big == 100:
        bulk.select(groups[paypal_group][:1], paypal_group)
    expect(bulk.live_count).to_have_text(bulk.profile.bulk.selected_count.format(count=101))
    try:
        bulk.renew_selected()
    except PortalRefused as refused:
        assert "100" in refused.message, f"{RULE_LIMIT}: the refusal should say 100 is the limit: {refused.message!r}"
    else:
        pytest.fail(f"{RULE_LIMIT}: the server took 101 subscriptions into the cart ({page.url}) instead of refusing them")
    # The server's message comes first; the page's own live warning may follow it.
    expect(bulk.alerts.first, f"{RULE_LIMIT}: the refusal names the limit").to_contain_text("100")

    bulk.cart_link.click()
    cart = CartPage(page, bulk.profile)
    expect(cart.heading).to_be_visible()
    expect(cart.tables, f"{RULE_LIMIT}: a refused selection leaves nothing in the cart").to_have_count(0)
    assert admin.orders(account.id) == [], f"{RULE_LIMIT}: nothing may be ordered when 101 are refused"
    confirmation_emails(account, 0)
