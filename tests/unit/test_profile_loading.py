"""Loading the portal profile: the default one loads, each bundled one names its language, dates, money, codes, labels,
reasons and subjects are worded as the portal words them, and a bad one is refused naming the file and the field."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from bundled_profiles import BUNDLED, profile_fixture  # noqa: F401 (fixtures)

from automation.profile import PROFILES_DIR, PortalProfile, ProfileError, default_profile, load_profile
from automation.profiles import PAYMENT_METHODS, TERMS
from automation.rules import Reason

DEFAULT_TEXT = (PROFILES_DIR / "mock-en.toml").read_text(encoding="utf-8")


def test_each_bundled_profile_names_the_language_the_mock_speaks() -> None:
    assert [(load_profile(name).locale, load_profile(name).language) for name in BUNDLED] == [
        ("en-US", "en"), ("fr-FR", "fr"), ("ja-JP", "ja"),
    ]  # fmt: skip


# --- loading -------------------------------------------------------------------------------------------------------


def test_the_default_profile_is_the_mock_in_english_and_is_read_once() -> None:
    profile = load_profile()

    assert profile.name == "mock-en"
    assert profile.source == PROFILES_DIR / "mock-en.toml"
    assert load_profile("mock-en") == profile  # a shipped profile by name
    assert default_profile() is default_profile()


@pytest.mark.parametrize(
    ("day", "shown"),
    [(date(2027, 1, 5), "Jan 5, 2027"), (date(2028, 2, 29), "Feb 29, 2028"), (date(2030, 12, 31), "Dec 31, 2030")],
)
def test_dates_are_written_as_the_page_writes_them(profile: PortalProfile, day: date, shown: str) -> None:
    assert profile.format_date(day) == shown


@pytest.mark.parametrize(
    ("minor", "currency", "shown"),
    [
        (197500, "USD", "$1,975.00"),
        (5, "USD", "$0.05"),
        (123456789, "EUR", "€1,234,567.89"),
        (99, "GBP", "£0.99"),
        (298100, "JPY", "¥298,100"),
        (0, "JPY", "¥0"),
    ],
)
def test_money_is_written_in_the_currencys_minor_units_and_read_back(
    profile: PortalProfile, minor: int, currency: str, shown: str
) -> None:
    assert profile.format_money(minor, currency) == shown
    assert profile.parse_money(shown, currency) == minor


def test_codes_and_labels_go_both_ways(profile: PortalProfile) -> None:
    for code in PAYMENT_METHODS:
        assert profile.payment_code(profile.payment_label(code)) == code
    for code in TERMS:
        assert profile.term_code(profile.term_label(code)) == code
    assert profile.payment_label("credit_card") == "Credit card"
    assert profile.term_label("three_year") == "3-year"
    assert profile.payment_code("Cash") == "Cash"  # not a label: returned as it is


def test_reasons_and_subjects_are_worded_as_the_portal_words_them(profile: PortalProfile) -> None:
    assert profile.reason_text(Reason.NOT_YET_OPEN, date(2027, 1, 5)) == "Renewal opens on Jan 5, 2027"
    assert profile.reason_text("monthly") == "Renews automatically"
    with pytest.raises(ValueError, match="names a date"):
        profile.reason_text(Reason.CLOSED)
    assert profile.confirmation_subject("1234") == "Order confirmation 1234"
    assert profile.confirmation_subject_prefix() == "Order confirmation"
    assert profile.reminder_subject("123456789012", date(2027, 2, 1)) == (
        "Renewal reminder: subscription 123456789012 renews on 2027-02-01"
    )


def variant(tmp_path: Path, old: str, new: str) -> Path:
    """The default profile with one line changed, written to a file of its own."""
    assert old in DEFAULT_TEXT, f"the default profile no longer has {old!r}"
    path = tmp_path / "portal.toml"
    path.write_text(DEFAULT_TEXT.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        pytest.param('place_order = "Place order"\n', "", "checkout.place_order", "missing", id="missing key"),
        pytest.param('seats = "Seats"\n', "seats = 3\n", "subscriptions.columns.seats", "expected a string, got an integer 3",
                     id="wrong type"),
        pytest.param('renew_now = "Renew now"\n', 'renew_now = "Renew now"\ncolour = "red"\n', "checkout.colour", "unknown key",
                     id="unknown key"),
        pytest.param('not_yet_open = "Renewal opens on {date}"', 'not_yet_open = "Opens {when}"', "reasons.not_yet_open",
                     "unknown placeholder {when}", id="unknown placeholder"),
        pytest.param('selected_count = "{count} selected"', 'selected_count = "selected"', "bulk.selected_count", "lacks {count}",
                     id="placeholder the harness reads back"),
        pytest.param('"Nov", "Dec"]', '"Nov"]', "dates", "needs 12 names", id="eleven months"),
        pytest.param("[money.JPY]", "[money.jpy]", "money.jpy", "should match pattern", id="currency code"),
        pytest.param("minor_digits = 0", "minor_digits = -1", "money.JPY.minor_digits", "greater than or equal to 0",
                     id="out of range"),
        pytest.param('dates = "iso"', 'dates = "local"', "emails.dates", "'iso' or 'page'", id="not one of the choices"),
    ],
)  # fmt: skip
def test_a_bad_profile_is_refused_naming_the_file_the_field_and_what_is_wrong(
    tmp_path: Path, old: str, new: str, field: str, problem: str
) -> None:
    path = variant(tmp_path, old, new)

    with pytest.raises(ProfileError) as refused:
        load_profile(path)

    message = str(refused.value)
    assert str(path) in message, f"the error should name the file: {message}"
    assert f"{field}: " in message and problem in message, f"the error should name {field} and say {problem!r}: {message}"


def test_a_profile_that_is_not_toml_is_refused_with_its_line(tmp_path: Path) -> None:
    path = variant(tmp_path, 'heading = "Checkout"', 'heading = "Checkout')

    with pytest.raises(ProfileError, match=rf"{re.escape(str(path))}: is not valid TOML: .*line \d+"):
        load_profile(path)


def test_a_missing_profile_file_is_refused_naming_the_shipped_ones(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"nowhere\.toml: no such file .*mock-en"):
        load_profile(tmp_path / "nowhere.toml")


def test_every_problem_of_a_profile_is_listed_at_once(tmp_path: Path) -> None:
    path = tmp_path / "portal.toml"
    path.write_text('name = "half"\ntransaction = "CSN {csn}"\n', encoding="utf-8")

    with pytest.raises(ProfileError) as refused:
        load_profile(path)

    fields = [field for field, _ in refused.value.problems]
    assert "transaction" in fields and "dates" in fields and "checkout" in fields, fields
