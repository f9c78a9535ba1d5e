"""The portal in English, French and Japanese (issue 13): which language a page is in (`?lang` and its cookie, the
signed-in user's saved language and the header's selector, Accept-Language, English), the contract's names in each
language, dates and money as each region writes them, emails in the recipient's language, and no English left on a
French or Japanese page or email."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from portal_browser import Browser, Element, Page, SeedAccount, SignedIn, order_numbers
from sqlalchemy import select
from sqlalchemy.orm import Session

import mock_portal
from automation.clients import Mailbox
from mock_portal.catalog import products
from mock_portal.models import User
from mock_portal.services.reminders import send_reminders
from mock_portal.testing.answers import CreatedAccount

TODAY = date(2026, 11, 1)
RENEWAL = date(2026, 11, 29)
TRANSLATIONS = Path(mock_portal.__file__).parent / "translations"

# The contract's names (issue 13): suites outside this repository find the portal's controls by exactly these.
CONTRACT = {
    "en": {
        "email": "Email", "password": "Password", "sign_in": "Sign in", "billing": "Billing and orders",
        "subscriptions": "Subscriptions and contracts", "renew": "Renew", "bulk_actions": "Bulk actions",
        "bulk_heading": "Renew subscriptions", "select_all": "Select all", "renew_selected": "Renew selected",
        "cart": "Cart", "check_out": "Check out", "renew_now": "Renew now", "place_order": "Place order",
        "konbini": "Konbini", "atm_bank_transfer": "ATM bank transfer",
        "confirmation": "Order confirmation {order}",
        "reminder": "Renewal reminder: subscription {number} renews on {date}",
    },
    "fr": {
        "email": "Adresse e-mail", "password": "Mot de passe", "sign_in": "Se connecter",
        "billing": "Facturation et commandes", "subscriptions": "Abonnements et contrats", "renew": "Renouveler",
        "bulk_actions": "Actions en masse", "bulk_heading": "Renouveler des abonnements",
        "select_all": "Tout sélectionner", "renew_selected": "Renouveler la sélection", "cart": "Panier",
        "check_out": "Passer au paiement", "renew_now": "Renouveler maintenant", "place_order": "Passer la commande",
        "konbini": "Konbini", "atm_bank_transfer": "Virement bancaire (ATM)",
        "confirmation": "Confirmation de commande {order}",
        "reminder": "Rappel de renouvellement : abonnement {number} à renouveler le {date}",
    },
    "ja": {
        "email": "メールアドレス", "password": "パスワード", "sign_in": "サインイン", "billing": "請求と注文",
        "subscriptions": "サブスクリプションと契約", "renew": "更新", "bulk_actions": "一括操作",
        "bulk_heading": "サブスクリプションの更新", "select_all": "すべて選択", "renew_selected": "選択した項目を更新",
        "cart": "カート", "check_out": "購入手続きへ", "renew_now": "今すぐ更新", "place_order": "注文を確定する",
        "konbini": "コンビニ決済", "atm_bank_transfer": "銀行振込（ATM）",
        "confirmation": "ご注文の確認 {order}",
        "reminder": "更新のお知らせ：サブスクリプション {number} の更新日は {date} です",
    },
}  # fmt: skip
LANGUAGES = list(CONTRACT)
OTHER_LANGUAGES = ["fr", "ja"]
# 29 Nov 2026 and AutoCAD's annual price per seat in each currency, as Babel writes them for en_US, fr_FR and ja_JP.
DATES = {"en": "Nov 29, 2026", "fr": "29 nov. 2026", "ja": "2026年11月29日"}
PRICES = {
    "en": {"USD": "$1,975.00", "EUR": "€2,190.00", "GBP": "£1,848.00", "JPY": "¥298,100"},
    "fr": {"USD": "1\u202f975,00\u00a0$US", "EUR": "2\u202f190,00\u00a0€", "GBP": "1\u202f848,00\u00a0£GB",
           "JPY": "298\u202f100\u00a0JPY"},
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
NAMES = {  # people and companies of the accounts below, so no made-up English name is on the pages
    "en": ("Ada Lovelace", "Analytical Engines"),
    "fr": ("Jeanne Dupont", "Société Exemple"),
    "ja": ("山田 太郎", "サンプル株式会社"),
}


def language_of(page: Page) -> str | None:
    return page.doc.one("html").get("lang")


def browser(app: Flask, accept: str | None = None) -> Browser:
    """A new browser, asking for `accept` languages (Accept-Language) if given."""
    client = app.test_client()
    if accept is not None:
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = accept
    return Browser(client)


@pytest.fixture
def speaker(seed_account: SeedAccount) -> Any:
    """seed_account for users who speak `language`, with fixed names (no made-up English on their pages)."""

    def make(language: str, **spec: Any) -> CreatedAccount:
        person, company = NAMES[language]
        return seed_account(
            **({"name": company, "today": TODAY.isoformat(), "users": [{"name": person, "locale": language}]} | spec)
        )

    return make


def saved_language(db: Session, account: CreatedAccount) -> str:
    db.expire_all()
    return str(db.scalar(select(User.locale).where(User.email == account.users[0].email)))


# --- which language a page is in ----------------------------------------------------------------------------------


def test_a_page_is_in_english_when_nothing_asks_for_another(pages_app: Flask) -> None:
    page = browser(pages_app).get("/login")

    assert (language_of(page), page.heading) == ("en", "Sign in")


@pytest.mark.parametrize(
    ("accept", "language"),
    [
        ("fr-FR,fr;q=0.9,en;q=0.8", "fr"),
        ("ja", "ja"),
        ("ja-JP", "ja"),
        ("fr-CA,en;q=0.5", "fr"),  # the first of ours by preference, not the first exact match
        ("de-DE,de;q=0.9,ja;q=0.5,fr;q=0.4", "ja"),
        ("de-DE,de;q=0.9", "en"),  # none of ours: English
        ("*", "en"),
    ],
)
def test_accept_language_picks_the_first_of_our_languages_it_prefers(pages_app: Flask, accept: str, language: str) -> None:
    assert language_of(browser(pages_app, accept).get("/login")) == language


def test_lang_in_the_query_beats_accept_language_and_is_remembered_in_a_cookie(pages_app: Flask) -> None:
    visitor = browser(pages_app, accept="fr-FR")

    asked = visitor.get("/login?lang=ja")
    later = visitor.get("/login")

    assert (language_of(asked), asked.heading) == ("ja", "サインイン")
    cookie = visitor.client.get_cookie("lang")
    assert cookie is not None and cookie.value == "ja" and cookie.http_only
    assert language_of(later) == "ja", "the ?lang choice holds on the next page"


def test_lang_on_a_redirect_is_remembered_for_the_page_it_leads_to(pages_app: Flask) -> None:
    visitor = browser(pages_app)

    visitor.get("/?lang=fr")  # anonymous: off to the sign-in page

    assert language_of(visitor.get("/login")) == "fr"


@pytest.mark.parametrize("asked", ["de", "FR", "", "fr-FR"])
def test_an_unknown_lang_is_ignored_and_remembers_nothing(pages_app: Flask, asked: str) -> None:
    visitor = browser(pages_app, accept="ja")

    page = visitor.get(f"/login?lang={asked}")

    assert (page.status, language_of(page)) == (200, "ja"), "an unknown ?lang falls back to Accept-Language"
    assert visitor.client.get_cookie("lang") is None


def test_a_signed_in_users_saved_language_beats_accept_language(speaker: Any, signed_in: SignedIn) -> None:
    user = signed_in(speaker("ja"))
    user.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr-FR"

    page = user.get("/subscriptions")

    assert (language_of(page), page.heading) == ("ja", "サブスクリプションと契約")


def test_the_language_cookie_beats_the_users_saved_language(speaker: Any, signed_in: SignedIn) -> None:
    user = signed_in(speaker("ja"))
    user.get("/subscriptions?lang=fr")

    assert language_of(user.get("/subscriptions")) == "fr", "the order is ?lang, its cookie, then the saved language"


def test_the_selector_saves_a_signed_in_users_language_sets_the_cookie_and_returns_to_the_page(
    pages_app: Flask, speaker: Any, signed_in: SignedIn, db: Session
) -> None:
    account = speaker("en")
    user = signed_in(account)
    user.get("/subscriptions")

    chosen = user.client.post(
        "/language",
        data={"language": "fr", "csrf_token": user.csrf},
        headers={"Referer": "http://localhost/subscriptions?per_page=1&lang=en"},
    )

    assert chosen.status_code == 303
    assert chosen.headers["Location"] == "/subscriptions?per_page=1", "back where it was used, without the old ?lang"
    assert saved_language(db, account) == "fr"
    assert user.client.get_cookie("lang").value == "fr"  # type: ignore[union-attr]
    elsewhere = browser(pages_app)
    credentials = account.users[0]
    assert elsewhere.sign_in(credentials.email, credentials.password).status == 302
    assert language_of(elsewhere.get("/subscriptions")) == "fr", "the saved language follows the user to a new browser"


def test_the_selector_sets_the_cookie_for_an_anonymous_visitor_and_ignores_an_unknown_language(pages_app: Flask) -> None:
    visitor = browser(pages_app)
    visitor.get("/login")

    unknown = visitor.post_form("/language", {"language": "de"})
    assert unknown.status == 303 and visitor.client.get_cookie("lang") is None
    chosen = visitor.post_form("/language", {"language": "ja"})

    assert chosen.status == 303 and chosen.location == "/", "no Referer: back to the home page (which asks who you are)"
    assert language_of(visitor.get("/login")) == "ja"


def test_the_selector_needs_this_sessions_form_token(pages_app: Flask) -> None:
    visitor = browser(pages_app)
    visitor.get("/login")

    refused = visitor.post_form("/language", {"language": "ja"}, csrf=False)

    assert refused.status == 400 and visitor.client.get_cookie("lang") is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_has_the_selector_a_labelled_form_posting_with_the_token_its_language_selected(
    pages_app: Flask, speaker: Any, signed_in: SignedIn, language: str
) -> None:
    label = {"en": "Language", "fr": "Langue", "ja": "言語"}[language]
    pages = [browser(pages_app, language).get("/login"), signed_in(speaker(language)).get("/subscriptions")]

    for page in pages:
        select_ = page.labelled(label)
        form = select_.ancestor("form")
        assert form is not None and (form.get("method"), form.get("action")) == ("post", "/language")
        assert form.find_all("input", name="csrf_token")
        options = {o.get("value"): o for o in select_.find_all("option")}
        assert list(options) == ["en", "fr", "ja"]
        assert [v for v, o in options.items() if "selected" in o.attrs] == [language]
        assert [o.text for o in options.values()] == ["English", "Français", "日本語"], "each language named in itself"


def test_the_test_api_answers_in_english_whatever_the_language(client: Any) -> None:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr-FR"
    client.set_cookie("lang", "ja")

    refused = client.post("/__test__/accounts?lang=fr", json={"subscriptions": [{"currency": "XYZ"}]})

    assert refused.status_code == 400
    assert refused.get_json()["error"].startswith("subscriptions[0].currency: 'XYZ' is not allowed; use one of")
    assert "lang=fr" not in refused.headers.get("Set-Cookie", "")


# --- the contract's names in each language --------------------------------------------------------------------------


def texts(within: Element, tag: str) -> list[str]:
    return [el.text for el in within.find_all(tag)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_carries_the_contracts_names_on_their_controls(
    pages_app: Flask, speaker: Any, signed_in: SignedIn, language: str
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
    user = signed_in(account)
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
    speaker: Any, signed_in: SignedIn, language: str
) -> None:
    account = speaker(language, subscriptions=[
        {"product": "ACD", "term": "annual", "seats": 1, "renewal_date": RENEWAL.isoformat(), "currency": currency,
         "country": country} for currency, country in CURRENCY_COUNTRIES.items()
    ])  # fmt: skip
    user = signed_in(account)

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


def mail_to(mailbox: Mailbox, email: str) -> dict[str, str]:
    """Subject → text of every email to `email`."""
    return {m.subject: mailbox.get(m.id).text for m in mailbox.search(f"to:{email}")}


@pytest.mark.parametrize("language", LANGUAGES)
def test_confirmation_emails_are_in_the_recipients_language_whatever_the_page_was_in(
    pages_app: Flask, speaker: Any, signed_in: SignedIn, mailbox: Mailbox, language: str
) -> None:
    account = speaker(language, subscriptions=[
        {"product": "ACD", "seats": 1, "renewal_date": RENEWAL.isoformat(), "currency": "USD", "payment_method": "paypal"},
        {"product": "ACD", "seats": 1, "renewal_date": RENEWAL.isoformat(), "country": "JP", "currency": "JPY",
         "payment_method": "konbini"},
    ])  # fmt: skip
    user = signed_in(account)
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


# --- no English left ------------------------------------------------------------------------------------------------

WORD = re.compile(r"[A-Za-z]{2,}")
SHOWN_ATTRIBUTES = ("aria-label", "placeholder", "title", "alt", "data-selected")  # text a person reads or hears


def catalog_words(language: str | None) -> set[str]:
    """Lower-case ASCII words of the English messages (None) or of a language's translations, placeholders left out."""
    path = TRANSLATIONS / ("messages.pot" if language is None else f"{language}/LC_MESSAGES/messages.po")
    with path.open("rb") as file:
        catalog = read_po(file)
    found: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        texts_ = message.id if language is None else message.string
        for text in [texts_] if isinstance(texts_, str) else texts_:
            found |= {w.lower() for w in WORD.findall(re.sub(r"%\(\w+\)[sd]", " ", text))}
    return found


