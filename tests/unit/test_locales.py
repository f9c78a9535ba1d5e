"""The harness in other languages: a locale picks its bundled profile, a profile carries its locale, a profile of
another language than the one asked for is refused, accounts are made with users of that language, and the demo's
narration has every card in every language."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import pytest

from automation.clients import Credentials, PortalAdmin
from automation.narration import NARRATIONS, Narration, narration
from automation.profile import PROFILES_DIR, ProfileError, default_profile, load_profile
from automation.profiles import LOCALES, bundled_profile, language_of
from automation.settings import SettingsError, locale_profile

ENGLISH = (PROFILES_DIR / "mock-en.toml").read_text(encoding="utf-8")


def profile_file(tmp_path: Path, locale: str) -> Path:
    """The English profile's names under another locale, as a file."""
    path = tmp_path / f"portal-{locale}.toml"
    path.write_text(ENGLISH.replace('locale = "en-US"', f'locale = "{locale}"'), encoding="utf-8")
    return path


# --- a locale names a bundled profile ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "profile"),
    [("en", "mock-en"), ("fr", "mock-fr"), ("ja", "mock-ja"), ("fr-FR", "mock-fr"), ("ja_JP", "mock-ja"), (" EN-us ", "mock-en")],
)
def test_a_locale_or_its_bcp47_tag_names_the_bundled_profile_of_its_language(locale: str, profile: str) -> None:
    assert bundled_profile(locale) == profile


@pytest.mark.parametrize("locale", ["de", "", "english", "pt-BR"])
def test_a_locale_no_bundled_profile_speaks_is_refused_naming_the_known_ones(locale: str) -> None:
    with pytest.raises(ValueError, match=r"no bundled portal profile speaks .*: use one of en, fr, ja, or give --portal-profile"):
        bundled_profile(locale)


def test_every_known_locale_is_a_language_subtag() -> None:
    assert LOCALES[0] == "en" and all(language_of(code) == code for code in LOCALES)


# --- a profile carries its locale -------------------------------------------------------------------------------


def test_the_english_profile_speaks_en_us() -> None:
    assert (default_profile().locale, default_profile().language) == ("en-US", "en")


def test_a_profile_without_a_locale_is_english(tmp_path: Path) -> None:
    path = tmp_path / "portal.toml"
    path.write_text(ENGLISH.replace('locale = "en-US"\n', ""), encoding="utf-8")
    assert load_profile(path).locale == "en-US"


@pytest.mark.parametrize("locale", ["fr_FR", "French", "fr-", ""])
def test_a_locale_that_is_not_bcp47_is_refused_naming_the_field(tmp_path: Path, locale: str) -> None:
    path = profile_file(tmp_path, locale)
    with pytest.raises(ProfileError, match=rf"{path.name}: locale: '{locale}' is not a BCP 47 locale; write e\.g\. en-US"):
        load_profile(path)


# --- --locale / --portal-locale with --portal-profile ------------------------------------------------------------


def test_without_a_locale_the_profile_given_is_used_and_none_means_the_default(tmp_path: Path) -> None:
    assert locale_profile(None, None) is None
    chosen = locale_profile(None, profile_file(tmp_path, "ja-JP"))
    assert chosen is not None and chosen.locale == "ja-JP"


def test_a_locale_alone_loads_its_bundled_profile() -> None:
    chosen = locale_profile("en", None)
    assert chosen is not None and chosen.name == "mock-en"


def test_a_locale_with_a_profile_of_its_language_uses_that_profile(tmp_path: Path) -> None:
    path = profile_file(tmp_path, "fr-CA")
    chosen = locale_profile("fr", path)
    assert chosen is not None and chosen.source == path


