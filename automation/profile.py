"""A portal profile: the vocabulary of one portal that keeps the renewal contract, read from a TOML file.

Page objects take every accessible name, column header and label from the profile, so the harness judges another
portal (a staging copy, a localized variant) by loading another profile, not by editing code. The file is checked
on load; a bad one raises ProfileError naming the file, the field and what is wrong."""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    model_validator,
)

from automation.profiles import DEFAULT_PROFILE, ORDER_STATUSES, PAYMENT_METHODS, STATUSES, TERMS, language_of
from automation.rules.eligibility import Reason

PROFILES_DIR = Path(__file__).with_name("profiles")


class ProfileError(ValueError):
    """A profile that can't be used: no such file, not TOML, or a field missing, unknown or of the wrong kind."""

    def __init__(self, source: Path | str, problems: list[tuple[str, str]]) -> None:
        self.source, self.problems = str(source), problems
        shown = [f"{field}: {problem}" if field else problem for field, problem in problems]
        if len(shown) == 1:
            message = f"portal profile {self.source}: {shown[0]}"
        else:
            message = f"portal profile {self.source} has {len(shown)} problems:\n" + "\n".join(f"  - {s}" for s in shown)
        super().__init__(message)


# --- patterns: text with {placeholders} --------------------------------------------------------------------------


def placeholders(pattern: str) -> list[str]:
    """The placeholders of a pattern in order, e.g. ["csn", "currency", "payment_method"]."""
    return [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]


def _pattern(*allowed: str, required: tuple[str, ...] = ()) -> AfterValidator:
    """Checks a pattern: only the `allowed` placeholders, each `required` one present (the harness reads it back)."""

    def check(text: str) -> str:
        try:
            names = placeholders(text)
        except ValueError as error:
            raise ValueError(f"{text!r} is not a valid pattern ({error}); write a literal brace as {{{{ or }}}}") from None
        if unknown := [n for n in names if n not in allowed]:
            may = ", ".join(f"{{{a}}}" for a in allowed) or "no placeholder"
            raise ValueError(f"{text!r} has the unknown placeholder {{{unknown[0]}}}; it may use {may}")
        if missing := [r for r in required if r not in names]:
            raise ValueError(f"{text!r} lacks {{{missing[0]}}}, which the harness needs to read it back")
        return text

    return AfterValidator(check)


def _plain(text: str) -> str:
    if not text.strip() or text != text.strip():
        raise ValueError(f"{text!r} must be a name as shown: not empty, no leading or trailing spaces")
    return text


def text_regex(
    pattern: str, parts: Mapping[str, str] | None = None, *, named: bool = True, whole: bool = True
) -> re.Pattern[str]:
    """A regular expression that reads `pattern` back: its literal text (a run of spaces matches any whitespace) and
    each {placeholder} as the expression `parts` gives (any text by default), a named group when `named`. With
    `named=False` it is also a JavaScript regular expression, for Playwright locators."""
    parts = parts or {}
    out, seen = [], set()
    for literal, name, _, _ in string.Formatter().parse(pattern):
        out.append(r"\s+".join(re.escape(word) for word in re.split(r"\s+", literal)))
        if name is None:
            continue
        expression = parts.get(name, ".+?")
        if not named:
            out.append(f"(?:{expression})")
        elif name in seen:
            out.append(f"(?P={name})")
        else:
            out.append(f"(?P<{name}>{expression})")
            seen.add(name)
    body = "".join(out)
    return re.compile(f"^\\s*{body}\\s*$" if whole else body)


def _locale(text: str) -> str:
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*", text):
        raise ValueError(f"{text!r} is not a BCP 47 locale; write e.g. en-US, fr-FR or ja-JP")
    return text


Name = Annotated[str, AfterValidator(_plain)]
"""An accessible name, header or label exactly as the portal shows it."""


class _Model(BaseModel):
    # strict: a number where a name belongs is an error, not a silent "3"
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


# --- formats ------------------------------------------------------------------------------------------------------


