"""The portal in English, French and Japanese (issue 13): which language a page is in — `?lang` and its cookie, the
signed-in user's saved language and the header's selector, Accept-Language, English — and the selector on every page.
The contract's names, dates, money and emails in each language: test_portal_languages_contract.py; no English left on a
French or Japanese page or email: test_portal_languages_no_english.py."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from portal_browser import SignedInBrowser
from portal_in_languages import LANGUAGES, browser, language_of, speaker_fixture  # noqa: F401 (fixtures)
from sqlalchemy import select
from sqlalchemy.orm import Session

from mock_portal.models import User
from mock_portal.testing.answers import CreatedAccount


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


def test_a_signed_in_users_saved_language_beats_accept_language(speaker: Any, signed_in_browser: SignedInBrowser) -> None:
    user = signed_in_browser(speaker("ja"))
    user.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr-FR"

    page = user.get("/subscriptions")

    assert (language_of(page), page.heading) == ("ja", "サブスクリプションと契約")


def test_the_language_cookie_beats_the_users_saved_language(speaker: Any, signed_in_browser: SignedInBrowser) -> None:
    user = signed_in_browser(speaker("ja"))
    user.get("/subscriptions?lang=fr")

    assert language_of(user.get("/subscriptions")) == "fr", "the order is ?lang, its cookie, then the saved language"


def test_the_selector_saves_a_signed_in_users_language_sets_the_cookie_and_returns_to_the_page(
    pages_app: Flask, speaker: Any, signed_in_browser: SignedInBrowser, db: Session
) -> None:
    account = speaker("en")
    user = signed_in_browser(account)
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
    pages_app: Flask, speaker: Any, signed_in_browser: SignedInBrowser, language: str
) -> None:
    label = {"en": "Language", "fr": "Langue", "ja": "言語"}[language]
    pages = [browser(pages_app, language).get("/login"), signed_in_browser(speaker(language)).get("/subscriptions")]

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