ENGLISH = catalog_words(None)
# Names that are the same in every language: the brand, codes, the payment providers' own names, each language's name
# in the selector, the catalog's products, and the people and companies of these tests.
PROPER = {"vendor", "account", "csn", "paypal", "konbini", "atm", "usd", "eur", "gbp", "jpy", "english"} | {
    word.lower() for product in products().values() for word in WORD.findall(product.name)
}


def english_left(text_parts: list[str], language: str) -> set[str]:
    """English words of the portal's vocabulary in a French or Japanese text (words the translation uses too, and
    proper names, allowed)."""
    allowed = catalog_words(language) | PROPER | {w.lower() for name in NAMES[language] for w in WORD.findall(name)}
    found = {w.lower() for part in text_parts for w in WORD.findall(part)}
    return (found & ENGLISH) - allowed


def shown_text(page: Page) -> list[str]:
    """Everything a person reads on a page: its text (title included) and the attributes read aloud."""
    parts: list[str] = []

    def walk(el: Element) -> Iterator[str]:
        for name in SHOWN_ATTRIBUTES:
            if el.get(name):
                yield str(el.get(name))
        for child in el.children:
            if isinstance(child, str):
                yield child
            elif child.tag not in ("script", "style"):
                yield from walk(child)

    parts.extend(walk(page.doc))
    return parts


