"""The account a scenario runs against: the demo fixture, or subscriptions described inline relative to today.

Field names and codes follow what the portal's test-control API (`POST /__test__/accounts`) takes; the codes come
from the harness's profiles module, the products from the shared catalog in fixtures/."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from ..profiles import PAYMENT_METHODS, STATUSES, TERMS
from ..rules import MANUAL_ONLY_METHODS, MINOR_UNITS, load_catalog
from .base import Slug, Strict, one_of

DEMO_FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "demo_scenario.json"
MAX_DAYS = 3650  # the test-control API's bound on renewal_in_days
MAX_ALIKE = 1000
Label = Annotated[str, Field(pattern=r"^[A-Za-z0-9]{1,10}$")]  # a CSN's name in the scenario; the seed picks its digits
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


def _check_country(value: str) -> str:
    return one_of(value, sorted(load_catalog().tax_rates), "country")


class SubscriptionEntry(Strict):
    """One subscription (or `count` alike ones) of an inline account; steps refer to it by `name`."""

    name: Slug
    renewal_in_days: Annotated[int, Field(ge=-MAX_DAYS, le=MAX_DAYS)]
    term: str = "annual"
    csn: Label = "A"
    currency: str = "USD"
    payment_method: str = "credit_card"
    product: str = "ACD"
    seats: Annotated[int, Field(ge=1, le=10_000)] = 1
    status: str = "active"
    auto_renew: bool = False
    renewed: bool = False
    count: Annotated[int, Field(ge=1, le=MAX_ALIKE)] = 1

    @field_validator("term")
    @classmethod
    def _term(cls, value: str) -> str:
        return one_of(value, TERMS, "term")

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return one_of(value, list(MINOR_UNITS), "currency")

    @field_validator("payment_method")
    @classmethod
    def _payment_method(cls, value: str) -> str:
        return one_of(value, PAYMENT_METHODS, "payment method")

    @field_validator("product")
    @classmethod
    def _product(cls, value: str) -> str:
        return one_of(value, list(load_catalog().names), "product code")

    @field_validator("status")
    @classmethod
    def _status(cls, value: str) -> str:
        return one_of(value, STATUSES, "status")

    @model_validator(mode="after")
    def _manual_methods_renew_by_hand(self) -> SubscriptionEntry:
        if self.auto_renew and self.payment_method in MANUAL_ONLY_METHODS:
            raise ValueError(
                f"auto_renew: true is not allowed with payment_method {self.payment_method!r}: Konbini and ATM bank "
                "transfer can't renew automatically (R4)"
            )
        return self


class FixtureAccount(Strict):
    """The demo account of fixtures/demo_scenario.json; its subscriptions are named by their `case`."""

    fixture: Literal["demo"]


class InlineAccount(Strict):
    """An account described in the scenario: its country, its CSNs' countries and its subscriptions."""

    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] = "US"
    csns: dict[Label, Country] = Field(default_factory=dict)  # a CSN label's country when not the account's
    subscriptions: Annotated[list[SubscriptionEntry], Field(min_length=1, max_length=10_000)]

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        return _check_country(value)

    @field_validator("csns")
    @classmethod
    def _csn_countries(cls, value: dict[str, str]) -> dict[str, str]:
        for country in value.values():
            _check_country(country)
        return value

    @model_validator(mode="after")
    def _names_unique(self) -> InlineAccount:
        seen: set[str] = set()
        for sub in self.subscriptions:
            if sub.name in seen:
                raise ValueError(f"subscription name {sub.name!r} appears twice; give each its own name")
            seen.add(sub.name)
        if sum(sub.count for sub in self.subscriptions) > 10_000:
            raise ValueError("more than 10000 subscriptions in all; the test-control API takes at most 10000")
        return self


def _account_kind(data: Any) -> str:
    keys = data if isinstance(data, dict) else vars(data)
    return "fixture" if "fixture" in keys else "inline"


# Tagged by the presence of `fixture`, so a mistake in an inline account is reported once, not once per kind.
Account = Annotated[
    Annotated[FixtureAccount, Tag("fixture")] | Annotated[InlineAccount, Tag("inline")], Discriminator(_account_kind)
]


@dataclass(frozen=True)
class Demo:
    """fixtures/demo_scenario.json as an inline account, with the sign-in and seed it fixes."""

    account: InlineAccount
    email: str
    password: str
    seed: int


def demo_fixture(path: Path = DEMO_FIXTURE) -> Demo:
    """Read the demo fixture: its `case`s become subscription names, its CSN letters CSN labels."""
    data = json.loads(path.read_text(encoding="utf-8"))
    keep = set(SubscriptionEntry.model_fields) - {"name", "count"}
    subs = [SubscriptionEntry(name=s["case"], **{k: v for k, v in s.items() if k in keep}) for s in data["subscriptions"]]
    account = InlineAccount(country=data["country"], csns=data["csns"], subscriptions=subs)
    return Demo(account, data["email"], data["password"], int(data["seed"]))


def inline(account: FixtureAccount | InlineAccount) -> InlineAccount:
    """The account's subscriptions and CSNs, whichever way the scenario gave them."""
    return demo_fixture().account if isinstance(account, FixtureAccount) else account
