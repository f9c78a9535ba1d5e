"""What `POST /__test__/accounts` takes (and create_account, for tests and the demo): the account spec as pydantic
models. Every field may be omitted or null; generation makes up or defaults what is left out."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Self

from pydantic import Field, model_validator

from ..catalog import products, tax_rates
from ..i18n import DEFAULT_LOCALE, LOCALES
from ..rules.money import CURRENCY_EXPONENTS
from ..rules.payment import MANUAL_ONLY_METHODS, PAYMENT_METHODS, is_manual_only
from ..rules.terms import TERMS
from .fields import DAY, FLAG, MAILBOX, Items, Spec, digits, one_of, refusal, text, whole

MAX_SUBSCRIPTIONS = 10_000
MAX_USERS = 20
MAX_SEATS = 10_000
MAX_DAYS = 3650
STATUSES = ("active", "expired", "cancelled")
DEFAULT_COUNTRY = "US"
CSN = digits(10, "a CSN")
COUNTRY = one_of(tax_rates())
CURRENCY = one_of(CURRENCY_EXPONENTS)
PAYMENT_METHOD = one_of(PAYMENT_METHODS)
PRODUCT = one_of(products())
TERM = one_of(TERMS)
STATUS = one_of(STATUSES)
LOCALE = one_of(LOCALES)
ANCHOR_DAY = whole(1, 31)


class UserSpec(Spec):
    """A user of the account."""

    email: Annotated[str, MAILBOX] | None = Field(default=None, description="Unique across the portal; made up when omitted")
    password: Annotated[str, text(200, strip=False)] | None = Field(default=None, description="Made up when omitted")
    name: Annotated[str, text(200)] | None = Field(default=None, description="The person's name; made up when omitted")
    locale: Annotated[str, LOCALE] | None = Field(
        default=None,
        description=f"The language of the user's pages once signed in and of their emails; default {DEFAULT_LOCALE}",
    )


# What the validators below refuse, for the document (so generated cases rarely trip over them).
_EXCLUSIVE_RULES: list[dict[str, Any]] = [
    {
        "not": {
            "required": ["renewal_date", "renewal_in_days"],
            "properties": {"renewal_date": {"type": "string"}, "renewal_in_days": {"type": "integer"}},
        }
    },
    {
        "not": {
            "required": ["payment_method", "auto_renew"],
            "properties": {"payment_method": {"enum": sorted(MANUAL_ONLY_METHODS)}, "auto_renew": {"enum": [True]}},
        },
        "description": "Konbini and ATM bank transfer can't renew automatically (R4)",
    },
]


class SubscriptionSpec(Spec, json_schema_extra={"allOf": _EXCLUSIVE_RULES}):
    """A subscription of the account. Every field is optional; omitted ones are made up or defaulted."""

    product: Annotated[str, PRODUCT] | None = Field(default=None, description="Product code; default a random product still sold")
    csn: Annotated[str, CSN] | None = Field(
        default=None,
        description="Created for this account if new; refused if another account owns it. "
        "Default: the account's first CSN of the subscription's country",
    )
    country: Annotated[str, COUNTRY] | None = Field(
        default=None, description="Country of the subscription's CSN; default the account's"
    )
    currency: Annotated[str, CURRENCY] | None = Field(default=None, description="Default: the CSN country's currency, else USD")
    payment_method: Annotated[str, PAYMENT_METHOD] | None = Field(default=None, description="Default credit_card")
    term: Annotated[str, TERM] | None = Field(default=None, description="Default annual")
    seats: Annotated[int, whole(1, MAX_SEATS)] | None = Field(default=None, description="Default a random 1 to 10")
    status: Annotated[str, STATUS] | None = Field(default=None, description="Default active")
    auto_renew: Annotated[bool, FLAG] | None = Field(default=None, description="Default false")
    renewal_date: Annotated[date, DAY] | None = Field(default=None, description="The anniversary; default today + 30 days")
    renewal_in_days: Annotated[int, whole(-MAX_DAYS, MAX_DAYS)] | None = Field(
        default=None, description="The anniversary relative to the account's today"
    )
    renewed: Annotated[bool, FLAG] | None = Field(
        default=None, description="Already renewed for the coming term (renewed_through = renewal_date + term)"
    )
    anchor_day: Annotated[int, ANCHOR_DAY] | None = Field(
        default=None,
        description="The day of the month the anniversary keeps (default the renewal date's day). The renewal date "
        "must be this day clamped to its month: 2029-02-28 takes 28 to 31, 2029-03-28 only 28",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.renewal_date is not None and self.renewal_in_days is not None:
            raise refusal(
                "renewal_date and renewal_in_days are mutually exclusive; give one of them "
                f"(got {self.renewal_date.isoformat()!r} and {self.renewal_in_days})",
                at="renewal_date",
            )
        if self.auto_renew and self.payment_method and is_manual_only(self.payment_method):
            raise refusal(
                f"true is not allowed with payment_method {self.payment_method!r}: Konbini and ATM bank transfer "
                "can't renew automatically (R4); set auto_renew to false or choose another payment method",
                at="auto_renew",
            )
        return self


class AccountSpec(Spec):
    """An account to create with its users, CSNs and subscriptions; omitted values are made up."""

    name: Annotated[str, text(200)] | None = Field(default=None, description="Company name; made up when omitted")
    country: Annotated[str, COUNTRY] | None = Field(default=None, description=f"Default {DEFAULT_COUNTRY}")
    today: Annotated[date, DAY] | None = Field(default=None, description="The account's own today; default the portal's")
    users: Annotated[list[UserSpec], Items(1, MAX_USERS, "users")] | None = Field(
        default=None, description="Default one made-up user"
    )
    subscriptions: Annotated[list[SubscriptionSpec], Items(0, MAX_SUBSCRIPTIONS, "subscriptions")] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        seen: set[str] = set()
        for i, user in enumerate(self.users or []):
            if user.email is not None and user.email.lower() in seen:
                raise refusal(f"{user.email!r} appears twice; give each user its own email", at=f"users[{i}].email")
            if user.email is not None:
                seen.add(user.email.lower())
        given = self.csn_countries()
        for i, sub in enumerate(self.subscriptions or []):
            if sub.csn is not None and sub.country is not None and sub.country != given[sub.csn]:
                raise refusal(
                    f"{sub.country!r} conflicts with CSN {sub.csn}'s country {given[sub.csn]!r}; one CSN has one country",
                    at=f"subscriptions[{i}].country",
                )
        return self

    def csn_countries(self) -> dict[str, str]:
        """The CSNs the spec names, in order, with their countries (their first subscription's, else the account's)."""
        given: dict[str, str] = {}
        for sub in self.subscriptions or []:
            if sub.csn is not None:
                given.setdefault(sub.csn, sub.country or self.country or DEFAULT_COUNTRY)
        return given
