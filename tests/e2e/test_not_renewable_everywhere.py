"""A subscription that may not be renewed (R1 and the reference's other conditions) is refused on every path a request
can take: no Renew in the list or on its page (both saying why, in the profile's words for the oracle's verdict), not
offered by Bulk actions › Renew, a hand-made POST to the cart or to the bulk page refused with nothing carted, and the
test API agreeing on eligible and reason.

Expectations come from the harness's oracle (`automation.rules.judge`) fed the facts the test created, never from
the portal. The checks only read (bar the one control that proves the hand-made POST would be accepted for a
renewable subscription), so the module shares one account per worker, signed in once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from expectations import facts_of
from playwright.sync_api import APIResponse, Browser, Page, expect

from automation.clients import AccountData, PortalAdmin
from automation.pages import CartPage, SubscriptionsPage
from automation.profile import PortalProfile
from automation.rules import Verdict, judge, load_catalog

RULE = "R1 and the other conditions: a subscription that may not be renewed is refused on every path, saying why"
CONTROL = "renewable control"


@dataclass(frozen=True)
class Kind:
    """A kind of not-renewable subscription: its renewal date `days` from today and the spec fields that make it so."""

    days: int
    fields: dict[str, Any] = field(default_factory=dict)
    awaiting_payment: bool = False  # made so by placing a Konbini order for it (the module does, once)

    def spec(self, today: date) -> dict[str, Any]:
        return {"renewal_date": today + timedelta(days=self.days), "term": "annual", "product": "ACD", **self.fields}


KINDS = {
    "cancelled": Kind(20, {"status": "cancelled"}),
    "retired product": Kind(20, {"product": next(c for c, sold in load_catalog().sold.items() if not sold)}),
    "monthly": Kind(20, {"term": "monthly"}),
    "already renewed": Kind(20, {"renewed": True}),
    "awaiting Konbini payment": Kind(20, {"payment_method": "konbini"}, awaiting_payment=True),
    "not yet open (-91 days)": Kind(91),
    "closed (+46 days)": Kind(-46),
}
ALL = {**KINDS, CONTROL: Kind(20)}


@pytest.fixture(scope="module")
def kinds_account(create_account, today: date) -> AccountData:
    """One account holding every kind and a renewable control, in ALL order."""
    return create_account(subscriptions=[kind.spec(today) for kind in ALL.values()])


@pytest.fixture(scope="module")
def number_of(kinds_account: AccountData) -> dict[str, str]:
    """Kind → its subscription number."""
    return dict(zip(ALL, kinds_account.numbers, strict=True))


@pytest.fixture(scope="module")
def verdict_of(today: date) -> dict[str, Verdict]:
    """Kind → the oracle's verdict for today."""
    return {name: judge(facts_of(kind.spec(today), awaiting_payment=kind.awaiting_payment), today) for name, kind in ALL.items()}


@pytest.fixture(scope="module")
def signed_in_state(
    saved_sign_in, kinds_account: AccountData, number_of: dict[str, str], browser: Browser, base_url: str,
    admin: PortalAdmin, profile: PortalProfile,
) -> Path:
    """Sign in once, and place the Konbini order that leaves its subscription awaiting payment (R4)."""
    state = saved_sign_in(kinds_account)
    number = number_of["awaiting Konbini payment"]
    context = browser.new_context(base_url=base_url, storage_state=state, locale=profile.locale)
    try:
        checkout = SubscriptionsPage.visit(context.new_page(), base_url, profile).renew(number).check_out()
        if checkout.needs_renew_now():
            checkout.tick_renew_now()
        checkout.place_order()
    finally:
        context.close()
    orders = admin.orders(kinds_account.id)
    assert [(o.subscriptions, o.status) for o in orders] == [([number], "awaiting_payment")], (
        f"setup: a Konbini renewal of {number} should leave one order awaiting payment, got {orders}"
    )
    return state


@pytest.fixture(scope="module")
def browser_context_args(browser_context_args: dict, signed_in_state: Path) -> Iterator[dict]:
    """Every context of this module starts signed in as the account's user."""
    yield {**browser_context_args, "storage_state": signed_in_state}


@pytest.fixture
def subscriptions(page: Page, base_url: str, profile: PortalProfile) -> SubscriptionsPage:
    """The list, reached directly: the context is already signed in."""
    subscriptions = SubscriptionsPage.visit(page, base_url, profile)
    expect(subscriptions.heading, "the saved sign-in should open the list").to_be_visible()
    return subscriptions


def csrf_token(subscriptions: SubscriptionsPage) -> str:
    """This session's CSRF token, copied from a form of the signed-in list (the control's Renew form has one)."""
    return subscriptions.main.locator('input[name="csrf_token"]').first.input_value()


def post(page: Page, path: str, token: str, number: str) -> APIResponse:
    """A hand-made form POST, as the Renew button or the bulk form would send it, from the signed-in context."""
    return page.request.post(path, form={"csrf_token": token, "subscription": number}, max_redirects=0)


def carted(page: Page, base_url: str, profile: PortalProfile) -> set[str]:
    """The subscription numbers in the cart now."""
    cart = CartPage(page, profile)
    cart.check_response(page.goto(base_url.rstrip("/") + "/cart"))
    return {line.number for line in cart.lines()}


