"""The order confirmation email's text (R5, R8): one email per transaction, its subject as the profile words it,
naming the CSN and the payment method, listing every subscription of the order — and none of another — with its
unchanged renewal date and the date the renewed term runs to, and the order's subtotal, tax and total; for Konbini and
ATM bank transfer, the payment instructions (the order's payment number, deadline and amount) in that one email.
Expected values come from the oracle (`automation.rules`) and the order record; their text from the portal profile."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from expectations import key_of, priced_transactions
from playwright.sync_api import Page

from automation.clients import AccountData, Mailbox, Message, PortalAdmin, SubscriptionData
from automation.flows import RULE_ONE_EMAIL, renew_many
from automation.profile import PortalProfile
from automation.rules import Totals, TransactionKey, term_end

RULE_SUBJECT = "R8 one confirmation email per transaction, its subject naming the order"
RULE_CONTENTS = "R8 the confirmation email names the transaction (CSN, payment method) and lists its subscriptions"
RULE_DATES = "R8 the confirmation email lists each renewal date unchanged and the term it renews through"
RULE_MONEY = "R8 the confirmation email gives the order's subtotal, tax and total"
RULE_INSTRUCTIONS = "R5 a Konbini / ATM order's one email carries its payment number, deadline and amount"

def priced(account: AccountData, spec: dict[str, Any]) -> dict[TransactionKey, tuple[list[SubscriptionData], Totals]]:
    """Each transaction of the account with its subscriptions and the oracle's totals at its CSN's country's rate."""
    return {t.key: (list(t.subscriptions), t.totals) for t in priced_transactions(account, spec)}


def shows(text: str, value: str) -> bool:
    """Whether `text` holds `value` as a whole (not inside a longer number)."""
    return re.search(rf"(?<![\w.,]){re.escape(value)}(?!\w|[.,]\d)", text) is not None


def date_at(line: str, day: date, profile: PortalProfile) -> int:
    """Where `line` names `day` (ISO, as scripts read it, or as the page writes it); -1 when it does not."""
    found = [m.start() for text in (day.isoformat(), profile.format_date(day)) if (m := re.search(re.escape(text), line))]
    return min(found, default=-1)


def email_problems(
    email: Message, key: TransactionKey, subs: list[SubscriptionData], totals: Totals, others: list[str],
    profile: PortalProfile,
) -> list[str]:
    """What the email of one transaction lacks or gets wrong, each naming its rule."""
    text, lines = email.text, email.text.splitlines()
    problems = []
    if not shows(text, key.csn):
        problems.append(f"{RULE_CONTENTS}: no CSN {key.csn}")
    if not shows(text, profile.payment_label(key.payment_method)):
        problems.append(f"{RULE_CONTENTS}: no payment method {profile.payment_label(key.payment_method)!r}")
    problems += [f"{RULE_CONTENTS}: lists {n}, which belongs to another transaction" for n in others if shows(text, n)]
    for sub in subs:
        listed = [line for line in lines if shows(line, sub.number)]
        through = term_end(sub.renewal_date, sub.term)
        if not listed:
            problems.append(f"{RULE_CONTENTS}: does not list subscription {sub.number}")
        elif not any(0 <= date_at(line, sub.renewal_date, profile) < date_at(line, through, profile) for line in listed):
            problems.append(
                f"{RULE_DATES}: {sub.number} ({sub.term}) should show renewal date {sub.renewal_date} and then renewed "
                f"through {through}; its line: {listed}"
            )
    amounts = [(what, profile.format_money(minor, key.currency)) for what, minor in
               (("subtotal", totals.subtotal), ("tax", totals.tax), ("total", totals.total))]  # fmt: skip
    at = {what: [i for i, line in enumerate(lines) if shows(line, amount)] for what, amount in amounts}
    if missing := [f"{what} {amount}" for what, amount in amounts if not at[what]]:
        problems.append(f"{RULE_MONEY}: lacks {', '.join(missing)}")
    elif not min(at["subtotal"]) < min(at["tax"]) < min(at["total"]):
        problems.append(f"{RULE_MONEY}: should give the subtotal, then the tax, then the total")
    return problems


