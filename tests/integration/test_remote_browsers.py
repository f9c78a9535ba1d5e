"""The e2e suite runs through a remote browser: a Playwright server (`run-server`) or a CDP endpoint, on loopback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from automation.browser import find_chromium, launch_args

ROOT = Path(__file__).resolve().parents[2]
SUBSET = ["tests/e2e/test_renew_one.py", "-k", "needs_renew_now"]  # one real renewal through the browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the browser endpoint exited with {process.returncode}"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)  # polling a port that is coming up, bounded by the deadline
    raise AssertionError(f"nothing listened on 127.0.0.1:{port} within {timeout} s")


def _start(command: list[str], port: int) -> Iterator[None]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for_port(port, process)
        yield
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # run-server leaves a node child: end the whole group
        process.wait(timeout=30)


@pytest.fixture
def playwright_server() -> Iterator[str]:
    """`playwright run-server` on loopback; --unsafe lets the client name the local Chromium."""
    port = _free_port()
    command = [sys.executable, "-m", "playwright", "run-server", "--host", "127.0.0.1", "--port", str(port), "--unsafe"]
    yield from (f"ws://127.0.0.1:{port}/" for _ in _start(command, port))


@pytest.fixture
def cdp_endpoint(tmp_path: Path) -> Iterator[str]:
    """A headless Chromium listening for CDP on loopback."""
    port = _free_port()
    chromium = find_chromium(headless=False).path
    command = [chromium, "--headless=new", f"--remote-debugging-port={port}", f"--user-data-dir={tmp_path}", *launch_args()]
    yield from (f"http://127.0.0.1:{port}" for _ in _start(command, port))


def _suite(*options: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", "-o", "addopts=", *options, *SUBSET]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


def test_the_suite_runs_through_a_playwright_server(playwright_server: str) -> None:
    run = _suite("--connect", playwright_server)
    assert run.returncode == 0 and " passed" in run.stdout, run.stdout[-3000:] + run.stderr[-2000:]


def test_the_suite_runs_through_a_cdp_endpoint(cdp_endpoint: str) -> None:
    run = _suite("--cdp", cdp_endpoint)
    assert run.returncode == 0 and " passed" in run.stdout, run.stdout[-3000:] + run.stderr[-2000:]


def test_a_dead_endpoint_fails_the_run_rather_than_falling_back_to_a_local_browser() -> None:
    run = _suite("--connect", f"ws://127.0.0.1:{_free_port()}/")
    assert run.returncode != 0, "the suite must use the endpoint it was given"
