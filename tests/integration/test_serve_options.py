"""Serving the portal to other machines: `renewals serve --mail-host / --allowed-hosts` (and their PORTAL_* twins)
reach the portal, and a host name the portal refuses (421) is reported with the portal's own words and the flag
that allows it, by `renewals doctor`, the mailbox probe and the test-control API client."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from automation import cli, doctor, endpoints
from automation.clients import AdminError, PortalAdmin
from mock_portal.server import PortalStack, PortalStackError

ROOT = Path(__file__).resolve().parents[2]
NAME = "portal-host"


@pytest.fixture
def recorded_stack(monkeypatch: pytest.MonkeyPatch, portal_env: None) -> list[dict[str, Any]]:
    """PortalStack as `python -m mock_portal serve` builds it, recorded and then refused, so nothing starts."""
    import mock_portal.__main__ as portal_main

    calls: list[dict[str, Any]] = []

    class Recorder:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            calls.append(kwargs)
            raise PortalStackError("recorded, not started")

    monkeypatch.setattr(portal_main, "PortalStack", Recorder)
    return calls


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--mail-host", "0.0.0.0", "--allowed-hosts", f"{NAME},10.0.0.5"], {}),
        ([], {"PORTAL_MAIL_HOST": "0.0.0.0", "PORTAL_ALLOWED_HOSTS": f"{NAME},10.0.0.5"}),
    ],
    ids=["flags", "environment twins"],
)
def test_serve_mail_host_and_allowed_hosts_reach_the_portal_stack(
    recorded_stack: list[dict[str, Any]], args: list[str], env: dict[str, str]
) -> None:
    result = CliRunner().invoke(cli.app, ["serve", *args], env=env)
    assert result.exit_code == 2, result.output  # the recorder refuses to start
    assert recorded_stack, "renewals serve never built a PortalStack"
    assert recorded_stack[0]["mail_host"] == "0.0.0.0"
    assert recorded_stack[0]["config"]["ALLOWED_HOSTS"] == [NAME, "10.0.0.5"]


def test_serve_without_mail_host_keeps_mail_on_loopback(recorded_stack: list[dict[str, Any]]) -> None:
    CliRunner().invoke(cli.app, ["serve", "--host", "0.0.0.0"])
    assert recorded_stack[0]["mail_host"] == "127.0.0.1"
    assert recorded_stack[0]["config"]["ALLOWED_HOSTS"] == []


def _serve(tmp_path: Path, *args: str) -> Iterator[dict[str, str]]:
    """`renewals serve ARGS` in its own process until the test is done; yields its summary's `Label: value` lines."""
    clean = {name: value for name, value in os.environ.items() if not name.startswith("PORTAL_")}
    process = subprocess.Popen(
        [sys.executable, "-c", "from automation.cli import app; app()", "serve", *args],
        cwd=ROOT,
        env=clean | {"PORTAL_DATABASE_URL": f"sqlite:///{tmp_path}/p.db"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    output = process.stdout
    assert output is not None

    def read() -> None:  # a thread, so a portal that never prints its summary fails the test instead of hanging it
        for line in output:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    summary: dict[str, str] = {}
    seen: list[str] = []
    try:
        while not seen or not seen[-1].startswith("Press Ctrl-C"):
            try:
                seen.append(lines.get(timeout=30).strip())
            except queue.Empty:
                pytest.fail(f"renewals serve did not start: {seen}")
            label, _, value = seen[-1].partition(": ")
            summary[label.strip()] = value.strip()
        yield summary
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The portal served for a remote test machine: mail on another loopback address, one extra name allowed."""
    free = ["--port", "0", "--smtp-port", "0", "--mail-port", "0"]
    yield from _serve(tmp_path, *free, "--testing", "--mail-host", "127.0.0.2", "--allowed-hosts", NAME)


def test_served_portal_answers_the_allowed_name_on_both_apis_and_mail_moves_to_mail_host(served: dict[str, str]) -> None:
    portal, mail = served["Portal"], served["Mail API"].removesuffix("/api/v1/")
    port, mail_port = portal.rsplit(":", 1)[1], mail.rsplit(":", 1)[1]
    assert mail == f"http://127.0.0.2:{mail_port}", "--mail-host did not move the mail API"
    test_api = f"{portal}/__test__/openapi.json"
    assert httpx.get(test_api, headers={"Host": f"{NAME}:{port}"}).status_code == 200
    assert httpx.get(test_api, headers={"Host": "other-host"}).status_code == 421
    messages = f"{mail}/api/v1/messages?limit=1"
    assert httpx.get(messages, headers={"Host": f"{NAME}:{mail_port}"}).status_code == 200
    assert httpx.get(messages, headers={"Host": "other-host"}).status_code == 421
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{mail_port}/api/v1/messages?limit=1")  # nothing left on the old address


# --- a refused host name, as a test machine sees it -------------------------------------------------------------


@pytest.fixture
def portal_host(monkeypatch: pytest.MonkeyPatch) -> None:
    """`portal-host` resolves to this machine, as the test machine's DNS resolves the portal machine's name."""
    resolve = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        return resolve("127.0.0.1" if host == NAME else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_doctor_shows_the_portals_421_and_how_to_allow_the_name(stack: PortalStack, portal_host: None) -> None:
    port = stack.base_url.rsplit(":", 1)[1]
    base_url = f"http://{NAME}:{port}"
    assert doctor.portal(base_url).ok, "the portal's pages answer any name; only the APIs check it"
    check = doctor.test_api(base_url)
    assert not check.ok
    assert check.detail.startswith("HTTP 421: Host 'portal-host:"), check.detail
    assert "--allowed-hosts portal-host" in check.detail, "the portal's own message is not shown"
    assert "start the portal" not in check.fix, "a running portal that refuses the name is not a missing one"
    assert "--allowed-hosts portal-host" in check.fix and "PORTAL_ALLOWED_HOSTS=portal-host" in check.fix


def test_the_mailbox_probe_shows_the_mail_apis_421_not_a_wrong_server(stack: PortalStack, portal_host: None) -> None:
    assert stack.mail_api_url is not None
    mailbox_url = f"http://{NAME}:{stack.mail_api_url.rsplit(':', 1)[1]}"
    problem = endpoints.mailbox_problem(mailbox_url) or ""
    assert "refused its host name: Host 'portal-host:" in problem, problem
    assert "not a Mailpit API" not in problem
    assert "--allowed-hosts portal-host" in problem.partition(" — ")[2], "the fix is not after the dash doctor splits on"


def test_doctor_shows_any_json_error_the_test_api_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    body = b'{"error": "no Content-Type refused: send Content-Type: application/json", "status": 415}'
    monkeypatch.setattr(endpoints, "http_get", lambda url, timeout=0: endpoints.Answer(415, body=body))
    check = doctor.test_api("http://127.0.0.1:5000")
    assert check.detail == "HTTP 415: no Content-Type refused: send Content-Type: application/json"
    assert "start the portal" not in check.fix


def test_the_admin_client_passes_on_the_portals_421(stack: PortalStack, portal_host: None) -> None:
    admin = PortalAdmin(f"http://{NAME}:{stack.base_url.rsplit(':', 1)[1]}")
    with pytest.raises(AdminError) as refused:
        admin.portal_faults()
    assert refused.value.status == 421
    assert re.search(
        r"--allowed-hosts portal-host .*\(HTTP 421 from http://portal-host:\d+/__test__/faults\)", str(refused.value)
    )
