"""The `renewals` commands' outcomes: exit 1 with one line naming what broke or is missing, doctor's checks and
advice, and serve and demo passing their options on."""

from __future__ import annotations

import functools
import secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cli_fixtures import NUMBER, SIGN_IN, invoke_fixture, plain_output  # noqa: F401 (fixtures)
from stand_ins import closed_port

from automation import doctor, runner
from automation.browser import BrowserChoice, find_chromium
from automation.flows import RULE_ONE_EMAIL, RenewalResult


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
    missing = f"/no-browser-{secrets.token_hex(4)}"  # short (the table wraps long cells) and surely absent
    result = invoke(*doctor_args(), env={"RENEWALS_BROWSER_PATH": missing})
    assert result.exit_code == 1
    text = " ".join(result.output.split())  # the table wraps long cells
    assert f"'{missing}' (from RENEWALS_BROWSER_PATH) does not exist" in text
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