def every_page(pages_app: Flask, speaker: Any, signed_in: SignedIn, language: str) -> dict[str, Page]:
    """Every page and refusal a person can meet, rendered in `language`."""
    account = speaker(language, subscriptions=[
        {"renewal_in_days": 20, "payment_method": "konbini", "country": "JP", "product": "ACD"},
        {"renewal_in_days": 25, "payment_method": "credit_card", "product": "RVT"},
        {"renewal_in_days": 30, "payment_method": "atm_bank_transfer", "country": "JP"},
        {"renewal_in_days": 30, "renewed": True},
        {"renewal_in_days": 200, "payment_method": "direct_debit"},
        {"renewal_in_days": -60, "payment_method": "paypal"},
        {"status": "cancelled"},
        {"term": "monthly", "auto_renew": True},
        {"product": "ACDLT", "renewal_in_days": 30},
    ])  # fmt: skip
    subs = account.subscriptions
    anonymous = browser(pages_app, language)
    user = signed_in(account)
    pages = {
        "sign-in": anonymous.get("/login"),
        "wrong password": anonymous.sign_in(account.users[0].email, "wrong password"),
        "home": user.get("/"),
        "list": user.get("/subscriptions?per_page=2&page=2"),
        "no match": user.get("/subscriptions?q=nothing-matches"),
        "detail": user.get(f"/subscriptions/{subs[0].number}"),
        "renewed detail": user.get(f"/subscriptions/{subs[3].number}"),
        "reminder landing, not open": user.get(f"/subscriptions/{subs[4].number}/renew"),
        "reminder landing, open": user.get(f"/subscriptions/{subs[1].number}/renew"),
        "bulk": user.get("/bulk/renew?per_group=1"),
        "bulk, nothing selected": user.post_form("/bulk/renew", {}),
        "empty cart": user.get("/cart"),
        "empty checkout": user.get("/checkout"),
        "not renewable": user.post_form("/cart", {"subscription": subs[4].number}),
        "unknown subscription": user.get("/subscriptions/000000000000"),
        "unknown page": user.get("/nowhere"),
        "wrong method": user.get("/logout"),
        "expired form": user.post_form("/cart", {"subscription": subs[0].number}, csrf=False),
    }
    pages["cart"] = user.renew_selected([s.number for s in subs[:3]])
    pages["checkout"] = user.get("/checkout")
    pages["Renew now missing"] = user.place_order()
    pages["confirmation"] = user.place_order(renew_now=True)
    pages["order history"] = user.get("/orders")
    pages["list with awaiting payment"] = user.get("/subscriptions")
    return pages


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_no_english_is_left_on_any_french_or_japanese_page(
    pages_app: Flask, speaker: Any, signed_in: SignedIn, language: str
) -> None:
    pages = every_page(pages_app, speaker, signed_in, language)

    statuses = {name: page.status for name, page in pages.items()}
    assert statuses["not renewable"] == 409 and statuses["expired form"] == 400 and statuses["unknown page"] == 404
    for name, page in pages.items():
        assert language_of(page) == language, f"{name}: <html lang> is {language_of(page)}"
        left = english_left(shown_text(page), language)
        assert not left, f"English on the {language} {name} page ({page.path}): {sorted(left)}"


