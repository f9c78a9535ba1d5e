"""The sections of a portal profile, one pydantic model each: how dates and money are written, the labels of the
contract's codes, the reasons and email subjects, and the accessible names of each page."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .patterns import Model, Name, pattern_check, placeholders

# --- formats ------------------------------------------------------------------------------------------------------


class Dates(Model):
    """How the page writes a date: `pattern` with {year}, {month} (a name from `months`), {month_number}, {day};
    a format spec pads, e.g. {day:02d}."""

    pattern: Annotated[str, pattern_check("year", "month", "month_number", "day", required=("year", "day"))]
    months: list[Name] = Field(default_factory=list)

    @model_validator(mode="after")
    def _twelve_months(self) -> Dates:
        if "month" in placeholders(self.pattern) and len(self.months) != 12:
            raise ValueError(f"the pattern uses {{month}}, so `months` needs 12 names, January first; it has {len(self.months)}")
        return self


class Money(Model):
    """How the page writes an amount of one currency, e.g. "$1,975.00" or "¥298,100"."""

    symbol: Name
    pattern: Annotated[str, pattern_check("symbol", "amount", required=("amount",))]  # where the symbol goes
    group_separator: str  # between groups of three digits ("" for none)
    decimal_separator: str
    minor_digits: Annotated[int, Field(ge=0, le=4)]

    @model_validator(mode="after")
    def _separators_differ(self) -> Money:
        if self.minor_digits and self.group_separator == self.decimal_separator:
            raise ValueError(f"group_separator and decimal_separator are both {self.decimal_separator!r}; they must differ")
        return self


CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


# --- labels of the contract's codes -------------------------------------------------------------------------------


class Terms(Model):
    monthly: Name
    annual: Name
    three_year: Name


class Statuses(Model):
    active: Name
    expired: Name
    cancelled: Name


class OrderStatuses(Model):
    complete: Name
    awaiting_payment: Name


class PaymentMethods(Model):
    credit_card: Name
    paypal: Name
    direct_debit: Name
    konbini: Name
    atm_bank_transfer: Name


ReasonText = Annotated[str, pattern_check("date")]


class Reasons(Model):
    """Why a subscription offers no Renew, one per automation.rules.Reason; {date} is written in the page's format."""

    cancelled: ReasonText
    retired_product: ReasonText
    monthly: ReasonText
    already_renewed: ReasonText
    awaiting_payment: ReasonText
    not_yet_open: ReasonText
    closed: ReasonText


class Emails(Model):
    """Subjects of the portal's emails; `dates` says how a {date} in them is written (ISO or the page's format)."""

    order_confirmation: Annotated[str, pattern_check("order", required=("order",))]
    renewal_reminder: Annotated[str, pattern_check("number", "date", "product", required=("number",))]
    # How a confirmation email's line for a subscription states its (unchanged) renewal date; {date} in ISO form.
    renewal_date: Annotated[str, pattern_check("date", required=("date",))]
    dates: Literal["iso", "page"]


# --- accessible names, page by page -------------------------------------------------------------------------------


class SignInNames(Model):
    heading: Name
    email: Name
    password: Name
    submit: Name


class NavigationNames(Model):
    """The Billing and orders navigation of every signed-in page."""

    landmark: Name
    subscriptions: Name
    cart: Name
    order_history: Name


class SubscriptionColumns(Model):
    product: Name
    number: Name
    csn: Name
    term: Name
    seats: Name
    payment_method: Name
    renewal_date: Name
    status: Name
    renewal: Name  # holds Renew, or the reason there is none


class SubscriptionsNames(Model):
    heading: Name
    bulk_actions: Name
    bulk_renew: Name  # the Bulk actions menu item
    renew: Name
    today: Annotated[str, pattern_check("date", required=("date",))]  # the note stating the account's today
    filters: Name
    search: Name
    apply_filters: Name
    pagination: Name
    next_page: Name
    columns: SubscriptionColumns


class DetailFacts(Model):
    number: Name
    csn: Name
    term: Name
    seats: Name
    payment_method: Name
    currency: Name
    renewal_date: Name
    renewed_through: Name
    status: Name


class DetailNames(Model):
    renew: Name
    facts: DetailFacts


class BulkNames(Model):
    heading: Name
    select_all: Name
    selected_count: Annotated[str, pattern_check("count", required=("count",))]
    limit_warning: Annotated[str, pattern_check("limit")]
    renew_selected: Name
    show_more: Annotated[str, pattern_check("count")]


class LineColumns(Model):
    """The cart's and the checkout's transaction tables (one layout)."""

    product: Name
    number: Name
    seats: Name
    unit_price: Name
    line_total: Name


class CartNames(Model):
    heading: Name
    check_out: Name
    remove: Annotated[str, pattern_check("number", required=("number",))]
    columns: LineColumns


class CheckoutNames(Model):
    heading: Name
    payment_on_file: Name  # the text before the payment method's label
    renew_now: Name
    place_order: Name


class ConfirmationColumns(Model):
    product: Name
    number: Name
    renewal_date: Name
    renewed_through: Name
    renews_through_once_paid: Name  # the same column for an order awaiting payment


class ConfirmationNames(Model):
    order: Annotated[str, pattern_check("order", required=("order",))]  # each order's region
    columns: ConfirmationColumns


class OrderHistoryColumns(Model):
    number: Name
    placed: Name
    csn: Name
    payment_method: Name
    subscriptions: Name
    total: Name
    status: Name


class OrderHistoryNames(Model):
    heading: Name
    columns: OrderHistoryColumns


class InboxColumns(Model):
    sender: Name = "From"
    to: Name = "To"
    subject: Name = "Subject"
    received: Name = "Received"


class MailCatcherNames(Model):
    """The embedded mail catcher's pages: the same whatever the portal's language, so a profile may leave them out."""

    inbox: Name = "Inbox"
    text_body: Name = "Text body"
    back: Name = "Back to the inbox"
    columns: InboxColumns = InboxColumns()
