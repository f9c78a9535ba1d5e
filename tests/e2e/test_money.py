"""Money (R6: prices are reviewed in the cart; R7/R8: one transaction per CSN, currency and payment method): every
line is the unit price × seats, tax is charged at the rate of the *CSN's* country (not the account's) on each
transaction's subtotal, in the currency's minor units — on the cart, the checkout, the confirmation page, the
confirmation email and the order record. Expected amounts come from the harness's oracle (`automation.rules`) and
the fixture catalog; their text from the portal profile."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from expectations import priced_transactions
from playwright.sync_api import Page

from automation.clients import AccountData, PortalAdmin, SubscriptionData
from automation.pages import CartLine, SubscriptionsPage, TransactionTotals
from automation.profile import PortalProfile
from automation.rules import Totals, TransactionKey, line_minor, load_catalog

RULE_LINE = "R6 prices reviewed in the cart: a line costs the unit price × its seats"
RULE_TAX = "R7 money per transaction: tax at the rate of the CSN's country (not the account's) on the subtotal"
RULE_TOTAL = "R8 each order's total is its subtotal plus tax, the same on every page, in its email and its record"

@dataclass(frozen=True)
class Expected:
    """One transaction as the oracle prices it."""

    key: TransactionKey
    country: str
    subscriptions: tuple[SubscriptionData, ...]
    totals: Totals
    profile: PortalProfile

    @property
    def numbers(self) -> frozenset[str]:
        """The subscriptions it renews."""
        return frozenset(s.number for s in self.subscriptions)

    def money(self, minor: int) -> str:
        """An amount of this transaction's currency as the portal writes it."""
        return self.profile.format_money(minor, self.key.currency)


def priced(account: AccountData, spec: dict[str, Any], profile: PortalProfile) -> list[Expected]:
    """The account's transactions priced by the oracle, with the profile that writes their amounts."""
    return [Expected(t.key, t.country, t.subscriptions, t.totals, profile) for t in priced_transactions(account, spec)]


def line_mismatches(where: str, lines: list[CartLine], expected: list[Expected]) -> list[str]:
    """Every line whose unit price or line total differs from the catalog's price × seats."""
    catalog, found = load_catalog(), []
    by_number = {s.number: (e, s) for e in expected for s in e.subscriptions}
    for line in lines:
        transaction, made = by_number[line.number]
        unit = catalog.unit_price(made.product, made.term, made.currency)
        wanted = (made.seats, transaction.money(unit), transaction.money(line_minor(unit, made.seats)))
        shown = (line.seats, line.unit_price, line.line_total)
        if shown != wanted:
            found.append(
                f"{where} {line.number} ({made.product}, {made.term}): seats, unit price, line total {shown}, expected {wanted}"
            )
    return found


def totals_mismatches(where: str, lines: list[CartLine], shown: list[TransactionTotals], expected: list[Expected]) -> list[str]:
    """Every transaction whose subtotal, tax or total differs from the oracle's; tables are matched by their lines."""
    numbers_of: dict[str, set[str]] = {}
    for line in lines:
        numbers_of.setdefault(line.transaction, set()).add(line.number)
    by_numbers = {e.numbers: e for e in expected}
    found = []
    if len(shown) != len(expected):
        found.append(f"{where} shows {len(shown)} transactions, expected {len(expected)} (one per CSN, currency, method)")
    for table in shown:
        transaction = by_numbers.get(frozenset(numbers_of.get(table.transaction, ())))
        if transaction is None:
            held = sorted(numbers_of.get(table.transaction, []))
            found.append(f"{where} table {table.transaction!r} holds {held}, which is no transaction of the oracle")
            continue
        t = transaction.totals
        wanted = (transaction.money(t.subtotal), transaction.money(t.tax), transaction.money(t.total))
        if (table.subtotal, table.tax, table.total) != wanted:
            found.append(
                f"{where} {table.transaction!r} (CSN country {transaction.country}): subtotal, tax, total "
                f"{(table.subtotal, table.tax, table.total)}, expected {wanted}"
            )
    return found


def amount_lines(text: str, amount: str) -> list[int]:
    """The indexes of the lines of `text` showing `amount` as a whole amount (not inside a longer number)."""
    pattern = re.compile(rf"(?<![\d.,]){re.escape(amount)}(?!\d|[.,]\d)")
    return [i for i, line in enumerate(text.splitlines()) if pattern.search(line)]


def sub(country: str, currency: str, payment_method: str, product: str, term: str, seats: int) -> dict[str, Any]:
    """One subscription of a case, renewing in 20 days (an early renewal)."""
    return {
        "country": country, "currency": currency, "payment_method": payment_method,
        "product": product, "term": term, "seats": seats, "renewal_in_days": 20,
    }  # fmt: skip


