"""The portal's languages: which there are, which one a page or an email is written in, and how dates, money, numbers
and the rules' words read in it (Flask-Babel; the gettext catalogs live in translations/, see README "Languages").

The rules (rules/) keep their English words, which the test-control API answers with and the services compare; they
are translated here, where a person reads them. Dates and money follow each language's region through Babel."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, format_decimal, parse_pattern
from flask import Flask
from flask_babel import Babel, get_locale, gettext
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from .rules.eligibility import Eligibility
from .rules.money import format_money
from .rules.payment import PAYMENT_LABELS
from .rules.terms import TERM_LABELS

LOCALES = ("en", "fr", "ja")
DEFAULT_LOCALE = "en"
REGIONS = {"en": "en_US", "fr": "fr_FR", "ja": "ja_JP"}  # whose conventions dates, money and numbers follow
DATE_FORMATS = {"en": "medium", "fr": "medium", "ja": "long"}  # Nov 29, 2026 · 29 nov. 2026 · 2026年11月29日
NAMES = {"en": "English", "fr": "Français", "ja": "日本語"}  # each language named in itself, as the selector shows it


def N_(text: str) -> str:
    """Mark text for `pybabel extract` that is translated later, where it is shown (gettext with a variable)."""
    return text


# The rules' English words (rules/payment.py, rules/terms.py, rules/eligibility.py) and the codes' labels, marked for
# the catalog; tests/unit/test_i18n_catalogs.py checks that every word the rules can give is among them.
PAYMENT_WORDS = (N_("Credit card"), N_("PayPal"), N_("Direct debit"), N_("Konbini"), N_("ATM bank transfer"))
TERM_WORDS = (N_("Monthly"), N_("Annual"), N_("3-year"))
STATUS_LABELS = {"active": N_("Active"), "expired": N_("Expired"), "cancelled": N_("Cancelled")}
ORDER_STATUS_LABELS = {"complete": N_("Complete"), "awaiting_payment": N_("Awaiting payment")}
# A reason with a date reads as one sentence around it: "Renewal opens on %(date)s", "%(date)sから更新可能".
REASONS = {
    "Cancelled": N_("Cancelled"),
    "No longer sold": N_("No longer sold"),
    "Renews automatically": N_("Renews automatically"),
    "Already renewed through": N_("Already renewed through %(date)s"),
    "Awaiting payment": N_("Awaiting payment"),
    "Renewal opens on": N_("Renewal opens on %(date)s"),
    "Renewal closed on": N_("Renewal closed on %(date)s"),
}
# Error pages' titles, by status; werkzeug's English names otherwise.
ERROR_NAMES = {
    400: N_("Bad Request"),
    401: N_("Unauthorized"),
    402: N_("Payment Required"),
    403: N_("Forbidden"),
    404: N_("Not Found"),
    405: N_("Method Not Allowed"),
    409: N_("Conflict"),
    413: N_("Request Entity Too Large"),
    429: N_("Too Many Requests"),
    500: N_("Internal Server Error"),
    502: N_("Bad Gateway"),
    503: N_("Service Unavailable"),
    504: N_("Gateway Timeout"),
}
# werkzeug's own descriptions, for an error raised without one of the portal's (an unknown path, a wrong method).
ERROR_DESCRIPTIONS = {
    400: N_("The browser (or proxy) sent a request that this server could not understand."),
    404: N_(
        "The requested URL was not found on the server. If you entered the URL manually please check your spelling "
        "and try again."
    ),
    405: N_("The method is not allowed for the requested URL."),
    413: N_("The data value transmitted exceeds the capacity limit."),
    500: N_(
        "The server encountered an internal error and was unable to complete your request. Either the server is "
        "overloaded or there is an error in the application."
    ),
}


# --- which language -----------------------------------------------------------------------------------------------


def language() -> str:
    """The language in force: the request's, the one an email is composed in (force_locale), else English."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LOCALES else DEFAULT_LOCALE


def accepted(header_values: list[tuple[str, float]]) -> str | None:
    """The first of our languages in an Accept-Language list (best first): "fr-CA,en;q=0.5" → fr; None if none."""
    for value, _quality in header_values:
        primary = value.replace("_", "-").split("-", 1)[0].lower()
        if primary in LOCALES:
            return primary
    return None


