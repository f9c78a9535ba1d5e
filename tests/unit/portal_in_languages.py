"""What the portal-languages test modules share: the contract's names in each language, the people and day of their
accounts, a browser asking for a language, the language a page is in, accounts whose users speak a language, and the
mail they get.

The fixture's function is named apart from the fixture (`name=`), so a test module imports it without a test's
`speaker` argument shadowing the import."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from portal_browser import Browser, Page, SeedAccount

from automation.clients import Mailbox
from mock_portal.testing.answers import CreatedAccount

TODAY = date(2026, 11, 1)

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
NAMES = {  # people and companies of the accounts below, so no made-up English name is on the pages
    "en": ("Ada Lovelace", "Analytical Engines"),
    "fr": ("Jeanne Dupont", "Société Exemple"),
    "ja": ("山田 太郎", "サンプル株式会社"),
}


def language_of(page: Page) -> str | None:
    """The page's <html lang>."""
    return page.doc.one("html").get("lang")


def browser(app: Flask, accept: str | None = None) -> Browser:
    """A new browser, asking for `accept` languages (Accept-Language) if given."""
    client = app.test_client()
    if accept is not None:
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = accept
    return Browser(client)


@pytest.fixture(name="speaker")
def speaker_fixture(seed_account: SeedAccount) -> Any:
    """seed_account for users who speak `language`, with fixed names (no made-up English on their pages)."""

    def make(language: str, **spec: Any) -> CreatedAccount:
        person, company = NAMES[language]
        return seed_account(
            **({"name": company, "today": TODAY.isoformat(), "users": [{"name": person, "locale": language}]} | spec)
        )

    return make


def mail_to(mailbox: Mailbox, email: str) -> dict[str, str]:
    """Subject → text of every email to `email`."""
    return {m.subject: mailbox.get(m.id).text for m in mailbox.search(f"to:{email}")}
