"""The `renewals` command line: options, their environment twins, validation (exit 2 naming the problem) and --locale."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
import typer.rich_utils
from cli_fixtures import NUMBER, SIGN_IN, invoke_fixture, plain_output  # noqa: F401 (fixtures)
from rich.console import Console

from automation import cli, runner
from automation.flows import RenewalResult
from automation.profile import PROFILES_DIR
from automation.selection import Selection
from automation.settings import STATE_DIR, RenewSettings

COMMANDS = ("renew", "bulk-renew", "serve", "demo", "doctor")


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace the browser run with a recorder: each call's settings, selection and mode; every rule holds."""
    calls: list[dict[str, Any]] = []

    def fake_run(settings: RenewSettings, selection: Selection, *, bulk: bool, console: Console | None = None) -> runner.Outcome:
        calls.append({"settings": settings, "selection": selection, "bulk": bulk})
        return runner.Outcome(results=[RenewalResult()])

    monkeypatch.setattr(runner, "run", fake_run)
    return calls


# --- help and environment twins ---------------------------------------------------------------------------------


def test_help_lists_every_command(invoke: Any) -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.output, f"`renewals --help` does not list {command}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_has_an_environment_twin_shown_in_help(invoke: Any, command: str) -> None:
    group = typer.main.get_command(cli.app)
    options = [p for p in group.commands[command].params if p.param_type_name == "option" and p.name != "help"]  # type: ignore[attr-defined]
    missing = [p.opts[0] for p in options if not p.envvar]
    assert not missing, f"`renewals {command}` options without an environment twin: {missing}"
    shown = invoke(command, "--help").output
    for option in options:
        assert f"[env var: {option.envvar}]" in shown, f"`renewals {command} --help` does not show {option.envvar}"


def test_environment_twins_reach_the_settings(invoke: Any, captured: list[dict[str, Any]], tmp_path: Path) -> None:
    env = {
        **SIGN_IN,
        "RENEWALS_BASE_URL": "http://portal.test:8080/",
        "RENEWALS_MAILBOX_URL": "http://mail.test:9025",
        "RENEWALS_BROWSER_PATH": "/opt/chrome/chrome",
        "RENEWALS_HEADED": "1",
        "RENEWALS_SLOWMO": "250",
        "RENEWALS_RENEW_NOW": "0",
        "RENEWALS_STORAGE_STATE": str(tmp_path / "state.json"),
        "RENEWALS_TRACE": str(tmp_path / "trace.zip"),
    }
    result = invoke("renew", NUMBER, env=env)
    assert result.exit_code == 0, result.output
    settings: RenewSettings = captured[0]["settings"]
    assert settings.base_url == "http://portal.test:8080"
    assert settings.mailbox_url == "http://mail.test:9025"
    assert (settings.email, settings.password) == ("qa@example.com", "secret")
    assert settings.browser.browser_path == "/opt/chrome/chrome"
    assert settings.browser.headed is True
    assert settings.browser.slowmo == 250
    assert settings.renew_now is False
    assert settings.storage_state == tmp_path / "state.json"
    assert settings.trace == tmp_path / "trace.zip"
    assert captured[0]["selection"].numbers == (NUMBER,)
    assert captured[0]["bulk"] is False


def test_a_flag_wins_over_its_environment_twin(invoke: Any, captured: list[dict[str, Any]]) -> None:
    env = {**SIGN_IN, "RENEWALS_BASE_URL": "http://from-env:1"}
    result = invoke("renew", NUMBER, "--base-url", "http://from-flag:2", "--no-renew-now", env=env)
    assert result.exit_code == 0, result.output
    assert captured[0]["settings"].base_url == "http://from-flag:2"
    assert captured[0]["settings"].renew_now is False


def test_defaults_point_at_make_serve_and_keep_one_sign_in_per_user(invoke: Any, captured: list[dict[str, Any]]) -> None:
    result = invoke("renew", NUMBER, env=SIGN_IN)
    assert result.exit_code == 0, result.output
    settings: RenewSettings = captured[0]["settings"]
    assert settings.base_url == "http://127.0.0.1:5000"
    assert settings.mailbox_url == "http://127.0.0.1:8025"
    assert settings.renew_now is True
    assert settings.storage_state is not None
    assert settings.storage_state.parent == STATE_DIR
    assert "qa@example.com" in settings.storage_state.name


def test_bulk_filters_come_from_flags_or_their_twins(invoke: Any, captured: list[dict[str, Any]]) -> None:
    env = {**SIGN_IN, "RENEWALS_CURRENCY": "eur", "RENEWALS_PAYMENT_METHOD": "direct_debit"}
    result = invoke("bulk-renew", "--csn", "1234567890", env=env)
    assert result.exit_code == 0, result.output
    selection: Selection = captured[0]["selection"]
    assert (selection.csn, selection.currency, selection.payment_method) == ("1234567890", "EUR", "direct_debit")
    assert selection.numbers == () and not selection.all_eligible
    assert captured[0]["bulk"] is True


def test_bulk_numbers_keep_their_order_without_repeats(invoke: Any, captured: list[dict[str, Any]]) -> None:
    numbers = [f"{n:012d}" for n in range(105, 0, -1)]
    result = invoke("bulk-renew", *numbers, numbers[0], env=SIGN_IN)
    assert result.exit_code == 0, result.output
    assert captured[0]["selection"].numbers == tuple(numbers)


# --- bad usage: exit 2 with a message naming the problem ------------------------------------------------------------


@pytest.mark.parametrize("bad", ["12345", "1234567890123", "12345678901a", "١٢٣٤٥٦٧٨٩٠١٢"])
def test_a_subscription_number_must_be_12_digits(invoke: Any, captured: list[dict[str, Any]], bad: str) -> None:
    result = invoke("renew", NUMBER, bad, env=SIGN_IN)
    assert result.exit_code == 2
    assert f"'{bad}' is not a subscription number" in result.output
    assert "12 digits" in result.output
    assert not captured, "nothing runs after bad usage"