def reason_pattern(profile: PortalProfile, verdict: Verdict) -> re.Pattern[str]:
    """The reason as the profile words the oracle's verdict, the whole text."""
    return re.compile("^" + re.escape(profile.reason_text(verdict.reason, verdict.reason_date)) + "$")


def api_reason(profile: PortalProfile, verdict: Verdict) -> str:
    """The reason as the test API gives it: the profile's wording with the date in ISO form (a script reads it)."""
    assert verdict.reason is not None
    pattern: str = getattr(profile.reasons, verdict.reason.value)
    return pattern.format(date=verdict.reason_date.isoformat() if verdict.reason_date else "")


def test_the_oracle_calls_every_kind_not_renewable_and_the_control_renewable(verdict_of: dict[str, Verdict]) -> None:
    wrong = {name: v for name, v in verdict_of.items() if v.eligible != (name == CONTROL)}
    assert not wrong, f"the module's table is wrong, not the portal: the oracle judges {wrong}"


@pytest.mark.parametrize("kind", KINDS)
def test_neither_the_list_nor_its_page_offers_renew_and_both_say_why(
    subscriptions: SubscriptionsPage, number_of: dict[str, str], verdict_of: dict[str, Verdict], profile: PortalProfile, kind: str
) -> None:
    verdict, number = verdict_of[kind], number_of[kind]
    row = subscriptions.row(number)
    expect(row, f"setup: {number} ({kind}) is listed").to_have_count(1)

    renew = row.get_by_role("button", name=profile.subscriptions.renew, exact=True)
    expect(renew, f"{RULE}: {kind} offers no Renew in the list").to_have_count(0)
    reason = row.get_by_test_id("renewal-reason")
    expect(reason, f"{RULE}: the list says why {kind} can't be renewed").to_have_text(reason_pattern(profile, verdict))
    if verdict.reason_date is not None:
        expect(reason.get_by_role("time"), f"{RULE}: the date the reason names ({kind})").to_have_attribute(
            "datetime", verdict.reason_date.isoformat()
        )

    detail = subscriptions.open(number)
    expect(detail.heading, f"setup: {kind}'s page opens").to_be_visible()
    expect(detail.renew_button, f"{RULE}: {kind} offers no Renew on its page").to_have_count(0)
    expect(detail.reason_text, f"{RULE}: its page says why ({kind})").to_have_text(reason_pattern(profile, verdict))


def test_bulk_renew_offers_none_of_them(subscriptions: SubscriptionsPage, number_of: dict[str, str]) -> None:
    offered = {n for group in subscriptions.open_bulk_renew().groups() for n in group.numbers}
    kind_of = {n: kind for kind, n in number_of.items()}

    assert number_of[CONTROL] in offered, f"R7 the renewable control should be offered by Bulk actions › Renew: {offered}"
    assert not offered - {number_of[CONTROL]}, (
        f"{RULE}: Bulk actions › Renew offers {[kind_of.get(n, n) for n in sorted(offered - {number_of[CONTROL]})]}"
    )


def test_the_hand_made_cart_post_is_accepted_for_a_renewable_subscription(
    page: Page, base_url: str, subscriptions: SubscriptionsPage, number_of: dict[str, str]
) -> None:
    """The control: the request the refusals below are made of is a good one (token and field right)."""
    number, token = number_of[CONTROL], csrf_token(subscriptions)
    response = post(page, "/cart", token, number)
    try:
        assert response.status in (302, 303), f"R6 Renew of the renewable control answered {response.status}"
        assert number in carted(page, base_url, subscriptions.profile), "R6 the renewable control went into the cart"
    finally:  # leave the shared account's cart as it was
        post(page, "/cart/remove", token, number)


@pytest.mark.parametrize("kind", KINDS)
def test_a_hand_made_post_to_the_cart_or_the_bulk_page_is_refused_and_carts_nothing(
    page: Page, base_url: str, subscriptions: SubscriptionsPage, number_of: dict[str, str], kind: str
) -> None:
    number, token = number_of[kind], csrf_token(subscriptions)

    for path in ("/cart", "/bulk/renew"):
        response = post(page, path, token, number)
        assert 400 <= response.status < 500, f"{RULE}: POST {path} with {number} ({kind}) answered {response.status}"
    in_cart = carted(page, base_url, subscriptions.profile)
    assert number not in in_cart, f"{RULE}: a hand-made POST put {number} ({kind}) in the cart"


@pytest.mark.parametrize("kind", list(ALL))
def test_the_test_api_agrees_with_the_oracle(
    admin: PortalAdmin, kinds_account: AccountData, signed_in_state: Path, number_of: dict[str, str],
    verdict_of: dict[str, Verdict], profile: PortalProfile, kind: str,
) -> None:
    state = {s.number: s for s in admin.subscriptions(kinds_account.id)}[number_of[kind]]
    verdict = verdict_of[kind]

    assert state.eligible == verdict.eligible, (
        f"{RULE}: the test API says {kind} is {'' if state.eligible else 'not '}eligible; the oracle says {verdict}"
    )
    expected = None if verdict.eligible else api_reason(profile, verdict)
    assert state.reason == expected, f"{RULE}: the test API gives {kind} the reason {state.reason!r}, not {expected!r}"
