"""What the harness's oracle expects of an account made through the test-control API: its transactions, each priced
at its CSN's country's tax rate, and the status each order starts in. Shared by the money, order-history and email
tests, so they all read a spec the same way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from automation.clients import AccountData, SubscriptionData
from automation.rules import (
    SubscriptionFacts,
    Totals,
    TransactionKey,
    load_catalog,
    order_status_after_checkout,
    term_end,
    transactions,
)


@dataclass(frozen=True)
class PricedTransaction:
    """One transaction (one order, one email) as the oracle prices it."""

    key: TransactionKey
    country: str  # its CSN's, which decides the tax
    subscriptions: tuple[SubscriptionData, ...]
    totals: Totals

    @property
    def numbers(self) -> frozenset[str]:
        """The subscriptions its order renews."""
        return frozenset(s.number for s in self.subscriptions)

    @property
    def status(self) -> str:
        """The status code its order has right after Place order (R4: Konbini and ATM orders await payment)."""
        return order_status_after_checkout(self.key.payment_method)


def key_of(sub: SubscriptionData) -> TransactionKey:
    """The transaction a subscription renews in: its CSN, currency and payment method."""
    return TransactionKey(sub.csn, sub.currency, sub.payment_method)


def priced_transactions(account: AccountData, spec: dict[str, Any]) -> list[PricedTransaction]:
    """The account's transactions in the order its subscriptions were made; a CSN's country is the one its
    subscriptions were made in (the spec's `country`, else the account's, else US as the portal defaults)."""
    country_of = {
        created.csn: wanted.get("country", spec.get("country", "US"))
        for wanted, created in zip(spec["subscriptions"], account.subscriptions, strict=True)
    }
    catalog = load_catalog()
    return [
        PricedTransaction(
            key,
            country_of[key.csn],
            tuple(subs),
            catalog.totals([(s.product, s.term, s.seats) for s in subs], country_of[key.csn], key.currency),
        )
        for key, subs in transactions(account.subscriptions, key_of).items()
    ]


def facts_of(spec: dict[str, Any], *, awaiting_payment: bool = False) -> SubscriptionFacts:
    """What the oracle needs of a subscription made from a test-control spec (`renewal_date`, `term`, `product` given;
    `status`, `renewed` optional); a Konbini/ATM order left unpaid is the test's to say."""
    renewal_date = spec["renewal_date"]
    return SubscriptionFacts(
        renewal_date=renewal_date,
        term=spec["term"],
        cancelled=spec.get("status") == "cancelled",
        product_sold=load_catalog().sold[spec["product"]],
        renewed_through=term_end(renewal_date, spec["term"]) if spec.get("renewed") else None,
        awaiting_payment=awaiting_payment,
    )