def test_the_english_detector_finds_english_on_an_english_page(pages_app: Flask, speaker: Any, signed_in: SignedIn) -> None:
    page = signed_in(speaker("en")).get("/subscriptions")

    assert {"subscriptions", "contracts", "renewal"} <= english_left(shown_text(page), "fr")


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_no_english_is_left_in_a_french_or_japanese_email(
    app: Flask, db: Session, speaker: Any, signed_in: SignedIn, mailbox: Mailbox, public_url: str, language: str
) -> None:
    account = speaker(language, subscriptions=[
        {"renewal_in_days": 20, "payment_method": "konbini", "country": "JP"},
        {"renewal_in_days": 20, "payment_method": "atm_bank_transfer", "country": "JP"},
        {"renewal_in_days": 20, "payment_method": "credit_card", "seats": 2},
    ])  # fmt: skip
    with app.app_context():
        assert send_reminders(db, public_url) == 3
    user = signed_in(account)
    user.renew_selected([s.number for s in account.subscriptions])
    assert len(order_numbers(user.place_order(renew_now=True))) == 3

    emails = mail_to(mailbox, account.users[0].email)
    assert len(emails) == 6
    for subject, text in emails.items():
        readable = re.sub(r"https?://\S+", " ", text)  # the renewal link is an address, not words
        left = english_left([subject, readable], language)
        assert not left, f"English in the {language} email {subject!r}: {sorted(left)}\n{text}"
