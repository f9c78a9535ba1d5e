"""Rehearsed failures (issue 5, fault injection): a declined payment, an account's SMTP outage, a server error on a
route and a slow portal — each reported by the flows as an error naming what failed, never a bare timeout.

Portal-wide faults are limited to the test's own account, so tests sharing a portal (--base-url) don't feel them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, Request, Response, expect

from automation.clients import AccountData, ErrorFault, LatencyFault, Mailbox, PortalAdmin
from automation.flows import RULE_ONE_EMAIL, FlowError, RuleBroken, renew_one
from automation.pages import CheckoutPage
from automation.profile import PortalProfile

AddFaults = Callable[..., None]
TIGHT_TIMEOUT_MS, HELD_BACK_MS = 3_000, 6_000  # the slow-page test: the browser's timeout, and Place order's delay


@pytest.fixture
def account(make_account, today: date) -> AccountData:
    """One credit-card subscription renewing today: no Renew now, one order, one email."""
    return make_account(subscriptions=[{"renewal_date": today, "payment_method": "credit_card"}])


@pytest.fixture
def add_faults(admin: PortalAdmin) -> Iterator[AddFaults]:
    """Add portal-wide fault rules (each limited to one account) next to those in force; this test's are lifted after."""
    accounts: set[int] = set()

    def add(*, latency: tuple[LatencyFault, ...] = (), errors: tuple[ErrorFault, ...] = ()) -> None:
        assert all(rule.account_id is not None for rule in (*latency, *errors)), "limit each rule to the test's account"
        accounts.update(rule.account_id for rule in (*latency, *errors) if rule.account_id is not None)
        now = admin.portal_faults()
        admin.set_portal_faults(latency=[*now.latency, *latency], errors=[*now.errors, *errors])

    yield add
    now = admin.portal_faults()
    admin.set_portal_faults(
        latency=[r for r in now.latency if r.account_id not in accounts],
        errors=[r for r in now.errors if r.account_id not in accounts],
    )


def test_a_declined_payment_fails_the_flow_naming_it_and_nothing_is_ordered_or_emailed(
    page: Page, base_url: str, mailbox: Mailbox, admin: PortalAdmin, account: AccountData, storage_state: Path,
    confirmation_emails, profile: PortalProfile,
) -> None:
    admin.set_faults(account.id, payment_declined=True)

    # The harness knows a declined payment by the portal's 402 answer, not by its wording.
    with pytest.raises(FlowError, match=r"^checkout 1 of 1: place order: payment declined: \S"):
        renew_one(page, base_url, mailbox, account.numbers[0], account.user, storage_state=storage_state, profile=profile)

    expect(CheckoutPage(page, profile).alerts, "the checkout says why nothing was ordered").not_to_have_count(0)
    assert admin.orders(account.id) == [], "a declined payment must not place an order"
    confirmation_emails(account, 0)


def test_with_smtp_unavailable_the_order_is_placed_the_email_check_names_the_cause_and_lifting_it_sends_one_email(
    page: Page, base_url: str, mailbox: Mailbox, admin: PortalAdmin, account: AccountData, storage_state: Path,
    confirmation_emails, profile: PortalProfile,
) -> None:
    admin.set_faults(account.id, smtp_unavailable=True)

    with pytest.raises(RuleBroken, match=rf"^{re.escape(RULE_ONE_EMAIL)}: no confirmation email for order \d+ .*check SMTP"):
        renew_one(
            page, base_url, mailbox, account.numbers[0], account.user,
            storage_state=storage_state, profile=profile, email_timeout=1,
        )

    (order,) = admin.orders(account.id)
    assert order.subscriptions == account.numbers, "with SMTP down the order still goes through"
    admin.set_faults(account.id, smtp_unavailable=False)
    (email,) = confirmation_emails(account, 1)
    assert order.number in email.subject, f"{RULE_ONE_EMAIL}: the email that waited is the order's, sent once"


@pytest.mark.parametrize(
    ("route", "status", "step"),
    [("/cart", 500, "renew {number}"), ("/checkout", 503, "checkout 1 of 1")],
    ids=["renew", "place-order"],
)
def test_a_server_error_on_a_route_fails_the_flow_naming_the_step_route_and_status(
    page: Page, base_url: str, mailbox: Mailbox, admin: PortalAdmin, account: AccountData, storage_state: Path,
    add_faults: AddFaults, route: str, status: int, step: str, profile: PortalProfile,
) -> None:
    number = account.numbers[0]
    add_faults(errors=(ErrorFault(route, status, ("POST",), account.id),))

    expected = rf"^{step.format(number=number)}: the portal answered {status} on POST {route} \(An error was injected"
    with pytest.raises(FlowError, match=expected):
        renew_one(page, base_url, mailbox, number, account.user, storage_state=storage_state, profile=profile)

    assert admin.orders(account.id) == []


def test_added_latency_on_place_order_is_waited_out_and_shows_in_the_step_duration(
    page: Page, base_url: str, mailbox: Mailbox, admin: PortalAdmin, account: AccountData, storage_state: Path,
    add_faults: AddFaults, profile: PortalProfile,
) -> None:
    add_faults(latency=(LatencyFault("/checkout", 300, ("POST",), account.id),))
    placed: list[Request] = []
    page.on("requestfinished", lambda r: placed.append(r) if (r.method, urlparse(r.url).path) == ("POST", "/checkout") else None)

    result = renew_one(page, base_url, mailbox, account.numbers[0], account.user, storage_state=storage_state, profile=profile)

    assert [o.number for o in admin.orders(account.id)] == result.orders and len(result.orders) == 1
    (request,) = placed
    response = request.response()
    assert response is not None and "injected-latency;dur=300" in (response.header_value("server-timing") or ""), (
        "POST /checkout does not report the injected 300 ms"
    )
    waited = request.timing["responseStart"] - request.timing["requestStart"]
    assert waited >= 300, f"POST /checkout answered after {waited:.0f} ms, though held back 300 ms"
    assert result.durations["checkout 1 of 1"] >= 0.3, "the step's duration includes the wait"


def test_a_page_slower_than_the_browser_timeout_fails_naming_the_step(
    page: Page, base_url: str, mailbox: Mailbox, account: AccountData, storage_state: Path, add_faults: AddFaults,
    profile: PortalProfile,
) -> None:
    # The browser's timeout drops to 3 s once the checkout page has loaded, so the steps before it keep the suite's
    # 15 s however busy the machine is, and Place order, held back 6 s, is the step that times out.
    add_faults(latency=(LatencyFault("/checkout", HELD_BACK_MS, ("POST",), account.id),))

    def tighten_after_checkout_page(response: Response) -> None:
        if response.request.method == "GET" and urlparse(response.url).path == "/checkout":
            page.set_default_timeout(TIGHT_TIMEOUT_MS)
            page.set_default_navigation_timeout(TIGHT_TIMEOUT_MS)

    page.on("response", tighten_after_checkout_page)

    with pytest.raises(FlowError, match=r"^checkout 1 of 1: the portal did not answer within the browser's timeout"):
        renew_one(page, base_url, mailbox, account.numbers[0], account.user, storage_state=storage_state, profile=profile)
    # Passed: close the page still waiting for Place order, or the failure screenshot pytest-playwright takes of every
    # open page at teardown (kept only when a test fails) waits its 5 s timeout for it.
    page.close()