def test_one_email_per_transaction_names_its_csn_method_totals_and_every_subscription_with_both_dates(
    page: Page, base_url: str, mailbox: Mailbox, admin: PortalAdmin, make_account, storage_state: Path,
    confirmation_emails, profile: PortalProfile, today: date,
) -> None:
    spec = {"country": "US", "subscriptions": [
        {"renewal_date": today + timedelta(days=30), "country": "DE", "currency": "EUR", "payment_method": "credit_card",
         "product": "ACD", "term": "three_year", "seats": 4},
        {"renewal_date": today + timedelta(days=75), "country": "DE", "currency": "EUR", "payment_method": "credit_card",
         "product": "F360", "term": "annual", "seats": 2},
        {"renewal_date": today - timedelta(days=20), "currency": "USD", "payment_method": "paypal",
         "product": "RVT", "term": "annual", "seats": 3},
    ]}  # fmt: skip
    account = make_account(**spec)
    expected = priced(account, spec)

    renew_many(page, base_url, mailbox, [], account.user, all_eligible=True, storage_state=storage_state, profile=profile)

    orders = {frozenset(o.subscriptions): o.number for o in admin.orders(account.id)}
    emails = {e.subject: e for e in confirmation_emails(account, len(expected))}
    problems = []
    for key, (subs, totals) in expected.items():
        order = orders.get(frozenset(s.number for s in subs))
        assert order is not None, f"R8 one order per transaction: none renews exactly {[s.number for s in subs]}"
        subject = profile.confirmation_subject(order)
        email = emails.get(subject)
        assert email is not None, f"{RULE_SUBJECT}: no email {subject!r} among {sorted(emails)}"
        others = [s.number for s in account.subscriptions if key_of(s) != key]
        problems += [f"{subject}: {p}" for p in email_problems(email, key, subs, totals, others, profile)]
    assert not problems, "\n".join(problems) + "\n\n" + "\n---\n".join(e.text for e in emails.values())


@pytest.mark.parametrize("method", ["konbini", "atm_bank_transfer"])
def test_a_konbini_or_atm_order_has_one_email_with_its_payment_number_deadline_and_amount(
    page: Page, base_url: str, mailbox: Mailbox, admin: PortalAdmin, make_account, storage_state: Path,
    confirmation_emails, profile: PortalProfile, today: date, method: str,
) -> None:
    spec = {"country": "JP", "subscriptions": [
        {"renewal_date": today + timedelta(days=10), "currency": "JPY", "payment_method": method,
         "product": "INV", "term": "annual", "seats": 3},
        {"renewal_date": today + timedelta(days=50), "currency": "JPY", "payment_method": method,
         "product": "MAYA", "term": "three_year", "seats": 2},
    ]}  # fmt: skip
    account = make_account(**spec)
    [(key, (subs, totals))] = priced(account, spec).items()

    renew_many(page, base_url, mailbox, account.numbers, account.user, storage_state=storage_state, profile=profile)

    [order] = admin.orders(account.id)
    [email] = confirmation_emails(account, 1)
    assert email.subject == profile.confirmation_subject(order.number), f"{RULE_SUBJECT}: {email.subject!r}"
    problems = email_problems(email, key, subs, totals, [], profile)
    assert order.payment_number and order.payment_deadline, (
        f"{RULE_INSTRUCTIONS}: order {order.number} records no payment number or deadline"
    )
    amount = profile.format_money(totals.total, key.currency)
    how = [line for line in email.text.splitlines() if shows(line, order.payment_number)]
    if not how:
        problems.append(f"{RULE_INSTRUCTIONS}: no payment number {order.payment_number}")
    elif not any(date_at(line, order.payment_deadline, profile) >= 0 and shows(line, amount) for line in how):
        problems.append(
            f"{RULE_INSTRUCTIONS}: the instructions with payment number {order.payment_number} should say to pay "
            f"{amount} by {order.payment_deadline}: {how}"
        )
    if order.payment_deadline <= today:
        problems.append(f"{RULE_INSTRUCTIONS}: the deadline {order.payment_deadline} is not after the order ({today})")
    assert not problems, "\n".join(problems) + f"\n\n{email.text}"

    admin.record_payment(order.number)
    again = confirmation_emails(account, 1)
    assert [e.id for e in again] == [email.id], f"{RULE_ONE_EMAIL}: recording the payment sent another confirmation"
