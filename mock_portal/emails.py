"""The text of the emails the portal sends: order confirmations and renewal reminders, each in its recipient's
language (composed under flask_babel.force_locale, which needs an app context; without one they are in English).
Dates stay in ISO form in every language, as scripts read them; money is written in the language's region."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale, gettext

from .i18n import DEFAULT_LOCALE, LOCALES, money, order_status_label, payment_label, term_label
from .models import Order
from .rules.payment import is_manual_only, payment_instructions


@dataclass(frozen=True)
class Email:
    """An email ready for the outbox; `account_id` is the account it is about (its SMTP fault holds it back)."""

    to: str
    subject: str
    text: str
    account_id: int | None = None


def _language(locale: str) -> str:
    return locale if locale in LOCALES else DEFAULT_LOCALE


def order_confirmation(order: Order, to: str, locale: str = DEFAULT_LOCALE) -> Email:
    """The one confirmation of a transaction: every subscription with its unchanged renewal date (R8)."""
    lang = _language(locale)
    with force_locale(lang):
        amount = lambda minor: money(minor, order.currency, lang)  # noqa: E731
        lines = [
            "- "
            + gettext(
                "Subscription %(number)s: %(product)s, %(seats)s seat(s), renewal date %(date)s (unchanged), "
                "renewed through %(through)s",
                seats=line.seats,
                number=line.subscription_number,
                product=line.product_name,
                date=line.renewal_date.isoformat(),
                through=line.renews_through.isoformat(),
            )
            for line in order.lines
        ]
        parts = [
            gettext("Thank you for your order."),
            "",
            gettext("Order number: %(number)s", number=order.number),
            gettext("Customer number (CSN): %(csn)s", csn=order.csn),
            gettext("Payment method: %(method)s", method=payment_label(order.payment_method)),
            gettext("Status: %(status)s", status=order_status_label(order.status)),
            "",
            gettext("Renewed subscriptions:"),
            *lines,
            "",
            gettext("Subtotal: %(amount)s", amount=amount(order.subtotal_minor)),
            gettext("Tax: %(amount)s", amount=amount(order.tax_minor)),
            gettext("Total: %(amount)s", amount=amount(order.total_minor)),
            "",
            gettext("Your renewal dates stay the same."),
        ]
        if is_manual_only(order.payment_method):
            assert order.payment_number is not None and order.payment_deadline is not None
            parts += [
                "",
                payment_instructions(
                    order.payment_method, order.payment_number, order.payment_deadline, amount(order.total_minor)
                ),
            ]
        subject = gettext("Order confirmation %(number)s", number=order.number)
    return Email(to, subject, "\n".join(parts) + "\n", order.account_id)


def renewal_reminder(
    *,
    to: str,
    number: str,
    product_name: str,
    term: str,
    renewal_date: date,
    payment_method: str,
    renew_url: str,
    account_id: int | None = None,
    locale: str = DEFAULT_LOCALE,
) -> Email:
    """The reminder sent once per term when a subscription enters its renewal window (R3, R5)."""
    with force_locale(_language(locale)):
        parts = [
            gettext(
                "Your %(term)s subscription %(number)s (%(product)s) renews on %(date)s.",
                term=term_label(term).lower(),
                number=number,
                product=product_name,
                date=renewal_date.isoformat(),
            ),
            "",
            gettext("Renew it now: %(url)s", url=renew_url),
            "",
            gettext("Paying early or late does not change your renewal date."),
        ]
        if is_manual_only(payment_method):
            parts += [
                "",
                gettext(
                    "Your payment method, %(method)s, cannot renew automatically: renew by hand before the renewal "
                    "date. Open the link above, choose Renew, and at checkout you receive a payment number; pay it by "
                    "the deadline shown in your order confirmation.",
                    method=payment_label(payment_method),
                ),
            ]
        subject = gettext(
            "Renewal reminder: subscription %(number)s renews on %(date)s", number=number, date=renewal_date.isoformat()
        )
    return Email(to, subject, "\n".join(parts) + "\n", account_id)