class Dates(_Model):
    """How the page writes a date: `pattern` with {year}, {month} (a name from `months`), {month_number}, {day};
    a format spec pads, e.g. {day:02d}."""

    pattern: Annotated[str, _pattern("year", "month", "month_number", "day", required=("year", "day"))]
    months: list[Name] = Field(default_factory=list)

    @model_validator(mode="after")
    def _twelve_months(self) -> Dates:
        if "month" in placeholders(self.pattern) and len(self.months) != 12:
            raise ValueError(f"the pattern uses {{month}}, so `months` needs 12 names, January first; it has {len(self.months)}")
        return self


class Money(_Model):
    """How the page writes an amount of one currency, e.g. "$1,975.00" or "¥298,100"."""

    symbol: Name
    pattern: Annotated[str, _pattern("symbol", "amount", required=("amount",))]  # where the symbol goes
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


class Terms(_Model):
    monthly: Name
    annual: Name
    three_year: Name


class Statuses(_Model):
    active: Name
    expired: Name
    cancelled: Name


class OrderStatuses(_Model):
    complete: Name
    awaiting_payment: Name


class PaymentMethods(_Model):
    credit_card: Name
    paypal: Name
    direct_debit: Name
    konbini: Name
    atm_bank_transfer: Name


ReasonText = Annotated[str, _pattern("date")]


class Reasons(_Model):
    """Why a subscription offers no Renew, one per automation.rules.Reason; {date} is written in the page's format."""

    cancelled: ReasonText
    retired_product: ReasonText
    monthly: ReasonText
    already_renewed: ReasonText
    awaiting_payment: ReasonText
    not_yet_open: ReasonText
    closed: ReasonText


class Emails(_Model):
    """Subjects of the portal's emails; `dates` says how a {date} in them is written (ISO or the page's format)."""

    order_confirmation: Annotated[str, _pattern("order", required=("order",))]
    renewal_reminder: Annotated[str, _pattern("number", "date", "product", required=("number",))]
    # How a confirmation email's line for a subscription states its (unchanged) renewal date; {date} in ISO form.
    renewal_date: Annotated[str, _pattern("date", required=("date",))]
    dates: Literal["iso", "page"]


# --- accessible names, page by page -------------------------------------------------------------------------------


class SignInNames(_Model):
    heading: Name
    email: Name
    password: Name
    submit: Name


class NavigationNames(_Model):
    """The Billing and orders navigation of every signed-in page."""

    landmark: Name
    subscriptions: Name
    cart: Name
    order_history: Name


class SubscriptionColumns(_Model):
    product: Name
    number: Name
    csn: Name
    term: Name
    seats: Name
    payment_method: Name
    renewal_date: Name
    status: Name
    renewal: Name  # holds Renew, or the reason there is none


class SubscriptionsNames(_Model):
    heading: Name
    bulk_actions: Name
    bulk_renew: Name  # the Bulk actions menu item
    renew: Name
    today: Annotated[str, _pattern("date", required=("date",))]  # the note stating the account's today
    filters: Name
    search: Name
    apply_filters: Name
    pagination: Name
    next_page: Name
    columns: SubscriptionColumns


class DetailFacts(_Model):
    number: Name
    csn: Name
    term: Name
    seats: Name
    payment_method: Name
    currency: Name
    renewal_date: Name
    renewed_through: Name
    status: Name


class DetailNames(_Model):
    renew: Name
    facts: DetailFacts


class BulkNames(_Model):
    heading: Name
    select_all: Name
    selected_count: Annotated[str, _pattern("count", required=("count",))]
    limit_warning: Annotated[str, _pattern("limit")]
    renew_selected: Name
    show_more: Annotated[str, _pattern("count")]


class LineColumns(_Model):
    """The cart's and the checkout's transaction tables (one layout)."""

    product: Name
    number: Name
    seats: Name
    unit_price: Name
    line_total: Name


class CartNames(_Model):
    heading: Name
    check_out: Name
    remove: Annotated[str, _pattern("number", required=("number",))]
    columns: LineColumns


class CheckoutNames(_Model):
    heading: Name
    payment_on_file: Name  # the text before the payment method's label
    renew_now: Name
    place_order: Name


