"""The `renewals` command line: options, their environment twins, validation, exit codes and one-line failures."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.rich_utils
from rich.console import Console
from stand_ins import closed_port
from typer.testing import CliRunner

from automation import cli, doctor, runner
from automation.browser import BrowserChoice, find_chromium
from automation.flows import RULE_ONE_EMAIL, RenewalResult
from automation.profile import PROFILES_DIR
from automation.selection import Selection
from automation.settings import STATE_DIR, RenewSettings

COMMANDS = ("renew", "bulk-renew", "serve", "demo", "doctor")
NUMBER = "123456789012"
SIGN_IN = {"RENEWALS_EMAIL": "qa@example.com", "RENEWALS_PASSWORD": "secret"}


@pytest.fixture(autouse=True)
def plain_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """80 columns and no colour, whatever the terminal or CI says, so assertions see plain text."""
    monkeypatch.setattr(cli, "out", Console(width=80, color_system=None, force_terminal=False))
    monkeypatch.setattr(cli, "err", Console(width=80, color_system=None, force_terminal=False, stderr=True))
    monkeypatch.setattr(typer.rich_utils, "MAX_WIDTH", 200)  # help and error panels: no wrapping inside names
    monkeypatch.setattr(typer.rich_utils, "COLOR_SYSTEM", None)
    for name in (
        "RENEWALS_EMAIL",
        "RENEWALS_PASSWORD",
        "RENEWALS_BASE_URL",
        "RENEWALS_BROWSER_PATH",
        "RENEWALS_CONNECT",
        "RENEWALS_CDP",
        "RENEWALS_LOCALE",
        "RENEWALS_PORTAL_PROFILE",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def invoke() -> Any:
    """Run `renewals ARGS` with extra environment variables; returns Typer's Result."""
    runner_ = CliRunner()
    return lambda *args, env=None: runner_.invoke(cli.app, list(args), env=env)


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace the browser run with a recorder: each call's settings, selection and mode; every rule holds."""
    calls: list[dict[str, Any]] = []

    def fake_run(settings: RenewSettings, selection: Selection, *, bulk: bool, console: Console | None = None) -> runner.Outcome:
        calls.append({"settings": settings, "selection": selection, "bulk": bulk})
        return runner.Outcome(results=[RenewalResult()])

    monkeypatch.setattr(runner, "run", fake_run)
    return calls


