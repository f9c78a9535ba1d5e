"""renew_one and renew_many for real: a private portal on free ports, headless Chromium, results read back from the portal."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Literal

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from automation.browser import launch_browser
from automation.browser_options import BrowserOptions
from automation.clients import AccountData, Credentials, Mailbox, PortalAdmin
from automation.flows import FlowError, group_filter, renew_many, renew_one
from mock_portal.server import PortalStack

TODAY = date(2030, 3, 1)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One headless Chromium for the module, found and launched the way the CLI does it.

    Not pytest-playwright's session `browser`: its Playwright would stay up for the whole session, and code
    that starts `sync_playwright()` itself (the CLI tests) can't run beside it in the same thread."""
    with sync_playwright() as pw:
        browser = launch_browser(pw, BrowserOptions())
        yield browser
        browser.close()


@pytest.fixture
def portal_page(chromium: Browser) -> Iterator[Page]:
    """A fresh context (no cookies) per test, so tests don't share a sign-in."""
    context = chromium.new_context()
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def dated_account(admin: PortalAdmin):  # type: ignore[no-untyped-def]
    """Create a fresh account whose clock says TODAY; `groups` maps (CSN name, currency, method) to renewal dates."""

    def make(groups: dict[tuple[str, str, str], list[str]]) -> AccountData:
        csns = {name: str(secrets.randbelow(9 * 10**9) + 10**9) for name in {csn for csn, _, _ in groups}}
        subscriptions = [
            {"csn": csns[csn], "currency": currency, "payment_method": method, "term": "annual", "renewal_date": day}
            for (csn, currency, method), days in groups.items()
            for day in days
        ]
        return admin.create_account(subscriptions, country="US", today=TODAY)

    return make


@pytest.mark.parametrize("via", ["list", "detail"])
def test_renew_one_early_with_renew_now_keeps_the_renewal_date_and_sends_one_email(
    portal_page: Page, stack: PortalStack, mailbox: Mailbox, admin: PortalAdmin, dated_account, via: Literal["list", "detail"]
) -> None:
    account = dated_account({("A", "USD", "credit_card"): ["2030-04-01", "2030-05-01"]})
    number = account.numbers[0]

    result = renew_one(portal_page, stack.base_url, mailbox, number, account.user, renew_now=True, via=via)

    assert result.checkouts == 1 and len(result.orders) == 1
    renewed = result.subscription(number)
    assert (renewed.date_before, renewed.date_after, renewed.listed_after) == (date(2030, 4, 1),) * 3
    assert renewed.renewed_through == date(2031, 4, 1)
    assert [e.subject for e in result.emails[result.orders[0]]] == [f"Order confirmation {result.orders[0]}"]
    orders = admin.orders(account.id)
    assert [(o.number, o.subscriptions) for o in orders] == [(result.orders[0], [number])]
    state = {s.number: s for s in admin.subscriptions(account.id)}
    assert (state[number].renewal_date, state[number].renewed_through) == (date(2030, 4, 1), date(2031, 4, 1))
    assert state[account.numbers[1]].renewed_through is None


def test_renew_many_across_two_groups_places_one_order_and_one_email_per_group(
    portal_page: Page, stack: PortalStack, mailbox: Mailbox, admin: PortalAdmin, dated_account
) -> None:
    account = dated_account(
        {
            ("A", "USD", "credit_card"): ["2030-03-20", "2030-04-02", "2030-05-03"],
            ("B", "USD", "paypal"): ["2030-04-15", "2030-02-20"],
        }
    )
    by_csn: dict[str, list[str]] = {}
    for sub in account.subscriptions:
        by_csn.setdefault(sub.csn, []).append(sub.number)

    result = renew_many(portal_page, stack.base_url, mailbox, account.numbers, account.user)

    assert result.checkouts == 1 and len(result.orders) == 2
    assert sorted(result.emails) == sorted(result.orders)
    assert all(len(found) == 1 for found in result.emails.values())
    orders = {o.number: sorted(o.subscriptions) for o in admin.orders(account.id)}
    assert sorted(orders.values()) == sorted(sorted(numbers) for numbers in by_csn.values())
    for renewed in result.subscriptions:
        assert renewed.date_after == renewed.date_before
        assert renewed.order in orders and renewed.number in orders[renewed.order]
    # Paid late (today is past 2030-02-20): the list moves to the next anniversary, one term after the old date.
    late = next(s for s in result.subscriptions if s.date_before == date(2030, 2, 20))
    assert late.listed_after == late.renewed_through == date(2031, 2, 20)


