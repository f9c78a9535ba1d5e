"""Order history and the order record (R2, R4, R8): after single and bulk renewals, Billing and orders › Order history
lists each order — one per (CSN, currency, payment method) transaction — once, with its status (awaiting payment for
Konbini / ATM bank transfer until the payment is recorded), its subscriptions, CSN, payment method and total; and the
test API's orders and subscriptions agree with the harness's oracle: the renewal date unchanged, the renewed term
running to `term_end` of it. Amounts and dates from `automation.rules`; their text from the portal profile."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from expectations import PricedTransaction, priced_transactions
from playwright.sync_api import Page

from automation.clients import AccountData, Mailbox, OrderData, PortalAdmin
from automation.flows import renew_many, renew_one
from automation.pages import OrderHistoryPage, PortalPage
from automation.profile import PortalProfile
from automation.rules import (
    SubscriptionFacts,
    date_in_force,
    judge,
    term_end,
)

RULE_HISTORY = "R8 the order history lists each order (one per transaction) once, with its status, subscriptions and total"
RULE_RECORD = "R8 each order records its transaction (CSN, currency, payment method) and the oracle's total"
RULE_AWAITING = "R4 a Konbini / ATM bank transfer order awaits its payment, and completes once it is recorded"
RULE_DATES = "R2 the renewal date stays; the renewed term runs from it to one term later"



def match_orders(orders: list[OrderData], expected: list[PricedTransaction]) -> dict[str, PricedTransaction]:
    """Order number → the transaction it renewed; fails (R8) unless the orders are exactly one per transaction."""
    by_numbers = {e.numbers: e for e in expected}
    matched = {o.number: by_numbers.get(frozenset(o.subscriptions)) for o in orders}
    assert None not in matched.values() and len(matched) == len(orders) == len(expected), (
        f"{RULE_HISTORY}: orders {[(o.number, sorted(o.subscriptions)) for o in orders]} should be one per "
        f"transaction {[sorted(e.numbers) for e in expected]}"
    )
    return {number: e for number, e in matched.items() if e is not None}


def history_mismatches(
    page: OrderHistoryPage, placed: dict[str, PricedTransaction], statuses: dict[str, str], today: date
) -> list[str]:
    """What the order history shows differently from the orders placed: missing, repeated or wrong rows."""
    rows, profile = page.orders(), page.profile
    counts = Counter(row.number for row in rows)
    problems = [f"order {n} is listed {counts[n]} times" for n in placed if counts[n] != 1]
    problems += [f"order {n} is listed but was not placed by this test" for n in counts if n not in placed]
    for row in rows:
        transaction = placed.get(row.number)
        if transaction is None:
            continue
        key, totals = transaction.key, transaction.totals
        wanted = (
            today, key.csn, profile.payment_label(key.payment_method), len(transaction.numbers),
            profile.format_money(totals.total, key.currency), profile.order_status_label(statuses[row.number]),
        )
        shown = (row.placed_on, row.csn, row.payment_method, row.subscriptions, row.total, row.status)
        if shown != wanted:
            problems.append(f"order {row.number}: (placed, CSN, method, subscriptions, total, status) {shown}, expected {wanted}")
    return problems


def record_mismatches(orders: list[OrderData], placed: dict[str, PricedTransaction], today: date) -> list[str]:
    """What the test API records differently from the oracle for each order."""
    problems = []
    for order in orders:
        e = placed[order.number]
        wanted = (e.key.csn, e.key.currency, e.key.payment_method, e.totals.total, e.status, today)
        shown = (order.csn, order.currency, order.payment_method, order.total_minor, order.status, order.placed_on)
        if shown != wanted:
            what = "(CSN, currency, method, total minor, status, placed)"
            problems.append(f"order {order.number}: {what} {shown}, expected {wanted}")
    return problems


def state_mismatches(admin: PortalAdmin, account: AccountData, paid: set[str], awaiting: set[str], today: date) -> list[str]:
    """What the test API says of each subscription that the oracle does not, today: the renewal date in force, the
    renewed-through date, whether it is renewable and the date its reason names."""
    created = {s.number: s for s in account.subscriptions}
    problems = []
    for state in admin.subscriptions(account.id):
        sub = created[state.number]
        through = term_end(sub.renewal_date, sub.term) if state.number in paid else None
        verdict = judge(
            SubscriptionFacts(sub.renewal_date, sub.term, renewed_through=through, awaiting_payment=state.number in awaiting),
            today,
        )
        in_force = date_in_force(sub.renewal_date, through, today)
        wanted = (in_force, through if in_force == sub.renewal_date else None, verdict.eligible)
        shown = (state.renewal_date, state.renewed_through, state.eligible)
        if shown != wanted:
            problems.append(f"subscription {state.number}: (renewal date, renewed through, eligible) {shown}, expected {wanted}")
        if verdict.reason_date is not None and verdict.reason_date.isoformat() not in (state.reason or ""):
            problems.append(f"subscription {state.number}: reason {state.reason!r} should name {verdict.reason_date}")
    return problems


def spec_of(today: date, kind: str) -> dict[str, Any]:
    """A single renewal paid by Konbini, or a bulk renewal of three transactions (one by ATM bank transfer),
    early and late, in three countries and currencies."""
    if kind == "single":
        return {"country": "JP", "subscriptions": [
            {"renewal_date": today + timedelta(days=25), "product": "ACD", "term": "annual", "seats": 2,
             "currency": "JPY", "payment_method": "konbini"},
        ]}  # fmt: skip
    return {"country": "US", "subscriptions": [
        {"renewal_date": today + timedelta(days=25), "product": "ACD", "term": "annual", "seats": 3,
         "payment_method": "credit_card", "currency": "USD"},
        {"renewal_date": today - timedelta(days=10), "product": "F360", "term": "three_year", "seats": 1,
         "payment_method": "credit_card", "currency": "USD"},
        {"renewal_date": today + timedelta(days=40), "product": "RVT", "term": "annual", "seats": 2,
         "payment_method": "atm_bank_transfer", "currency": "JPY", "country": "JP"},
        {"renewal_date": today + timedelta(days=5), "product": "MAYA", "term": "annual", "seats": 4,
         "payment_method": "paypal", "currency": "GBP", "country": "GB"},
    ]}  # fmt: skip


@pytest.mark.parametrize("kind", [pytest.param("single", id="single Konbini renewal"), pytest.param("bulk", id="bulk renewal")])
def test_order_history_and_test_api_list_each_order_once_as_the_oracle_computes_it_until_and_after_payment(
    page: Page, base_url: str, mailbox: Mailbox, admin: PortalAdmin, make_account, storage_state: Path, today: date,
    profile: PortalProfile, kind: str,
) -> None:
    spec = spec_of(today, kind)
    account = make_account(**spec)
    expected = priced_transactions(account, spec)

    if kind == "single":
        renew_one(page, base_url, mailbox, account.numbers[0], account.user, storage_state=storage_state, profile=profile)
    else:
        renew_many(page, base_url, mailbox, [], account.user, all_eligible=True, storage_state=storage_state, profile=profile)

    orders = admin.orders(account.id)
    placed = match_orders(orders, expected)
    assert not (problems := record_mismatches(orders, placed, today)), f"{RULE_RECORD}:\n" + "\n".join(problems)
    statuses = {number: e.status for number, e in placed.items()}
    history = PortalPage(page, profile).go_to(OrderHistoryPage)
    assert not (problems := history_mismatches(history, placed, statuses, today)), f"{RULE_HISTORY}:\n" + "\n".join(problems)
    awaiting = {n for e in placed.values() if e.status == "awaiting_payment" for n in e.numbers}
    paid = {n for e in placed.values() if e.status == "complete" for n in e.numbers}
    assert not (problems := state_mismatches(admin, account, paid, awaiting, today)), f"{RULE_DATES}:\n" + "\n".join(problems)

    for number, e in placed.items():
        if e.status == "awaiting_payment":
            recorded = admin.record_payment(number)
            assert recorded.status == "complete", f"{RULE_AWAITING}: order {number} is {recorded.status!r} once paid"
            statuses[number] = "complete"
    assert awaiting, "each case has a Konbini or ATM order, to see it wait and complete"
    history = OrderHistoryPage.visit(page, base_url, profile)
    assert not (problems := history_mismatches(history, placed, statuses, today)), f"{RULE_AWAITING}:\n" + "\n".join(problems)
    everything = set(account.numbers)
    assert not (problems := state_mismatches(admin, account, everything, set(), today)), f"{RULE_DATES}:\n" + "\n".join(problems)

    # Once the latest old date has passed, every renewal date in force is its renewed term's end (R2).
    later = max(s.renewal_date for s in account.subscriptions) + timedelta(days=1)
    admin.set_clock(account.id, later)
    assert not (problems := state_mismatches(admin, account, everything, set(), later)), (
        f"{RULE_DATES} (on {later}, after the old dates):\n" + "\n".join(problems)
    )
