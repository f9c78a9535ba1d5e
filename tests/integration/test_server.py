"""PortalStack and `python -m mock_portal`: real HTTP on waitress, mail to the catcher, ports freed on stop."""

from __future__ import annotations

import json
import re
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from automation.clients import Mailbox, PortalAdmin
from mock_portal.__main__ import build_parser, main
from mock_portal.config import ConfigError
from mock_portal.server import PortalStack, PortalStackError


def http(method: str, url: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@pytest.fixture
def stack_factory(tmp_path: Path, portal_env: None) -> Iterator[Any]:
    """Start PortalStacks on free ports with their own database; all are stopped afterwards."""
    started: list[PortalStack] = []

    def start(**options: Any) -> PortalStack:
        stack = PortalStack(
            port=0, smtp_port=0, mail_port=0, database_url=f"sqlite:///{tmp_path}/s{len(started)}.db", **options
        )
        started.append(stack.start())
        return stack

    yield start
    for stack in started:
        stack.stop()


def test_the_stack_serves_the_portal_over_real_http(stack_factory: Any) -> None:
    stack = stack_factory()

    status, page = http("GET", stack.base_url + "/login")

    assert status == 200 and b"Sign in" in page
    assert stack.demo is not None and stack.demo.email == "demo@portal.example"


def test_the_test_api_is_absent_unless_testing(stack_factory: Any) -> None:
    stack = stack_factory(testing=False)

    status, _ = http("POST", stack.base_url + "/__test__/accounts", {})

    assert status == 404


def test_in_testing_mode_a_reminder_links_to_this_portal(stack_factory: Any) -> None:
    stack = stack_factory(testing=True, seed_demo=False)
    assert stack.mail_api_url is not None
    with PortalAdmin(stack.base_url) as admin, Mailbox(stack.mail_api_url) as mailbox:
        (number,) = admin.create_account([{"renewal_in_days": 10}]).numbers

        assert admin.run_reminders() == 1

        (message,) = mailbox.search(f'subject:"{number}"')
        assert f"{stack.base_url}/subscriptions/{number}/renew" in mailbox.get(message.id).text


def test_stop_frees_every_port(stack_factory: Any) -> None:
    stack = stack_factory()
    ports = [int(stack.base_url.rsplit(":", 1)[1]), stack.smtp_port, int(stack.mail_api_url.rsplit(":", 1)[1])]

    stack.stop()

    assert all(port_is_free(port) for port in ports), ports


def test_a_port_in_use_is_a_clear_error(stack_factory: Any, tmp_path: Path) -> None:
    running = stack_factory()
    port = int(running.base_url.rsplit(":", 1)[1])

    with pytest.raises(PortalStackError, match=f"port {port} is in use.*--port 0"):
        PortalStack(port=port, smtp_port=0, mail_port=0, database_url=f"sqlite:///{tmp_path}/other.db").start()


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::"])
def test_testing_mode_refuses_a_host_other_machines_can_reach(host: str) -> None:
    with pytest.raises(PortalStackError, match="force"):
        PortalStack(host=host, testing=True)


def test_testing_mode_on_a_public_host_is_allowed_when_forced() -> None:
    PortalStack(host="0.0.0.0", testing=True, force=True)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LocalHost", "portal.localhost", "::1", "[::1]"])
def test_testing_mode_on_loopback_needs_no_force(host: str) -> None:
    PortalStack(host=host, testing=True)  # the names the test API's Host check takes as loopback, too


@pytest.mark.parametrize(
    ("options", "named"),
    [({"host": "nosuch.invalid"}, "--host / PORTAL_HOST"), ({"mail_host": "nosuch.invalid"}, "--mail-host / PORTAL_MAIL_HOST")],
)
def test_a_host_that_cannot_be_listened_on_names_its_flag(
    options: dict[str, str], named: str, tmp_path: Path, portal_env: None
) -> None:
    stack = PortalStack(port=0, smtp_port=0, mail_port=0, database_url=f"sqlite:///{tmp_path}/p.db", **options)

    with pytest.raises(PortalStackError, match=f"^{re.escape(named)}: cannot listen on 'nosuch.invalid'"):
        stack.start()


def test_the_catchers_allowed_hosts_pass_the_apps_rule(
    tmp_path: Path, portal_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTAL_ALLOWED_HOSTS", "portal.test,bad host")
    stack = PortalStack(port=0, smtp_port=0, mail_port=0, database_url=f"sqlite:///{tmp_path}/p.db")

    with pytest.raises(ConfigError, match="^PORTAL_ALLOWED_HOSTS: 'bad host'"):
        stack.start()


def test_every_flag_has_an_environment_twin(monkeypatch: pytest.MonkeyPatch) -> None:
    twins = {
        "PORTAL_HOST": "127.0.0.2", "PORTAL_PORT": "5001", "PORTAL_SMTP_PORT": "1026", "PORTAL_MAIL_PORT": "8026",
        "PORTAL_TESTING": "1", "PORTAL_DATABASE_URL": "sqlite:///x.db", "PORTAL_KEEP_DATA": "true",
    }  # fmt: skip
    for name, value in twins.items():
        monkeypatch.setenv(name, value)

    args = build_parser().parse_args(["serve"])

    assert (args.host, args.port, args.smtp_port, args.mail_port) == ("127.0.0.2", 5001, 1026, 8026)
    assert (args.testing, args.database_url, args.keep_data) == (True, "sqlite:///x.db", True)


def test_a_bad_port_is_refused_with_a_clear_message(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--port", "70000"])

    assert "70000 is not a port number" in capsys.readouterr().err


def test_the_reminders_command_sends_and_says_how_many(stack_factory: Any, capsys: pytest.CaptureFixture[str]) -> None:
    stack = stack_factory(seed_demo=True)
    database = stack.database_url

    code = main(["reminders", "--database-url", database, "--smtp-port", str(stack.smtp_port),
                 "--base-url", stack.base_url])  # fmt: skip

    assert code == 0
    assert "Sent 7 renewal reminder(s)" in capsys.readouterr().out  # the demo's seven renewable subscriptions
    assert main(["reminders", "--database-url", database, "--smtp-port", str(stack.smtp_port)]) == 0
    assert "Sent 0 renewal reminder(s)" in capsys.readouterr().out


def catcher_listens_on(stack: PortalStack) -> set[str]:
    """The addresses the embedded catcher's SMTP and HTTP sockets are bound to (what other machines could reach)."""
    catcher = stack.catcher
    assert catcher is not None and catcher._smtp is not None and catcher._http is not None
    smtp = {s.getsockname()[0] for s in catcher._smtp.server.sockets}
    return smtp | {catcher._http._server.socket.getsockname()[0]}


def test_host_alone_moves_only_the_portal_not_the_mail_api_or_smtp(stack_factory: Any) -> None:
    stack = stack_factory(host="0.0.0.0", seed_demo=False)

    assert catcher_listens_on(stack) == {"127.0.0.1"}
    assert stack.mail_api_url is not None and stack.mail_api_url.startswith("http://127.0.0.1:")
    assert stack.smtp_host == "127.0.0.1"


def test_mail_host_moves_the_mail_api_and_smtp_catcher(stack_factory: Any) -> None:
    stack = stack_factory(mail_host="0.0.0.0", seed_demo=False)

    assert catcher_listens_on(stack) == {"0.0.0.0"}
    assert stack.smtp_host == "127.0.0.1", "the portal mails the wildcard-bound catcher over loopback"
    assert stack.mail_api_url is not None and stack.mail_api_url.startswith("http://127.0.0.1:")
    status, _ = http("GET", stack.mail_api_url + "/api/v1/messages")
    assert status == 200