class ConfirmationColumns(_Model):
    product: Name
    number: Name
    renewal_date: Name
    renewed_through: Name
    renews_through_once_paid: Name  # the same column for an order awaiting payment


class ConfirmationNames(_Model):
    order: Annotated[str, _pattern("order", required=("order",))]  # each order's region
    columns: ConfirmationColumns


class OrderHistoryColumns(_Model):
    number: Name
    placed: Name
    csn: Name
    payment_method: Name
    subscriptions: Name
    total: Name
    status: Name


class OrderHistoryNames(_Model):
    heading: Name
    columns: OrderHistoryColumns


class InboxColumns(_Model):
    sender: Name = "From"
    to: Name = "To"
    subject: Name = "Subject"
    received: Name = "Received"


class MailCatcherNames(_Model):
    """The embedded mail catcher's pages: the same whatever the portal's language, so a profile may leave them out."""

    inbox: Name = "Inbox"
    text_body: Name = "Text body"
    back: Name = "Back to the inbox"
    columns: InboxColumns = InboxColumns()


# --- the profile ----------------------------------------------------------------------------------------------------


class PortalProfile(_Model):
    """Everything the harness needs to know of how one portal words the contract."""

    name: Name
    description: str = ""
    # The portal's language as a BCP 47 tag: browser contexts send it (Accept-Language) and accounts made through the
    # test API get users of its language, so the portal speaks what this profile describes.
    locale: Annotated[str, AfterValidator(_locale)] = "en-US"
    # The query parameter with which a page asks the portal for a language for this browser (the mock's ?lang=fr,
    # which beats a user's saved language); None when the portal has none and follows Accept-Language alone.
    language_query: Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$")] | None = None
    transaction: Annotated[
        str, _pattern("csn", "currency", "payment_method", required=("csn", "currency", "payment_method"))
    ]  # how a (CSN, currency, payment method) group is named: bulk legends, cart captions, order summaries
    dates: Dates
    money: dict[CurrencyCode, Money]
    terms: Terms
    statuses: Statuses
    order_statuses: OrderStatuses
    payment_methods: PaymentMethods
    reasons: Reasons
    emails: Emails
    sign_in: SignInNames
    navigation: NavigationNames
    subscriptions: SubscriptionsNames
    detail: DetailNames
    bulk: BulkNames
    cart: CartNames
    checkout: CheckoutNames
    confirmation: ConfirmationNames
    order_history: OrderHistoryNames
    mail_catcher: MailCatcherNames = MailCatcherNames()

    _source: Path | None = PrivateAttr(default=None)

    @property
    def source(self) -> Path | None:
        """The file the profile was read from."""
        return self._source

    @property
    def language(self) -> str:
        """The language subtag of the profile's locale ("fr-FR" → "fr"), as the test API's user `locale` takes it."""
        return language_of(self.locale)

    def ask_for_language(self, url: str) -> str:
        """`url` asking the portal for the profile's language, when the portal has a way (…/login?lang=fr)."""
        if self.language_query is None:
            return url
        return f"{url}{'&' if '?' in url else '?'}{self.language_query}={self.language}"

    # dates and money

    def format_date(self, day: date) -> str:
        """A date as the page writes it, e.g. "Jan 5, 2027"."""
        month = self.dates.months[day.month - 1] if self.dates.months else ""
        return self.dates.pattern.format(year=day.year, month=month, month_number=day.month, day=day.day)

    def format_money(self, minor: int, currency: str) -> str:
        """An amount in minor units (cents, yen) as the page writes it, e.g. 197500 USD → "$1,975.00"."""
        money = self._money(currency)
        digits = str(abs(minor)).rjust(money.minor_digits + 1, "0")
        whole, fraction = (digits[: -money.minor_digits], digits[-money.minor_digits :]) if money.minor_digits else (digits, "")
        groups = [whole[max(0, end - 3) : end] for end in range(len(whole), 0, -3)][::-1]
        amount = money.group_separator.join(groups) + (money.decimal_separator + fraction if fraction else "")
        return ("-" if minor < 0 else "") + money.pattern.format(symbol=money.symbol, amount=amount)

    def parse_money(self, text: str, currency: str) -> int:
        """Minor units of an amount as the page writes it ("$1,975.00" → 197500); ValueError when it isn't one."""
        money = self._money(currency)
        plain = text.strip().replace(money.symbol, "")
        if money.group_separator:
            plain = plain.replace(money.group_separator, "")
        plain = "".join(plain.split()).replace(money.decimal_separator, ".")
        try:
            amount = Decimal(plain)
        except InvalidOperation:
            raise ValueError(f"{text!r} is not an amount of {currency} as {self.name} writes it") from None
        minor = amount.scaleb(money.minor_digits)
        if minor != minor.to_integral_value():
            raise ValueError(f"{text!r} has more than {money.minor_digits} decimals for {currency}")
        return int(minor)

    def _money(self, currency: str) -> Money:
        try:
            return self.money[currency]
        except KeyError:
            problem = f"the portal profile {self.name} has no money format for {currency}; add [money.{currency}]"
            raise ValueError(problem) from None

    # labels of codes

    def term_label(self, code: str) -> str:
        """The label of a term code ("three_year" → "3-year"); anything else is returned as it is."""
        return _label(self.terms, TERMS, code)

    def term_code(self, label: str) -> str:
        """The code of a term label ("3-year" → "three_year"); anything else is returned as it is."""
        return _code(self.terms, TERMS, label)

    def status_label(self, code: str) -> str:
        """The label of a subscription status code ("active" → "Active")."""
        return _label(self.statuses, STATUSES, code)

    def status_code(self, label: str) -> str:
        """The code of a subscription status label ("Active" → "active")."""
        return _code(self.statuses, STATUSES, label)

    def order_status_label(self, code: str) -> str:
        """The label of an order status code ("awaiting_payment" → "Awaiting payment")."""
        return _label(self.order_statuses, ORDER_STATUSES, code)

    def payment_label(self, code: str) -> str:
        """The label of a payment method code ("credit_card" → "Credit card"); a label is returned as it is."""
        return _label(self.payment_methods, PAYMENT_METHODS, code)

    def payment_code(self, label: str) -> str:
        """The code of a payment method label ("Credit card" → "credit_card"); anything else is returned as it is."""
        return _code(self.payment_methods, PAYMENT_METHODS, label)

    def payment_labels(self) -> list[str]:
        """Every payment method label, longest first (so a prefix never shadows a longer label)."""
        return sorted((self.payment_label(code) for code in PAYMENT_METHODS), key=len, reverse=True)

    # sentences

    def reason_text(self, reason: Reason | str, reason_date: date | None = None) -> str:
        """Why a subscription offers no Renew, as the page words it ("Renewal opens on Jan 5, 2027")."""
        pattern = getattr(self.reasons, Reason(reason).value)
        if "date" in placeholders(pattern) and reason_date is None:
            raise ValueError(f"the reason {Reason(reason).value} names a date: pass reason_date")
        return pattern.format(date=self.format_date(reason_date) if reason_date else "")

    def confirmation_subject(self, order_number: str) -> str:
        """The subject of an order's confirmation email ("Order confirmation 1234")."""
        return self.emails.order_confirmation.format(order=order_number)

    def reminder_subject(self, number: str, renewal_date: date, product: str = "") -> str:
        """The subject of a subscription's renewal reminder."""
        when = renewal_date.isoformat() if self.emails.dates == "iso" else self.format_date(renewal_date)
        return self.emails.renewal_reminder.format(number=number, date=when, product=product)

    def confirmation_subject_prefix(self) -> str:
        """The fixed start of every confirmation subject ("Order confirmation"), to search a mailbox by."""
        return _prefix(self.emails.order_confirmation)

    def reminder_subject_prefix(self) -> str:
        """The fixed start of every reminder subject ("Renewal reminder: subscription")."""
        return _prefix(self.emails.renewal_reminder)

    def transaction_name(self, csn: str, currency: str, payment_method: str) -> str:
        """How the page names a transaction; `payment_method` is a code or a label."""
        return self.transaction.format(csn=csn, currency=currency, payment_method=self.payment_label(payment_method))

    def transaction_regex(self, *, named: bool = True, whole: bool = True, **given: str) -> re.Pattern[str]:
        """Reads a transaction's name back (groups csn, currency, payment_method); `given` parts must match as given
        (a payment method by code or label)."""
        labels = "|".join(re.escape(label) for label in self.payment_labels())
        parts = {"csn": r"\S+", "currency": r"\S+", "payment_method": f"{labels}|.+?"}
        if "payment_method" in given:
            given = {**given, "payment_method": self.payment_label(given["payment_method"])}
        parts |= {key: re.escape(value) for key, value in given.items()}
        return text_regex(self.transaction, parts, named=named, whole=whole)


