"""What the test-control API answers, as pydantic models: the views build them and send `model_dump(mode="json")`,
and the OpenAPI document shows them. CreatedAccount is also what create_account returns to tests and the demo."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from .fields import digits, one_of
from .spec import ANCHOR_DAY, CSN, CURRENCY, LOCALE, PAYMENT_METHOD, PRODUCT, STATUS, TERM

ORDER_STATUSES = ("awaiting_payment", "complete")


class Answer(BaseModel):
    """A JSON object the API answers; every field is always there (null where it says so)."""

    model_config = ConfigDict(frozen=True)


class CreatedUser(Answer):
    """A user as created, with the password in clear so a test can sign in."""

    email: str
    password: str
    name: str
    locale: Annotated[str, LOCALE] = Field(description="The language of the user's pages and emails")


class SubscriptionFacts(Answer):
    """What every answer says about a subscription."""

    number: Annotated[str, digits(12, "a subscription number")]
    product: Annotated[str, PRODUCT]
    product_name: str
    csn: Annotated[str, CSN]
    currency: Annotated[str, CURRENCY]
    payment_method: Annotated[str, PAYMENT_METHOD]
    term: Annotated[str, TERM]
    seats: int = Field(ge=1)
    auto_renew: bool
    renewed_through: date | None = Field(description="End of the term already paid, or null")
    anchor_day: Annotated[int, ANCHOR_DAY] = Field(
        description="The day of the month the anniversary keeps, clamped to each month's length"
    )


class CreatedSubscription(SubscriptionFacts):
    """A subscription as stored."""

    status: Annotated[str, STATUS]
    renewal_date: date = Field(description="The anniversary")


class CreatedAccount(Answer):
    """What was created: the account, its CSNs, users and subscriptions (in the spec's order)."""

    id: int
    name: str
    country: str
    today: date | None = Field(description="The account's own today, or null")
    csns: list[Annotated[str, CSN]]
    users: list[CreatedUser]
    subscriptions: list[CreatedSubscription] = Field(repr=False)


class SubscriptionState(SubscriptionFacts):
    """A subscription as the account sees it today."""

    renewal_date: date = Field(description="The anniversary in force today")
    status: Annotated[str, STATUS] = Field(description="As displayed today")
    eligible: bool
    reason: str | None = Field(
        description="Why not, in the account's first user's language, its date in ISO form, e.g. 'Renewal opens on 2027-01-05'"
    )


class ClockSet(Answer):
    """The account's clock after the change."""

    id: int
    today: date | None = Field(description="The account's own today, or null")
    effective_today: date = Field(description="The date the account now sees")


class Order(Answer):
    """An order of the account."""

    number: str
    status: Annotated[str, one_of(ORDER_STATUSES)]
    subscriptions: list[str]
    csn: str
    currency: Annotated[str, CURRENCY]
    payment_method: Annotated[str, PAYMENT_METHOD]
    total: str = Field(pattern=r"^[0-9]+(\.[0-9]+)?$", description="e.g. '2118.19', '298100'")
    total_minor: int
    placed_on: date = Field(description="Date of the order")
    payment_number: str | None
    payment_deadline: date | None = Field(description="Konbini / ATM deadline")
    paid_on: date | None = Field(description="When the payment was recorded")


class AccountFaults(Answer):
    """The faults injected on one account."""

    id: int
    payment_declined: bool
    smtp_unavailable: bool


class RuleState(Answer):
    """Where a portal-wide fault applies."""

    route: str
    methods: list[str] | None = Field(description="null: every method")
    account_id: int | None = Field(description="null: every visitor")


class LatencyState(RuleState):
    """Added latency in force."""

    ms: int


class ErrorState(RuleState):
    """An injected server error in force."""

    status: int


class PortalFaults(Answer):
    """The portal-wide faults in force."""

    latency: list[LatencyState]
    errors: list[ErrorState]


class RemindersSent(Answer):
    """How many reminders the job sent."""

    sent: int


class Error(Answer):
    """A refusal: what was wrong and what to do, naming the field where there is one."""

    error: str
    status: int