# Each case: one currency, CSNs in countries whose tax rates differ from each other and from the account's own
# country, several multi-seat lines, and more than one payment method — so several transactions per checkout.
CASES: dict[str, dict[str, Any]] = {
    "USD": {"country": "GB", "subscriptions": [
        # Tax rounded per line would be a cent more here than tax rounded once on the subtotal (R8: per order).
        sub("US", "USD", "credit_card", "ACD", "annual", 2),
        sub("US", "USD", "credit_card", "INV", "annual", 3),
        sub("US", "USD", "paypal", "RVT", "annual", 5),
        sub("CA", "USD", "direct_debit", "F360", "three_year", 4),
    ]},
    "EUR": {"country": "US", "subscriptions": [
        sub("DE", "EUR", "credit_card", "MAYA", "annual", 7),
        sub("DE", "EUR", "credit_card", "3DSMAX", "annual", 1),
        sub("IE", "EUR", "paypal", "ACD", "three_year", 2),
        sub("CH", "EUR", "credit_card", "F360", "annual", 3),
    ]},
    "GBP": {"country": "US", "subscriptions": [
        sub("GB", "GBP", "credit_card", "ACD", "annual", 2),
        sub("GB", "GBP", "credit_card", "RVT", "annual", 9),
        sub("CH", "GBP", "direct_debit", "INV", "three_year", 3),
    ]},
    "JPY": {"country": "US", "subscriptions": [
        sub("JP", "JPY", "konbini", "ACD", "annual", 3),
        sub("JP", "JPY", "konbini", "F360", "annual", 2),
        sub("JP", "JPY", "atm_bank_transfer", "RVT", "three_year", 2),
        sub("CH", "JPY", "credit_card", "MAYA", "annual", 3),
    ]},
}  # fmt: skip


@pytest.mark.parametrize("currency", list(CASES))
def test_totals_are_price_times_seats_plus_the_csn_countrys_tax_on_cart_checkout_confirmation_email_and_record(
    page: Page, admin: PortalAdmin, make_account, sign_in_as, confirmation_emails, profile: PortalProfile, currency: str,
) -> None:
    spec = CASES[currency]
    account = make_account(**spec)
    expected = priced(account, spec, profile)
    rates = load_catalog().tax_rates
    assert all(rates[e.country] != rates[spec["country"]] for e in expected), "each CSN's rate must differ from the account's"

    bulk = sign_in_as(account).go_to(SubscriptionsPage).open_bulk_renew()
    for transaction in expected:
        bulk.select_all(*transaction.key)
    cart = bulk.renew_selected()

    lines = cart.lines()
    assert sorted(line.number for line in lines) == sorted(account.numbers), f"the cart should hold {account.numbers}"
    assert not (problems := line_mismatches("cart", lines, expected)), f"{RULE_LINE}:\n" + "\n".join(problems)
    shown = cart.transaction_totals()
    assert not (problems := totals_mismatches("cart", lines, shown, expected)), f"{RULE_TAX}:\n" + "\n".join(problems)

    checkout = cart.check_out()
    lines = checkout.lines()
    assert not (problems := line_mismatches("checkout", lines, expected)), f"{RULE_LINE}:\n" + "\n".join(problems)
    shown = checkout.transaction_totals()
    assert not (problems := totals_mismatches("checkout", lines, shown, expected)), f"{RULE_TAX}:\n" + "\n".join(problems)
    if checkout.needs_renew_now():
        checkout.tick_renew_now()
    confirmation = checkout.place_order()

    by_numbers = {e.numbers: e for e in expected}
    orders = confirmation.orders()
    placed: dict[str, Expected] = {}
    for order in orders:
        matched = by_numbers.get(frozenset(order.subscription_numbers))
        assert matched is not None, (
            f"R8 one order per transaction: order {order.number} renews {order.subscription_numbers}, "
            f"not one of the transactions {[sorted(e.numbers) for e in expected]}"
        )
        placed[order.number] = matched
    assert len(placed) == len(expected), f"R8 one order per transaction: {len(placed)} orders for {len(expected)}"
    wrong = [
        f"order {o.number}: {o.summary!r} should give the total {placed[o.number].money(placed[o.number].totals.total)}"
        for o in orders
        if not amount_lines(o.summary, placed[o.number].money(placed[o.number].totals.total))
    ]
    assert not wrong, f"{RULE_TOTAL} (confirmation page):\n" + "\n".join(wrong)

    recorded = {o.number: o for o in admin.orders(account.id)}
    wrong = [
        f"order {number}: {recorded[number].currency} {recorded[number].total_minor} minor units, "
        f"expected {e.key.currency} {e.totals.total}"
        for number, e in placed.items()
        if (recorded[number].currency, recorded[number].total_minor) != (e.key.currency, e.totals.total)
    ]
    assert not wrong, f"{RULE_TOTAL} (order record, test API):\n" + "\n".join(wrong)

    emails = {email.subject: email for email in confirmation_emails(account, len(expected))}
    for number, transaction in placed.items():
        email = emails.get(profile.confirmation_subject(number))
        assert email is not None, f"R8 no email {profile.confirmation_subject(number)!r} among {sorted(emails)}"
        t = transaction.totals
        where = {what: amount_lines(email.text, transaction.money(minor)) for what, minor in
                 (("subtotal", t.subtotal), ("tax", t.tax), ("total", t.total))}
        missing = [f"{what} {transaction.money(minor)}" for what, minor in
                   (("subtotal", t.subtotal), ("tax", t.tax), ("total", t.total)) if not where[what]]
        assert not missing, f"{RULE_TOTAL}: {email.subject!r} lacks {', '.join(missing)}:\n{email.text}"
        assert min(where["subtotal"]) < min(where["tax"]) < min(where["total"]), (
            f"{RULE_TOTAL}: {email.subject!r} should give the subtotal, then the tax, then the total:\n{email.text}"
        )