def test_renew_many_by_whole_group_renews_only_that_group(
    portal_page: Page, stack: PortalStack, mailbox: Mailbox, admin: PortalAdmin, dated_account
) -> None:
    account = dated_account({("A", "USD", "credit_card"): ["2030-04-01", "2030-04-02"], ("A", "USD", "paypal"): ["2030-04-03"]})
    card = [s.number for s in account.subscriptions if s.payment_method == "credit_card"]

    only_cards = group_filter(payment_method="credit_card")
    result = renew_many(portal_page, stack.base_url, mailbox, [], account.user, groups=only_cards)

    assert sorted(s.number for s in result.subscriptions) == sorted(card)
    assert [sorted(o.subscriptions) for o in admin.orders(account.id)] == [sorted(card)]


def test_an_early_renewal_without_renew_now_is_refused_and_names_the_step(
    portal_page: Page, stack: PortalStack, mailbox: Mailbox, admin: PortalAdmin, dated_account
) -> None:
    account = dated_account({("A", "USD", "credit_card"): ["2030-04-01"]})

    with pytest.raises(FlowError, match=r"^checkout 1 of 1: checkout refused: .*Renew now"):
        renew_one(portal_page, stack.base_url, mailbox, account.numbers[0], account.user, renew_now=False)

    assert admin.orders(account.id) == []


def test_a_saved_sign_in_is_reused_while_valid_and_replaced_when_not(
    portal_page: Page, chromium: Browser, stack: PortalStack, mailbox: Mailbox, dated_account, tmp_path: Path
) -> None:
    account = dated_account({("A", "USD", "credit_card"): ["2030-04-01", "2030-04-02", "2030-04-03"]})
    first, second, third = account.numbers
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"cookies": [], "origins": []}))  # not saved by a flow: ignored, then replaced
    renew_one(portal_page, stack.base_url, mailbox, first, account.user, storage_state=state)
    assert json.loads(state.read_text())["renewals"]["email"] == account.user.email

    # In a fresh context a wrong password still gets in: the saved session is used, not the form.
    wrong = Credentials(account.user.email, "not-the-password")
    context = chromium.new_context()
    try:
        result = renew_one(context.new_page(), stack.base_url, mailbox, second, wrong, storage_state=state)
        assert result.subscription(second).order == result.orders[0]
        # Without a saved session the form is used, and the portal's refusal names the step.
        context.clear_cookies()
        with pytest.raises(FlowError, match=r"^sign in: Sign in refused: The email or password is incorrect"):
            renew_one(context.pages[0], stack.base_url, mailbox, third, wrong)
    finally:
        context.close()


def test_asking_for_101_in_one_checkout_is_refused_by_the_portal_and_nothing_is_ordered(
    portal_page: Page, stack: PortalStack, mailbox: Mailbox, admin: PortalAdmin, dated_account
) -> None:
    account = dated_account({("A", "USD", "credit_card"): ["2030-04-01"] * 101})

    with pytest.raises(FlowError, match=r"^checkout 1 of 1: bulk renew refused: .*at most 100"):
        renew_many(portal_page, stack.base_url, mailbox, [], account.user, all_eligible=True, limit=101)

    assert admin.orders(account.id) == []


def test_renew_one_finds_a_subscription_on_a_later_page_of_a_long_list(
    portal_page: Page, stack: PortalStack, mailbox: Mailbox, admin: PortalAdmin, dated_account
) -> None:
    account = dated_account({("A", "USD", "credit_card"): ["2030-04-01"] * 230 + ["2030-05-01"]})
    last = account.numbers[-1]  # the latest renewal date sorts it onto the last page (100 rows a page)

    result = renew_one(portal_page, stack.base_url, mailbox, last, account.user, renew_now=True)

    assert [o.subscriptions for o in admin.orders(account.id)] == [[last]]
    assert result.subscription(last).date_after == date(2030, 5, 1)


def test_renew_many_takes_a_group_bigger_than_the_page_shows_in_checkouts_of_100(
    portal_page: Page, stack: PortalStack, mailbox: Mailbox, admin: PortalAdmin, dated_account
) -> None:
    account = dated_account({("A", "USD", "credit_card"): ["2030-04-01"] * 130})  # the bulk page shows 100 a group

    result = renew_many(portal_page, stack.base_url, mailbox, [], account.user, all_eligible=True)

    orders = admin.orders(account.id)
    assert sorted(len(o.subscriptions) for o in orders) == [30, 100] and result.checkouts == 2
    assert {n for o in orders for n in o.subscriptions} == set(account.numbers)