def test_a_locale_with_a_profile_of_another_language_is_refused_naming_both(tmp_path: Path) -> None:
    path = profile_file(tmp_path, "ja-JP")
    with pytest.raises(SettingsError) as refused:
        locale_profile("fr", path, locale_flag="--portal-locale", profile_flag="--portal-profile")
    assert "--portal-locale fr asks for the portal in 'fr'" in str(refused.value)
    assert f"{path} describes it in ja-JP" in str(refused.value)
    assert refused.value.hint == "--portal-locale with --portal-profile"


def test_an_unknown_locale_is_refused_under_the_locale_flag() -> None:
    with pytest.raises(SettingsError, match="speaks 'de'") as refused:
        locale_profile("de", None)
    assert refused.value.hint == "--locale / RENEWALS_LOCALE"


def test_a_bad_profile_file_is_refused_under_the_profile_flag(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="no such file") as refused:
        locale_profile("en", tmp_path / "nowhere.toml")
    assert refused.value.hint == "--portal-profile / RENEWALS_PORTAL_PROFILE"


# --- accounts with users of a language --------------------------------------------------------------------------


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The bodies PortalAdmin sends, answered with an empty account."""
    bodies: list[Any] = []

    def request(self: PortalAdmin, method: str, path: str, body: Any = None) -> Any:
        bodies.append(body)
        return {"id": 1, "users": [], "subscriptions": []}

    monkeypatch.setattr(PortalAdmin, "_request", request)
    return bodies


def test_a_locale_gives_the_made_up_user_that_language(sent: list[Any]) -> None:
    PortalAdmin("http://portal.test").create_account(locale="ja")
    assert sent[0]["users"] == [{"locale": "ja"}]


def test_a_locale_goes_to_every_user_that_names_none(sent: list[Any]) -> None:
    users = [Credentials("a@example.com", "pw"), {"email": "b@example.com", "locale": "en"}]
    PortalAdmin("http://portal.test").create_account(users=users, locale="fr")
    assert sent[0]["users"] == [
        {"email": "a@example.com", "password": "pw", "locale": "fr"},
        {"email": "b@example.com", "locale": "en"},
    ]


def test_without_a_locale_no_user_is_sent_for_the_portal_to_make_up(sent: list[Any]) -> None:
    PortalAdmin("http://portal.test").create_account()
    assert "users" not in sent[0]


# --- the demo's narration ---------------------------------------------------------------------------------------


def fields_of(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", sorted(NARRATIONS))
def test_every_card_has_the_english_cards_placeholders_in_every_language(language: str) -> None:
    english, words = NARRATIONS["en"], NARRATIONS[language]
    for card in Narration.__dataclass_fields__:
        assert getattr(words, card).strip(), f"{language}: the card {card} is empty"
        assert fields_of(getattr(words, card)) == fields_of(getattr(english, card)), f"{language}: {card} placeholders"


def test_the_harness_narrates_in_every_language_a_bundled_profile_speaks() -> None:
    assert set(NARRATIONS) == set(LOCALES)


def test_a_language_without_narration_gets_english_and_cards_name_the_profiles_controls() -> None:
    profile = default_profile()
    words = narration("de")
    assert words == NARRATIONS["en"]
    text = words.bulk_text.format(bulk_actions=profile.subscriptions.bulk_actions, bulk_renew=profile.subscriptions.bulk_renew)
    assert text == "Bulk actions › Renew, a selection spanning two groups."


@pytest.mark.parametrize("code", ["en", "fr", "ja"])
def test_a_bundled_profile_asks_the_mock_for_its_language_on_the_url(code: str) -> None:
    profile = load_profile(f"mock-{code}")

    assert profile.ask_for_language("http://portal.test/login") == f"http://portal.test/login?lang={code}"
    assert profile.ask_for_language("http://portal.test/?next=%2F") == f"http://portal.test/?next=%2F&lang={code}"


def test_a_profile_without_a_language_query_leaves_urls_alone() -> None:
    profile = load_profile("mock-fr").model_copy(update={"language_query": None})

    assert profile.ask_for_language("http://portal.test/login") == "http://portal.test/login"
