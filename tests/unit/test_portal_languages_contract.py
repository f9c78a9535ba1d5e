"""The portal in English, French and Japanese (issue 13): the contract's names on their controls in each language,
dates and money as each region writes them, and confirmation and reminder emails in the recipient's language."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from portal_browser import Element, SignedInBrowser, order_numbers
from portal_in_languages import CONTRACT, LANGUAGES, browser, mail_to, speaker_fixture  # noqa: F401 (fixtures)
from sqlalchemy.orm import Session

from automation.clients import Mailbox
from mock_portal.services.reminders import send_reminders

RENEWAL = date(2026, 11, 29)

# 29 Nov 2026 and AutoCAD's annual price per seat in each currency, as Babel writes them for en_US, fr_FR and ja_JP.
DATES = {"en": "Nov 29, 2026", "fr": "29 nov. 2026", "ja": "2026年11月29日"}
PRICES = {
    "en": {"USD": "$1,975.00", "EUR": "€2,190.00", "GBP": "£1,848.00", "JPY": "¥298,100"},
    "fr": {
        "USD": "1\u202f975,00\u00a0$US",
        "EUR": "2\u202f190,00\u00a0€",
        "GBP": "1\u202f848,00\u00a0£GB",
        "JPY": "298\u202f100\u00a0JPY",
    },
    "ja": {"USD": "$1,975.00", "EUR": "€2,190.00", "GBP": "£1,848.00", "JPY": "￥298,100"},
}
CURRENCY_COUNTRIES = {"USD": "US", "EUR": "DE", "GBP": "GB", "JPY": "JP"}
TOTAL_JPY = {"en": "¥327,910", "fr": "327\u202f910\u00a0JPY", "ja": "￥327,910"}  # one AutoCAD seat, 10 % Japanese tax
# Lines of the emails, per language: the confirmation's and the reminder's, a Konbini order's instructions.
EMAIL_LINES = {
    "en": {"thanks": "Thank you for your order.", "order": "Order number: {order}", "method": "Payment method: {method}",
           "total": "Total: {amount}", "instructions": "How to pay: pay {amount} ",
           "reminder": "Your annual subscription {number} ", "manual": "cannot renew automatically"},
    "fr": {"thanks": "Merci pour votre commande.", "order": "Numéro de commande : {order}",
           "method": "Mode de paiement : {method}", "total": "Total : {amount}",
           "instructions": "Comment payer : réglez {amount} ", "reminder": "Votre abonnement annuel {number} ",
           "manual": "ne permet pas le renouvellement automatique"},
    "ja": {"thanks": "ご注文ありがとうございます。", "order": "注文番号：{order}", "method": "お支払い方法：{method}",
           "total": "合計：{amount}", "instructions": "お支払い手順：{amount} を",
           "reminder": "お客様の年間サブスクリプション {number}（", "manual": "自動更新できません"},
}  # fmt: skip


# --- the contract's names in each language --------------------------------------------------------------------------


def texts(within: Element, tag: str) -> list[str]:
    return [el.text for el in within.find_all(tag)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_carries_the_contracts_names_on_their_controls(
    pages_app: Flask, speaker: Any, signed_in_browser: SignedInBrowser, language: str
) -> None:
    names = CONTRACT[language]
    login = browser(pages_app, language).get("/login")
    assert login.labelled(names["email"]).get("type") == "email"
    assert login.labelled(names["password"]).get("type") == "password"
    assert login.heading == names["sign_in"] and login.buttons(names["sign_in"], within=login.main)

    account = speaker(language, subscriptions=[
        {"renewal_date": RENEWAL.isoformat(), "payment_method": "konbini", "country": "JP"},
        {"renewal_date": RENEWAL.isoformat(), "payment_method": "atm_bank_transfer", "country": "JP"},
    ])  # fmt: skip
    user = signed_in_browser(account)
    listing = user.get("/subscriptions")
    (nav,) = [n for n in listing.doc.find_all("nav") if texts(n, "h2") == [names["billing"]]]
    assert names["subscriptions"] in texts(nav, "a") and names["cart"] in texts(nav, "a")
    assert listing.heading == names["subscriptions"]
    assert listing.buttons(names["bulk_actions"])
    assert [a.text for a in listing.doc.find_all(role="menuitem")] == [names["renew"]]
    konbini, atm = (listing.row_of(s.number) for s in account.subscriptions)
    assert listing.buttons(names["renew"], within=konbini) and listing.buttons(names["renew"], within=atm)
    assert names["konbini"] in texts(konbini, "td") and names["atm_bank_transfer"] in texts(atm, "td")

    bulk = user.get("/bulk/renew")
    assert bulk.heading == names["bulk_heading"]
    assert names["select_all"] in texts(bulk.main, "label") and bulk.buttons(names["renew_selected"])

    cart = user.renew_selected([s.number for s in account.subscriptions])
    assert cart.heading == names["cart"] and cart.buttons(names["check_out"])
    checkout = user.get("/checkout")
    assert checkout.labelled(names["renew_now"]).get("type") == "checkbox"
    assert checkout.buttons(names["place_order"])


# --- dates and money ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_dates_and_money_are_written_as_the_languages_region_writes_them_and_iso_dates_stay(
    speaker: Any, signed_in_browser: SignedInBrowser, language: str
) -> None:
    account = speaker(language, subscriptions=[
        {"product": "ACD", "term": "annual", "seats": 1, "renewal_date": RENEWAL.isoformat(), "currency": currency,
         "country": country} for currency, country in CURRENCY_COUNTRIES.items()
    ])  # fmt: skip
    user = signed_in_browser(account)

    listing = user.get("/subscriptions")
    for sub in account.subscriptions:
        (cell,) = listing.row_of(sub.number).find_all(data_testid="renewal-date")
        (time,) = cell.find_all("time")
        assert (time.get("datetime"), time.text) == (RENEWAL.isoformat(), DATES[language])

    cart = user.renew_selected([s.number for s in account.subscriptions])
    for sub in account.subscriptions:
        unit_price = cart.row_of(sub.number).find_all("td")[3]
        assert as_written(unit_price) == PRICES[language][sub.currency], f"{sub.currency} in {language}"


def as_written(el: Element) -> str:
    """Text exactly as the page writes it (Element.text folds no-break spaces into spaces)."""
    return "".join(child if isinstance(child, str) else as_written(child) for child in el.children).strip()


# --- emails in the recipient's language -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_confirmation_emails_are_in_the_recipients_language_whatever_the_page_was_in(
    pages_app: Flask, speaker: Any, signed_in_browser: SignedInBrowser, mailbox: Mailbox, language: str
) -> None:
    account = speaker(language, subscriptions=[
        {"product": "ACD", "seats": 1, "renewal_date": RENEWAL.isoformat(), "currency": "USD", "payment_method": "paypal"},
        {"product": "ACD", "seats": 1, "renewal_date": RENEWAL.isoformat(), "country": "JP", "currency": "JPY",
         "payment_method": "konbini"},
    ])  # fmt: skip
    user = signed_in_browser(account)
    page_language = "ja" if language != "ja" else "fr"
    user.get(f"/subscriptions?lang={page_language}")  # the pages in another language than the user's
    user.renew_selected([s.number for s in account.subscriptions])
    orders = order_numbers(user.place_order(renew_now=True))
    assert len(orders) == 2

    names, lines = CONTRACT[language], EMAIL_LINES[language]
    emails = mail_to(mailbox, account.users[0].email)
    assert set(emails) == {names["confirmation"].format(order=order) for order in orders}
    by_method = {("konbini" if names["konbini"] in text else "paypal"): text for text in emails.values()}
    for method, text in by_method.items():
        assert text.startswith(lines["thanks"]), text
        label = names["konbini"] if method == "konbini" else "PayPal"
        assert lines["method"].format(method=label) in text.splitlines()
        assert f"{RENEWAL.isoformat()}" in text, "dates stay ISO in every language"
    konbini = by_method["konbini"]
    assert lines["total"].format(amount=TOTAL_JPY[language]) in konbini.splitlines(), "money as the region writes it"
    assert lines["instructions"].format(amount=TOTAL_JPY[language]) in konbini


@pytest.mark.parametrize("language", LANGUAGES)
def test_reminders_are_in_the_first_users_language(
    app: Flask, db: Session, speaker: Any, mailbox: Mailbox, public_url: str, language: str
) -> None:
    account = speaker(language, subscriptions=[{"renewal_date": RENEWAL.isoformat(), "payment_method": "konbini"}])
    number = account.subscriptions[0].number

    with app.app_context():
        assert send_reminders(db, public_url) == 1

    names, lines = CONTRACT[language], EMAIL_LINES[language]
    ((subject, text),) = mail_to(mailbox, account.users[0].email).items()
    assert subject == names["reminder"].format(number=number, date=RENEWAL.isoformat())
    assert text.startswith(lines["reminder"].format(number=number)), text
    assert f"{public_url}/subscriptions/{number}/renew" in text and lines["manual"] in text
    assert names["konbini"] in text