def init_app(app: Flask, locale_selector: Callable[[], str | None]) -> None:
    """Bind Flask-Babel (catalogs in translations/, English by default) and the filters that write in the language."""
    Babel(app, default_locale=DEFAULT_LOCALE, locale_selector=locale_selector)
    app.jinja_env.filters.update(
        time=time_tag,
        money=lambda minor, currency: money(minor, currency),
        number=number,
        percent=percent,
        payment_label=payment_label,
        term_label=term_label,
        status_label=status_label,
        order_status_label=order_status_label,
        reason=reason_markup,
        reason_message=reason_message,
    )
    app.jinja_env.globals.update(language=language, language_names=NAMES)


# --- dates, money and numbers -------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def format_day(value: date, lang: str = DEFAULT_LOCALE) -> str:
    """A date as people in `lang`'s region write it: Nov 29, 2026 · 29 nov. 2026 · 2026年11月29日."""
    return format_date(value, DATE_FORMATS[lang], locale=REGIONS[lang])


def time_tag(value: date | None) -> Markup:
    """A date as `<time datetime="YYYY-MM-DD">Jan 5, 2027</time>`, written in the language in force."""
    if value is None:
        return Markup("")
    # Built directly (an ISO date and Babel's writing of it have nothing to escape): this runs for every row of long lists.
    return Markup(f'<time datetime="{value.isoformat()}">{format_day(value, language())}</time>')


def money(minor: int, currency: str, lang: str | None = None) -> str:
    """An amount in minor units in the language's region: $1,975.00 · 1 975,00 $US · ￥197,500."""
    return format_money(minor, currency, REGIONS[lang or language()])


def number(value: int, lang: str | None = None) -> str:
    """A count with the region's digit grouping: 10,000 · 10 000."""
    return format_decimal(value, locale=REGIONS[lang or language()])


@lru_cache(maxsize=16)
def _percent_pattern(region: str) -> NumberPattern:
    pattern = parse_pattern(Locale.parse(region).percent_formats[None].pattern)  # a copy: Babel's own is shared
    pattern.frac_prec = (0, 6)  # 8.1 %, 7.25 %: as many decimals as the rate has
    return pattern


def percent(rate: Decimal | str) -> str:
    """A tax rate as a percentage in the region's form: 7.25% · 7,25 %."""
    region = REGIONS[language()]
    return _percent_pattern(region).apply(Decimal(rate), region)


# --- the rules' words -----------------------------------------------------------------------------------------------


def payment_label(method: str) -> str:
    """A payment method's label in the language in force ("konbini" → Konbini, コンビニ決済)."""
    return gettext(PAYMENT_LABELS[method]) if method in PAYMENT_LABELS else method


def term_label(term: str) -> str:
    """A term's label in the language in force ("three_year" → 3-year, Triennal, 3年間)."""
    return gettext(TERM_LABELS[term]) if term in TERM_LABELS else term


def status_label(status: str) -> str:
    """A subscription status's label ("active" → Active)."""
    return gettext(STATUS_LABELS[status]) if status in STATUS_LABELS else status


def order_status_label(status: str) -> str:
    """An order status's label ("awaiting_payment" → Awaiting payment)."""
    return gettext(ORDER_STATUS_LABELS[status]) if status in ORDER_STATUS_LABELS else status


def _reason_wording(eligibility: Eligibility) -> str:
    return gettext(REASONS.get(eligibility.reason or "", eligibility.reason or ""))


def reason_message(eligibility: Eligibility) -> str:
    """Why a subscription can't be renewed, in the language in force, its date in ISO form as in
    Eligibility.message ("Renewal opens on 2027-01-05"): the sentence messages quote."""
    if eligibility.reason_date is None:
        return _reason_wording(eligibility)
    return _reason_wording(eligibility) % {"date": eligibility.reason_date.isoformat()}


def reason_markup(eligibility: Eligibility) -> Markup:
    """The same sentence for a page, its date a `<time datetime>` element."""
    if eligibility.reason_date is None:
        return escape(_reason_wording(eligibility))
    return escape(_reason_wording(eligibility)) % {"date": time_tag(eligibility.reason_date)}


def error_name(error: HTTPException) -> str:
    """An error page's title: the status's name in the language in force."""
    code = error.code or 500
    return gettext(ERROR_NAMES[code]) if code in ERROR_NAMES else HTTP_STATUS_CODES.get(code, error.name)


def error_description(error: HTTPException) -> str:
    """What went wrong: the portal's own message (written in the language when raised), or werkzeug's, translated."""
    code = error.code or 500
    if error.description == type(error).description and code in ERROR_DESCRIPTIONS:
        return gettext(ERROR_DESCRIPTIONS[code])
    return str(error.description)
