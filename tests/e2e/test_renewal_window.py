"""Who may renew (R1 and the reference's other conditions): each ineligible subscription shows no Renew and its
reason, in the list and on its page; the window's edges, 90 days before and 45 days after, are renewable.

The cases only read, so the module shares one account per worker, signed in once: every test's context starts
from its saved storage state (browser_context_args), with no sign-in of its own."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from expectations import facts_of
from playwright.sync_api import Page, expect

from automation.clients import AccountData
from automation.pages import CartPage, SubscriptionsPage
from automation.profile import PortalProfile
from automation.rules import Verdict, judge

WINDOW = "R1 renewal is open from 90 days before to 45 days after the renewal date, both days included"


@dataclass(frozen=True)
class Case:
    """A subscription `days` after its renewal date (negative: before it), with more test-control API fields."""

    days: int
    fields: dict[str, Any] = field(default_factory=dict)

    def renewal_date(self, today: date) -> date:
        return today - timedelta(days=self.days)

    def spec(self, today: date) -> dict[str, Any]:
        return {"renewal_date": self.renewal_date(today), "term": "annual", "product": "ACD", **self.fields}

    def verdict(self, today: date) -> Verdict:
        """What the harness's own rules say of this subscription today."""
        return judge(facts_of(self.spec(today)), today)


CASES = {
    "-91 days": Case(-91),
    "-90 days": Case(-90),
    "+45 days": Case(45),
    "+46 days": Case(46),
    "monthly": Case(-20, {"term": "monthly"}),
    "cancelled": Case(-20, {"status": "cancelled"}),
    "already renewed": Case(-20, {"renewed": True}),
    "no longer sold": Case(-20, {"product": "ACDLT"}),
}
TODAY = date(2030, 3, 1)  # the suite's default clock (conftest's `today`), fixed so parametrize ids can use it
INELIGIBLE = [name for name, case in CASES.items() if not case.verdict(TODAY).eligible]
EDGES = [name for name, case in CASES.items() if case.verdict(TODAY).eligible]


@pytest.fixture(scope="module")
def window_account(create_account, today: date) -> AccountData:
    """One account holding every case, in CASES order."""
    return create_account(subscriptions=[case.spec(today) for case in CASES.values()])


@pytest.fixture(scope="module")
def number_of(window_account: AccountData) -> dict[str, str]:
    """Case id → its subscription number."""
    return dict(zip(CASES, window_account.numbers, strict=True))


@pytest.fixture(scope="module")
def browser_context_args(browser_context_args: dict, saved_sign_in, window_account: AccountData) -> Iterator[dict]:
    """Every context of this module starts signed in as the window account's user."""
    yield {**browser_context_args, "storage_state": saved_sign_in(window_account)}


@pytest.fixture
def subscriptions(page: Page, base_url: str, profile: PortalProfile) -> SubscriptionsPage:
    """The list, reached directly: the context is already signed in."""
    subscriptions = SubscriptionsPage.visit(page, base_url, profile)
    expect(subscriptions.heading, "the saved sign-in should open the list").to_be_visible()
    return subscriptions


@pytest.mark.parametrize("case", INELIGIBLE)
def test_an_ineligible_subscription_shows_no_renew_and_its_reason(
    subscriptions: SubscriptionsPage, number_of: dict[str, str], today: date, case: str, profile: PortalProfile
) -> None:
    verdict = CASES[case].verdict(today)
    assert verdict.reason is not None
    reason = profile.reason_text(verdict.reason, verdict.reason_date)
    number = number_of[case]
    row = subscriptions.row(number)
    rule = f"{WINDOW} (and cancelled, no longer sold, monthly or already renewed ones are not offered)"

    expect(subscriptions.renew_button_of(number), f"{rule}: {case} offers no Renew in the list").to_have_count(0)
    row_reason = row.get_by_test_id("renewal-reason")
    expect(row_reason, f"{rule}: the list says why ({case})").to_have_text(reason)
    if verdict.reason_date is not None:
        shown = verdict.reason_date.isoformat()
        expect(row_reason.get_by_role("time"), f"{rule}: {case}").to_have_attribute("datetime", shown)

    detail = subscriptions.open(number)
    expect(detail.renew_button, f"{rule}: {case} offers no Renew on its page").to_have_count(0)
    expect(detail.reason_text, f"{rule}: its page says why ({case})").to_have_text(reason)


@pytest.mark.parametrize("case", EDGES)
def test_the_window_edges_are_renewable(subscriptions: SubscriptionsPage, number_of: dict[str, str], case: str) -> None:
    number = number_of[case]
    expect(subscriptions.renew_button_of(number), f"{WINDOW}: {case} offers Renew").to_be_visible()

    cart: CartPage = subscriptions.open(number).renew()
    expect(
        cart.tables.get_by_role("cell", name=number, exact=True), f"{WINDOW}: the server takes {case} into the cart"
    ).to_be_visible()


def test_bulk_renew_lists_only_the_renewable(subscriptions: SubscriptionsPage, number_of: dict[str, str]) -> None:
    offered = {n for group in subscriptions.open_bulk_renew().groups() for n in group.numbers}
    renewable = {number_of[case] for case in EDGES}
    case_of = {n: case for case, n in number_of.items()}
    assert offered == renewable, (
        f"R7 the Renew subscriptions page lists exactly the eligible subscriptions: "
        f"offered but not renewable: {[case_of.get(n, n) for n in sorted(offered - renewable)]}; "
        f"renewable but not offered: {[case_of[n] for n in sorted(renewable - offered)]}"
    )
