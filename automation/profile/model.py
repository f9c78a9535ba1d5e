"""The portal profile: every section of one portal's vocabulary, and what the harness asks of it (labels of codes,
dates and money as the page writes them, email subjects, transaction names)."""

from __future__ import annotations

import re
import string
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, PrivateAttr, StringConstraints

from automation.profiles import ORDER_STATUSES, PAYMENT_METHODS, STATUSES, TERMS, language_of
from automation.rules.eligibility import Reason

from .patterns import Model, Name, locale_tag, pattern_check, placeholders, text_regex
from .sections import (
    BulkNames,
    CartNames,
    CheckoutNames,
    ConfirmationNames,
    CurrencyCode,
    Dates,
    DetailNames,
    Emails,
    MailCatcherNames,
    Money,
    NavigationNames,
    OrderHistoryNames,
    OrderStatuses,
    PaymentMethods,
    Reasons,
    SignInNames,
    Statuses,
    SubscriptionsNames,
    Terms,
)


class PortalProfile(Model):
    """Everything the harness needs to know of how one portal words the contract."""

    name: Name
    description: str = ""
    # The portal's language as a BCP 47 tag: browser contexts send it (Accept-Language) and accounts made through the
    # test API get users of its language, so the portal speaks what this profile describes.
    locale: Annotated[str, AfterValidator(locale_tag)] = "en-US"
    # The query parameter with which a page asks the portal for a language for this browser (the mock's ?lang=fr,
    # which beats a user's saved language); None when the portal has none and follows Accept-Language alone.
    language_query: Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$")] | None = None
    transaction: Annotated[
        str, pattern_check("csn", "currency", "payment_method", required=("csn", "currency", "payment_method"))
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