def _label(labels: BaseModel, codes: tuple[str, ...], code: str) -> str:
    return str(getattr(labels, code)) if code in codes else code


def _code(labels: BaseModel, codes: tuple[str, ...], label: str) -> str:
    return next((code for code in codes if getattr(labels, code) == label), label)


def _prefix(pattern: str) -> str:
    for literal, _, _, _ in string.Formatter().parse(pattern):
        return literal.rstrip(" :·-")
    return ""


def headers(columns: BaseModel) -> dict[str, str]:
    """Column header → field name, the header in lower case with its spaces collapsed, as the page readers compare."""
    return {" ".join(str(header).split()).lower(): field for field, header in columns.model_dump().items()}


# --- loading -------------------------------------------------------------------------------------------------------


def load_profile(path: str | Path | None = None) -> PortalProfile:
    """Read and check a profile: a TOML file, or the name of one shipped with the harness ("mock-en"); None gives
    the default profile (the mock portal in English). Raises ProfileError saying what is wrong and where."""
    source = _resolve(path)
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        shipped = ", ".join(sorted(p.stem for p in PROFILES_DIR.glob("*.toml")))
        raise ProfileError(source, [("", f"no such file (give a path to a .toml profile, or one of: {shipped})")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError(source, [("", f"cannot be read ({error})")]) from None
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(source, [("", f"is not valid TOML: {error}")]) from None
    try:
        profile = PortalProfile.model_validate(data)
    except ValidationError as error:
        raise ProfileError(source, [(_where(e["loc"]), _what(e)) for e in error.errors()]) from None
    profile._source = source
    return profile


@cache
def default_profile() -> PortalProfile:
    """The default profile, read once: the mock portal in English."""
    return load_profile(None)


def _resolve(path: str | Path | None) -> Path:
    if path is None:
        return PROFILES_DIR / f"{DEFAULT_PROFILE}.toml"
    given = Path(path)
    shipped = PROFILES_DIR / f"{given.name}.toml"
    if not given.suffix and not given.exists() and given.name == str(path) and shipped.exists():
        return shipped
    return given


def _where(loc: tuple[int | str, ...]) -> str:
    where = ""
    for part in loc:
        if isinstance(part, int):
            where += f"[{part}]"
        elif part != "[key]":
            where += f".{part}" if where else str(part)
    return where or "(top level)"


_TOML_TYPES: dict[type, str] = {
    str: "a string", bool: "a boolean", int: "an integer", float: "a float", dict: "a table", list: "an array",
}  # fmt: skip
_EXPECTED: dict[str, str] = {
    "string_type": "a string",
    "int_type": "an integer",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "dict_type": "a table",
    "list_type": "an array",
    "literal_error": "",
}
_DESCRIBE: dict[str, Callable[[dict[str, Any]], str]] = {
    "missing": lambda e: "missing: this key is required",
    "extra_forbidden": lambda e: f"unknown key (set to {e['input']!r}): not part of a portal profile; check its spelling",
}


def _what(error: Any) -> str:
    kind = error["type"]
    if kind in _DESCRIBE:
        return _DESCRIBE[kind](error)
    given = error.get("input")
    got = f"{_TOML_TYPES.get(type(given), type(given).__name__)} {given!r}"
    if kind in _EXPECTED and _EXPECTED[kind]:
        return f"wrong type: expected {_EXPECTED[kind]}, got {got}"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    return f"{error['msg']} (got {got})"
