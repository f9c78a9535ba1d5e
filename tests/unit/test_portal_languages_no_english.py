"""The portal in French and Japanese (issue 13): no English left on any page, refusal or email a person can meet, and
the detector that says so finds English on an English page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from portal_browser import Element, Page, SignedInBrowser, order_numbers
from portal_in_languages import NAMES, browser, language_of, mail_to, speaker_fixture  # noqa: F401 (fixtures)
from sqlalchemy.orm import Session

import mock_portal
from automation.clients import Mailbox
from mock_portal.catalog import products
from mock_portal.services.reminders import send_reminders

TRANSLATIONS = Path(mock_portal.__file__).parent / "translations"
OTHER_LANGUAGES = ["fr", "ja"]


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


def every_page(pages_app: Flask, speaker: Any, signed_in_browser: SignedInBrowser, language: str) -> dict[str, Page]:
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
    user = signed_in_browser(account)
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
    pages_app: Flask, speaker: Any, signed_in_browser: SignedInBrowser, language: str
) -> None:
    pages = every_page(pages_app, speaker, signed_in_browser, language)

    statuses = {name: page.status for name, page in pages.items()}
    assert statuses["not renewable"] == 409 and statuses["expired form"] == 400 and statuses["unknown page"] == 404
    for name, page in pages.items():
        assert language_of(page) == language, f"{name}: <html lang> is {language_of(page)}"
        left = english_left(shown_text(page), language)
        assert not left, f"English on the {language} {name} page ({page.path}): {sorted(left)}"


def test_the_english_detector_finds_english_on_an_english_page(
    pages_app: Flask, speaker: Any, signed_in_browser: SignedInBrowser
) -> None:
    page = signed_in_browser(speaker("en")).get("/subscriptions")

    assert {"subscriptions", "contracts", "renewal"} <= english_left(shown_text(page), "fr")


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_no_english_is_left_in_a_french_or_japanese_email(
    app: Flask, db: Session, speaker: Any, signed_in_browser: SignedInBrowser, mailbox: Mailbox, public_url: str, language: str
) -> None:
    account = speaker(language, subscriptions=[
        {"renewal_in_days": 20, "payment_method": "konbini", "country": "JP"},
        {"renewal_in_days": 20, "payment_method": "atm_bank_transfer", "country": "JP"},
        {"renewal_in_days": 20, "payment_method": "credit_card", "seats": 2},
    ])  # fmt: skip
    with app.app_context():
        assert send_reminders(db, public_url) == 3
    user = signed_in_browser(account)
    user.renew_selected([s.number for s in account.subscriptions])
    assert len(order_numbers(user.place_order(renew_now=True))) == 3

    emails = mail_to(mailbox, account.users[0].email)
    assert len(emails) == 6
    for subject, text in emails.items():
        readable = re.sub(r"https?://\S+", " ", text)  # the renewal link is an address, not words
        left = english_left([subject, readable], language)
        assert not left, f"English in the {language} email {subject!r}: {sorted(left)}\n{text}"
