"""The steps of a scenario, in the order they run, each tagged by `do`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Discriminator, Field, model_validator

from ..profiles import PAYMENT_METHODS
from ..rules import MINOR_UNITS
from .account import Label
from .base import Slug, Strict, Words, one_of

Names = Annotated[list[Slug], Field(min_length=1, max_length=10_000)]


class SignIn(Strict):
    """Sign in as the account's user."""

    do: Literal["sign_in"]


class OpenSubscriptions(Strict):
    """Open Billing and orders › Subscriptions and contracts, optionally filtered by a text."""

    do: Literal["open_subscriptions"]
    filter: Annotated[str, Field(min_length=1, max_length=100)] | None = None


class Renew(Strict):
    """Renew the named subscriptions one by one into the cart (Renew now ticked at checkout when early, R6)."""

    do: Literal["renew"]
    subscriptions: Names
    renew_now: bool = True


class Group(Strict):
    """One bulk-renewal group (R7): any of CSN label, currency and payment method; the ones given must match."""

    csn: Label | None = None
    currency: str | None = None
    payment_method: str | None = None

    @model_validator(mode="after")
    def _something(self) -> Group:
        if self.csn is None and self.currency is None and self.payment_method is None:
            raise ValueError("a group needs at least one of csn, currency, payment_method")
        if self.payment_method is not None:
            one_of(self.payment_method, PAYMENT_METHODS, "payment method")
        if self.currency is not None:
            one_of(self.currency, list(MINOR_UNITS), "currency")
        return self


class BulkRenew(Strict):
    """Bulk actions › Renew: every renewable subscription of a group, or the named ones; split by the portal."""

    do: Literal["bulk_renew"]
    group: Group | None = None
    subscriptions: Names | None = None
    renew_now: bool = True

    @model_validator(mode="after")
    def _one_selection(self) -> BulkRenew:
        if (self.group is None) == (self.subscriptions is None):
            raise ValueError("give either group or subscriptions (exactly one) to say what to renew")
        return self


class PlaceOrder(Strict):
    """Check out the cart; `id` names the order(s) for a later record_payment."""

    do: Literal["place_order"]
    id: Slug | None = None


class RecordPayment(Strict):
    """Record the Konbini / ATM payment of the order placed by the place_order step with this `order` id."""

    do: Literal["record_payment"]
    order: Slug


class RunReminders(Strict):
    """Run the portal's renewal-reminder job."""

    do: Literal["run_reminders"]


class OpenInbox(Strict):
    """Open the mailbox's inbox."""

    do: Literal["open_inbox"]


class OpenEmail(Strict):
    """Open the first email in the inbox whose subject contains `subject`."""

    do: Literal["open_email"]
    subject: Annotated[str, Field(min_length=1, max_length=200)]


class Caption(Strict):
    """Words shown on screen for `seconds`."""

    do: Literal["caption"]
    text: Words
    seconds: Annotated[float, Field(ge=0.5, le=30)] = 3.0


class Chapter(Strict):
    """A chapter card: a title and a line of text."""

    do: Literal["chapter"]
    title: Annotated[str, Field(min_length=1, max_length=120)]
    text: Annotated[str, Field(max_length=500)] = ""


Step = Annotated[
    SignIn
    | OpenSubscriptions
    | Renew
    | BulkRenew
    | PlaceOrder
    | RecordPayment
    | RunReminders
    | OpenInbox
    | OpenEmail
    | Caption
    | Chapter,
    Discriminator("do"),
]
NEEDS_SIGN_IN = (OpenSubscriptions, Renew, BulkRenew, PlaceOrder)  # pages behind the sign-in; mail and test API are not
