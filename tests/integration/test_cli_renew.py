"""`renewals renew` and `renewals bulk-renew` end to end: a private portal, a real browser, orders read back from the portal."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest

from automation.clients import AccountData, Mailbox, PortalAdmin

CSN_A, CSN_B = "A", "B"  # placeholders: each account gets fresh customer numbers (a CSN belongs to one account)
# 115 subscriptions over three transactions: too many for one checkout, so the CLI must split them.
BULK_GROUPS = {
    (CSN_A, "USD", "credit_card"): 70,
    (CSN_A, "USD", "paypal"): 40,
    (CSN_B, "USD", "direct_debit"): 5,
}


@pytest.fixture
def bulk_account(admin: PortalAdmin) -> Any:
    """Create a fresh US account whose subscriptions renew in 30 days (early: Renew now is needed); returns it and
    the real CSN behind each placeholder."""

    def make(groups: dict[tuple[str, str, str], int]) -> tuple[AccountData, dict[str, str]]:
        csns = {name: str(secrets.randbelow(9 * 10**9) + 10**9) for name in {csn for csn, _, _ in groups}}
        subscriptions = [
            {"csn": csns[csn], "currency": currency, "payment_method": method, "renewal_in_days": 30}
            for (csn, currency, method), count in groups.items()
            for _ in range(count)
        ]
        return admin.create_account(subscriptions, country="US"), csns

    return make


def test_renew_renews_each_number_as_its_own_order_with_one_email(
    renewals: Any, bulk_account: Any, admin: PortalAdmin, mailbox: Mailbox
) -> None:
    account, _ = bulk_account({(CSN_A, "USD", "credit_card"): 3})
    first, second, untouched = account.numbers
    result = renewals(account, "renew", first, second)
    assert result.exit_code == 0, result.output
    orders = admin.orders(account.id)
    assert sorted(o.subscriptions for o in orders) == sorted([[first], [second]]), "one order per renewed number"
    for number in (first, second):
        assert number in result.stdout, f"the summary table does not list {number}"
    assert "Renewed 2 subscriptions in 2 orders over 2 checkouts; 2 confirmation emails" in " ".join(result.stdout.split())
    for order in orders:
        assert len(mailbox.search(f'subject:"Order confirmation {order.number}"')) == 1
    assert untouched not in [n for o in orders for n in o.subscriptions]


def test_bulk_renew_splits_more_than_100_into_checkouts_with_one_email_per_order(
    renewals: Any, bulk_account: Any, admin: PortalAdmin, mailbox: Mailbox
) -> None:
    account, _ = bulk_account(BULK_GROUPS)
    result = renewals(account, "bulk-renew", *account.numbers, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["ok"] is True
    assert summary["checkouts"] == 2, "115 subscriptions need two checkouts of at most 100"

    orders = admin.orders(account.id)
    assert sorted(o.number for o in orders) == sorted(summary["orders"])
    assert sorted(len(o.subscriptions) for o in orders) == sorted(BULK_GROUPS.values()), "one order per transaction"
    assert sorted(n for o in orders for n in o.subscriptions) == sorted(account.numbers)
    for order in orders:
        assert len(mailbox.search(f'subject:"Order confirmation {order.number}"')) == 1, f"order {order.number}: one email"
    assert all(s["date_before"] == s["date_after"] for s in summary["subscriptions"]), "renewal dates must not move"


def test_bulk_renew_by_filter_renews_only_the_matching_group(renewals: Any, bulk_account: Any, admin: PortalAdmin) -> None:
    account, csns = bulk_account({(CSN_A, "USD", "credit_card"): 2, (CSN_A, "USD", "paypal"): 3, (CSN_B, "USD", "paypal"): 1})
    result = renewals(account, "bulk-renew", "--csn", csns[CSN_A], "--payment-method", "paypal")
    assert result.exit_code == 0, result.output
    wanted = [s.number for s in account.subscriptions if (s.csn, s.payment_method) == (csns[CSN_A], "paypal")]
    (order,) = admin.orders(account.id)
    assert sorted(order.subscriptions) == sorted(wanted)


def test_renew_cli_reports_a_declined_payment_in_one_line_and_exits_1(admin: PortalAdmin, renewals: Any) -> None:
    account = admin.create_account([{"renewal_in_days": 0, "payment_method": "credit_card"}], today="2027-01-01")
    admin.set_faults(account.id, payment_declined=True)

    result = renewals(account, "renew", account.numbers[0])

    assert result.exit_code == 1, result.output
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("error:")]  # after the progress bar
    assert line.startswith("error: checkout 1 of 1: place order: payment declined: Your payment"), result.stderr
    assert "was declined" in line and line.rstrip().endswith("try again later."), "the portal's whole message, on one line"
    assert admin.orders(account.id) == []