@pytest.fixture
def fake_portal() -> Iterator[str]:
    """An HTTP server whose /login answers 200, like the portal's sign-in page, and nothing else."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self.send_response(200 if self.path.startswith("/login") else 404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


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


# --- exit 1: a rule broke, or something the run needs is not there -------------------------------------------------


def test_a_broken_rule_exits_1_naming_the_rule(invoke: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    message = f"{RULE_ONE_EMAIL}: more than one confirmation email for order 1234567890"
    monkeypatch.setattr(runner, "run", lambda *a, **k: runner.Outcome(error=message))
    result = invoke("renew", NUMBER, env=SIGN_IN)
    assert result.exit_code == 1
    assert f"error: {message}" in result.output


def test_no_portal_exits_1_with_the_make_serve_hint(invoke: Any) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    result = invoke("renew", NUMBER, "--base-url", url, env=SIGN_IN)
    assert result.exit_code == 1
    assert f"error: no portal at {url} (connection refused) — start it with `make serve`" in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_no_mailbox_exits_1_naming_the_mailbox(invoke: Any, fake_portal: str) -> None:
    mail = f"http://127.0.0.1:{closed_port()}"
    result = invoke("bulk-renew", "--all-eligible", "--base-url", fake_portal, "--mailbox-url", mail, env=SIGN_IN)
    assert result.exit_code == 1
    assert f"error: no mailbox at {mail} (connection refused) — start it with `make serve`" in result.output


def test_something_else_at_the_portal_address_is_named(invoke: Any, fake_portal: str) -> None:
    result = invoke("renew", NUMBER, "--base-url", fake_portal, "--mailbox-url", fake_portal, env=SIGN_IN)
    assert result.exit_code == 1
    assert f"{fake_portal}/api/v1/messages answered HTTP 404, so that is not a Mailpit API" in result.output


def test_json_output_reports_an_unreachable_portal_too(invoke: Any) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    result = invoke("renew", NUMBER, "--json", "--base-url", url, env=SIGN_IN)
    assert result.exit_code == 1
    assert '"ok": false' in result.stdout
    assert f"no portal at {url}" in result.stdout


# --- doctor --------------------------------------------------------------------------------------------------------


def doctor_args() -> list[str]:
    return ["doctor", "--base-url", f"http://127.0.0.1:{closed_port()}", "--mailbox-url", f"http://127.0.0.1:{closed_port()}"]


def test_doctor_explains_a_browser_path_that_does_not_exist(invoke: Any) -> None:
    result = invoke(*doctor_args(), env={"RENEWALS_BROWSER_PATH": "/nonexistent"})
    assert result.exit_code == 1
    text = " ".join(result.output.split())  # the table wraps long cells
    assert "'/nonexistent' (from RENEWALS_BROWSER_PATH) does not exist" in text
    assert "Point RENEWALS_BROWSER_PATH at a Chromium or Chrome executable, or unset it" in text
    assert "No usable browser" in text


def test_doctor_explains_finding_no_browser_in_one_screen(invoke: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor, "find_chromium", functools.partial(find_chromium, playwright_paths=(), system_candidates=()))
    result = invoke(*doctor_args())
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "No Chromium found" in text
    for fix in (
        "python -m playwright install chromium",
        "apt-get install chromium",
        "RENEWALS_BROWSER_PATH=PATH",
        "python -m automation.setup_browser",
    ):
        assert fix in text, f"the doctor does not offer the fix {fix!r}"
    assert len(result.output.splitlines()) <= 25, result.output


def test_doctor_exits_0_when_a_browser_is_found_even_without_a_portal(invoke: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor, "find_chromium", lambda *a, **k: BrowserChoice("system", "/usr/bin/chromium-fake", "test"))
    monkeypatch.setattr(doctor, "_browser_version", lambda path: "Chromium 1.2.3")
    result = invoke(*doctor_args())
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "system: /usr/bin/chromium-fake" in text
    assert "no portal at" in text and "start it with `make serve`" in text
    assert "Browser usable" in text


def test_doctor_checks_a_configured_playwright_server(invoke: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor, "find_chromium", lambda *a, **k: BrowserChoice("system", "/usr/bin/chromium-fake", "test"))
    server = f"ws://127.0.0.1:{closed_port()}/"
    result = invoke(*doctor_args(), env={"RENEWALS_CONNECT": server})
    assert result.exit_code == 1, "a configured server that does not answer means no usable browser"
    assert f"{server} does not answer" in " ".join(result.output.split())


# --- serve and demo only parse and pass on --------------------------------------------------------------------------


def test_serve_passes_its_options_to_python_m_mock_portal(invoke: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import mock_portal.__main__ as portal_main

    seen: list[list[str]] = []

    def fake_main(argv: list[str]) -> int:
        seen.append(list(argv))
        return 0

    monkeypatch.setattr(portal_main, "main", fake_main)
    result = invoke("serve", "--port", "0", "--testing", env={"PORTAL_SMTP_PORT": "2525", "PORTAL_KEEP_DATA": "1"})
    assert result.exit_code == 0, result.output
    argv = seen[0]
    assert argv[0] == "serve"
    assert argv[argv.index("--port") + 1] == "0"
    assert argv[argv.index("--smtp-port") + 1] == "2525"
    assert "--testing" in argv and "--keep-data" in argv
    assert "--mail-port" not in argv, "unset options are left to mock_portal's own defaults"


def test_serve_exits_with_the_portals_exit_code(invoke: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import mock_portal.__main__ as portal_main

    monkeypatch.setattr(portal_main, "main", lambda argv: 2)
    assert invoke("serve").exit_code == 2


def test_demo_passes_its_options_to_run_demo(invoke: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import automation.demo as demo_module

    seen: list[Any] = []

    def fake_run_demo(options: Any, say: Any = print) -> Any:
        seen.append(options)
        return demo_module.DemoResult(
            video=None,
            trace=tmp_path / "trace.zip",
            summary=tmp_path / "summary.json",
            single=RenewalResult(),
            bulk=RenewalResult(),
        )

    monkeypatch.setattr(demo_module, "run_demo", fake_run_demo)
    env = {"RENEWALS_DEMO_HEADED": "1", "RENEWALS_DEMO_SEED": "7"}
    result = invoke("demo", "--out", str(tmp_path), "--no-video", "--slowmo", "100", env=env)
    assert result.exit_code == 0, result.output
    options = seen[0]
    assert options.out == tmp_path and options.video is False and options.seed == 7
    assert options.browser.headed is True and options.browser.slowmo == 100
    assert str(tmp_path / "summary.json") in result.output

    assert invoke("demo", "--out", str(tmp_path), "--no-video", env={"RENEWALS_LOCALE": "en"}).exit_code == 0
    assert seen[1].profile.name == "mock-en" and seen[1].profile.locale == "en-US", "--locale picks the demo's profile"
    refused = invoke("demo", "--out", str(tmp_path), "--locale", "xx")
    assert refused.exit_code == 2 and len(seen) == 2


def test_doctor_tells_the_portal_from_something_else_on_a_busy_port(fake_portal: str) -> None:
    port = int(fake_portal.rsplit(":", 1)[1])
    assert doctor.port("portal", port) == doctor.Check(f"Port {port}", True, "in use by the portal: /login answers")
    other = doctor.port("mail API", port)  # the fake answers /login but not /api/v1/messages
    assert not other.ok
    assert "something else" in other.detail and "--mail-port" in other.fix


def test_doctor_calls_a_free_port_free() -> None:
    port = closed_port()
    assert doctor.port("SMTP catcher", port).ok
    assert doctor.port("SMTP catcher", port).detail == "free (for the SMTP catcher)"


@pytest.fixture
def grid_status() -> Iterator[str]:
    """A stand-in Selenium Grid on loopback whose /status answers 200 (the hub's own health check)."""

    class Status(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self.send_response(200 if self.path.endswith("/status") else 404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Status)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/wd/hub"
    server.shutdown()
    server.server_close()


def test_doctor_with_a_selenium_grid_checks_the_grid_not_a_local_browser(
    invoke: Any, monkeypatch: pytest.MonkeyPatch, grid_status: str
) -> None:
    monkeypatch.setattr(doctor, "find_chromium", functools.partial(find_chromium, playwright_paths=(), system_candidates=()))
    answered = invoke(*doctor_args(), env={"SELENIUM_REMOTE_URL": grid_status})
    assert answered.exit_code == 0, answered.output
    assert f"Selenium Grid {grid_status} answers /status" in " ".join(answered.output.split())

    dead = f"http://127.0.0.1:{closed_port()}/wd/hub"
    refused = invoke(*doctor_args(), env={"SELENIUM_REMOTE_URL": dead})
    assert refused.exit_code == 1
    assert "unset SELENIUM_REMOTE_URL" in " ".join(refused.output.split())