def test_bulk_renew_needs_a_selection(invoke: Any, captured: list[dict[str, Any]]) -> None:
    result = invoke("bulk-renew", env=SIGN_IN)
    assert result.exit_code == 2
    assert "nothing selected" in result.output
    assert "--all-eligible" in result.output and "--csn" in result.output
    assert not captured


@pytest.mark.parametrize(
    ("args", "ways"),
    [
        ([NUMBER, "--all-eligible"], "subscription numbers and --all-eligible"),
        ([NUMBER, "--currency", "USD"], "subscription numbers and --csn/--currency/--payment-method"),
        (["--payment-method", "paypal", "--all-eligible"], "--csn/--currency/--payment-method and --all-eligible"),
    ],
)
def test_bulk_renew_takes_exactly_one_way_of_selecting(
    invoke: Any, captured: list[dict[str, Any]], args: list[str], ways: str
) -> None:
    result = invoke("bulk-renew", *args, env=SIGN_IN)
    assert result.exit_code == 2
    assert f"choose one way to select subscriptions, not {ways}" in result.output
    assert not captured


def test_an_unknown_payment_method_is_refused_with_the_known_ones(invoke: Any, captured: list[dict[str, Any]]) -> None:
    result = invoke("bulk-renew", "--payment-method", "cash", env=SIGN_IN)
    assert result.exit_code == 2
    assert "'cash' is not a payment method" in result.output
    assert "credit_card, paypal, direct_debit, konbini, atm_bank_transfer" in result.output
    assert not captured


@pytest.mark.parametrize(("option", "value"), [("--currency", "EURO"), ("--currency", "E1"), ("--csn", "12345")])
def test_a_malformed_filter_is_refused(invoke: Any, captured: list[dict[str, Any]], option: str, value: str) -> None:
    result = invoke("bulk-renew", option, value, env=SIGN_IN)
    assert result.exit_code == 2
    assert f"'{value}' is not a" in result.output and option in result.output
    assert not captured


@pytest.mark.parametrize(("missing", "flag"), [("RENEWALS_EMAIL", "--email"), ("RENEWALS_PASSWORD", "--password")])
def test_missing_credentials_say_which_flag_or_variable_to_set(
    invoke: Any, captured: list[dict[str, Any]], missing: str, flag: str
) -> None:
    env = {name: value for name, value in SIGN_IN.items() if name != missing}
    result = invoke("renew", NUMBER, env=env)
    assert result.exit_code == 2
    assert f"pass {flag} or set {missing}" in result.output
    assert not captured


def test_a_base_url_must_be_http(invoke: Any, captured: list[dict[str, Any]]) -> None:
    result = invoke("renew", NUMBER, "--base-url", "portal.test:5000", env=SIGN_IN)
    assert result.exit_code == 2
    assert "'portal.test:5000' is not an http:// or https:// address" in result.output


# --- --locale: the portal's language ------------------------------------------------------------------------------


def french_profile(tmp_path: Path) -> Path:
    """The English profile's names under fr-FR: enough to tell which profile a run got."""
    path = tmp_path / "portal-fr.toml"
    english = (PROFILES_DIR / "mock-en.toml").read_text(encoding="utf-8")
    path.write_text(english.replace('locale = "en-US"', 'locale = "fr-FR"'), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["renew", "bulk-renew"])
def test_a_locale_picks_its_bundled_profile_and_the_browsers_locale(
    invoke: Any, captured: list[dict[str, Any]], command: str
) -> None:
    result = invoke(command, NUMBER, env={**SIGN_IN, "RENEWALS_LOCALE": "en"})
    assert result.exit_code == 0, result.output
    settings: RenewSettings = captured[0]["settings"]
    assert settings.profile is not None and settings.profile.name == "mock-en"
    assert settings.locale == "en-US", "the browser context asks for the profile's locale"


def test_a_portal_profile_wins_over_the_locales_bundled_one_and_sets_the_browsers_locale(
    invoke: Any, captured: list[dict[str, Any]], tmp_path: Path
) -> None:
    path = french_profile(tmp_path)
    result = invoke("renew", NUMBER, "--locale", "fr", "--portal-profile", str(path), env=SIGN_IN)
    assert result.exit_code == 0, result.output
    settings: RenewSettings = captured[0]["settings"]
    assert settings.profile is not None and settings.profile.source == path
    assert settings.locale == "fr-FR"


def test_without_a_locale_the_browser_speaks_the_default_profiles_locale(invoke: Any, captured: list[dict[str, Any]]) -> None:
    result = invoke("renew", NUMBER, env=SIGN_IN)
    assert result.exit_code == 0, result.output
    assert (captured[0]["settings"].profile, captured[0]["settings"].locale) == (None, "en-US")


def test_an_unknown_locale_is_refused_naming_the_known_ones(invoke: Any, captured: list[dict[str, Any]]) -> None:
    result = invoke("renew", NUMBER, "--locale", "de", env=SIGN_IN)
    assert result.exit_code == 2
    assert "no bundled portal profile speaks 'de': use one of en, fr, ja" in " ".join(result.output.split())
    assert not captured


def test_a_locale_and_a_profile_of_another_language_are_refused_naming_both(
    invoke: Any, captured: list[dict[str, Any]], tmp_path: Path
) -> None:
    result = invoke("bulk-renew", NUMBER, "--locale", "en", "--portal-profile", str(french_profile(tmp_path)), env=SIGN_IN)
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert "--locale en asks for the portal in 'en'" in output and "describes it in fr-FR" in output
    assert not captured
