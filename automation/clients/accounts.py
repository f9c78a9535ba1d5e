"""What the test-control API creates and reports: accounts with their users (and passwords), subscriptions, orders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Credentials:
    """What a user signs in with."""

    email: str
    password: str


@dataclass(frozen=True)
class SubscriptionData:
    """A subscription as created."""

    number: str
    product: str
    csn: str
    currency: str
    payment_method: str
    term: str
    seats: int
    status: str
    renewal_date: date
    anchor_day: int | None = None  # the day of the month the anniversary keeps, when the portal says

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SubscriptionData:
        """Build from one entry of the `subscriptions` list of `POST /__test__/accounts`."""
        return cls(
            number=data["number"],
            product=data["product"],
            csn=data["csn"],
            currency=data["currency"],
            payment_method=data["payment_method"],
            term=data["term"],
            seats=int(data["seats"]),
            status=data["status"],
            renewal_date=date.fromisoformat(data["renewal_date"]),
            anchor_day=_optional_int(data.get("anchor_day")),
        )


@dataclass(frozen=True)
class AccountData:
    """An account as created: its id, the users who may sign in, and its subscriptions in the requested order."""

    id: int
    users: list[Credentials]
    subscriptions: list[SubscriptionData]

    @property
    def user(self) -> Credentials:
        """The first user: enough for most tests."""
        return self.users[0]

    @property
    def numbers(self) -> list[str]:
        """Every subscription number, in the requested order."""
        return [s.number for s in self.subscriptions]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AccountData:
        """Build from the answer of `POST /__test__/accounts`."""
        return cls(
            id=data["id"],
            users=[Credentials(u["email"], u["password"]) for u in data["users"]],
            subscriptions=[SubscriptionData.from_json(s) for s in data["subscriptions"]],
        )


@dataclass(frozen=True)
class SubscriptionState:
    """A subscription as the account sees it today."""

    number: str
    renewal_date: date
    renewed_through: date | None
    status: str
    eligible: bool
    reason: str | None
    anchor_day: int | None = None  # the day of the month the anniversary keeps, when the portal says

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SubscriptionState:
        """Build from one entry of `GET /__test__/accounts/{id}/subscriptions`."""
        through = data.get("renewed_through")
        return cls(
            number=data["number"],
            renewal_date=date.fromisoformat(data["renewal_date"]),
            renewed_through=date.fromisoformat(through) if through else None,
            status=data["status"],
            eligible=bool(data["eligible"]),
            reason=data.get("reason"),
            anchor_day=_optional_int(data.get("anchor_day")),
        )


@dataclass(frozen=True)
class OrderData:
    """An order: its status (`complete`, `awaiting_payment`), the subscriptions it renewed, its transaction (CSN,
    currency, payment method), its total (as a decimal string and in minor units) and, for Konbini / ATM, the payment
    number and deadline; fields a portal does not send are None."""

    number: str
    status: str
    subscriptions: list[str]
    currency: str
    total: str
    csn: str | None = None
    payment_method: str | None = None
    total_minor: int | None = None
    placed_on: date | None = None
    payment_number: str | None = None
    payment_deadline: date | None = None
    paid_on: date | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OrderData:
        """Build from one entry of `GET /__test__/accounts/{id}/orders`."""
        return cls(
            number=data["number"],
            status=data["status"],
            subscriptions=list(data["subscriptions"]),
            currency=data["currency"],
            total=str(data["total"]),
            csn=data.get("csn"),
            payment_method=data.get("payment_method"),
            total_minor=None if data.get("total_minor") is None else int(data["total_minor"]),
            placed_on=_optional_date(data.get("placed_on")),
            payment_number=data.get("payment_number"),
            payment_deadline=_optional_date(data.get("payment_deadline")),
            paid_on=_optional_date(data.get("paid_on")),
        )


def _optional_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def jsonable(value: Any) -> Any:
    """`value` with every date written as ISO text, as the test-control API takes dates."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value
