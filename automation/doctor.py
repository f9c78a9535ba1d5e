"""`renewals doctor`: which browser, ffmpeg, ports and portal would be used, and what is missing with the fix."""

from __future__ import annotations

import os
import platform
import re
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import NamedTuple
from urllib.parse import urlparse

from automation import endpoints
from automation.browser import BrowserChoice, BrowserNotFound, find_chromium, playwright_browsers_dir
from automation.browser_options import BrowserOptions
from automation.ffmpeg import playwright_ffmpeg_path
from automation.fonts import CJK_FIX, describe, japanese_fonts

PORTAL_PORT, SMTP_PORT, MAIL_PORT = 5000, 1025, 8025
SETUP_FIX = "make setup  (or python -m automation.setup_browser)"
Finder = Callable[..., BrowserChoice]


class Check(NamedTuple):
    """One line of the doctor's report: what was checked, whether it is fine, what was seen, and the fix."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


@dataclass(frozen=True)
class DoctorReport:
    """Every check, and whether a browser can be had (which decides the exit code)."""

    checks: list[Check]
    browser_usable: bool


def versions() -> list[Check]:
    """Python and Playwright, as this interpreter sees them."""
    python = platform.python_version()
    checks = [Check("Python", tuple(map(int, python.split(".")[:2])) >= (3, 11), python, "use Python 3.11 or newer")]
    try:
        checks.append(Check("Playwright", True, version("playwright")))
    except PackageNotFoundError:
        checks.append(Check("Playwright", False, "not installed", "make setup  (pip install -e '.[dev]')"))
    return checks


def _browser_version(path: str) -> str:
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def browser(options: BrowserOptions, env: Mapping[str, str] | None = None, find: Finder | None = None) -> Check:
    """The local Chromium that find_chromium would pick, or why there is none and how to get one; with
    SELENIUM_REMOTE_URL set, whether that Selenium Grid answers instead (it starts the browsers then)."""
    grid = (os.environ if env is None else env).get("SELENIUM_REMOTE_URL")
    if grid:
        answer = endpoints.http_get(grid.rstrip("/") + "/status")
        ok = answer.status == 200
        detail = f"Selenium Grid {grid} " + ("answers /status" if ok else f"does not answer ({answer.error or answer.status})")
        return Check("Browser", ok, detail, "" if ok else "start the grid, or unset SELENIUM_REMOTE_URL to use a local one")
    find = find or find_chromium
    try:
        choice = find(options.browser_path, headless=not options.headed, env=env)
    except BrowserNotFound as error:
        return _no_browser(str(error), env)
    found_version = _browser_version(choice.path)
    return Check("Browser", True, f"{choice.kind}: {choice.path}" + (f"\n{found_version}" if found_version else ""))


def _no_browser(message: str, env: Mapping[str, str] | None) -> Check:
    problem, *rest = message.splitlines()
    if not rest:  # one line: "<what is wrong>. <what to do>."
        problem, _, advice = problem.partition(". ")
        return Check("Browser", False, problem + ".", advice or SETUP_FIX)
    looked = next((line for line in rest if line.startswith("Looked for:")), "")
    downloads = str(playwright_browsers_dir(env))
    places = [p for p in looked.removeprefix("Looked for:").split(",") if p.strip() and not p.strip().startswith(downloads)]
    detail = f"No Chromium found: none in Playwright's {downloads}, none of {len(places)} system names and places."
    # "command   (why)" lines from BrowserNotFound become "command (why)".
    fixes = [re.sub(r"\s{2,}", " ", line.strip()) for line in rest if line.startswith("  ")]
    return Check("Browser", False, detail, "\n".join(fixes) or SETUP_FIX)


def remote(options: BrowserOptions) -> list[Check]:
    """The Playwright server or CDP endpoint, when one is configured: can we reach it?"""
    checks = []
    if options.connect:
        where = urlparse(options.connect)
        port = where.port or (443 if where.scheme == "wss" else 80)
        ok = endpoints.port_in_use(port, where.hostname or "127.0.0.1", timeout=2.0)
        fix = (
            ""
            if ok
            else "start `python -m playwright run-server --host 127.0.0.1 --port 3000 --unsafe`, or unset RENEWALS_CONNECT"
        )
        checks.append(Check("Playwright server", ok, f"{options.connect} " + ("answers" if ok else "does not answer"), fix))
    if options.cdp:
        answer = endpoints.http_get(options.cdp.rstrip("/") + "/json/version")
        ok = answer.status == 200
        detail = f"{options.cdp} " + ("answers /json/version" if ok else f"does not answer ({answer.error or answer.status})")
        fix = "" if ok else "start Chromium with --remote-debugging-port (DEVELOPERS.md), or unset RENEWALS_CDP"
        checks.append(Check("CDP endpoint", ok, detail, fix))
    return checks


def ffmpeg(env: Mapping[str, str] | None = None) -> Check:
    """Playwright's ffmpeg, which video recording needs."""
    path = playwright_ffmpeg_path(env)
    if path.is_file() and os.access(path, os.X_OK):
        return Check("ffmpeg", True, f"{path} (for video)")
    return Check("ffmpeg", False, f"missing: {path}", SETUP_FIX)


def cjk_font(env: Mapping[str, str] | None = None) -> Check:
    """A font with Japanese glyphs, which the portal in Japanese needs (fontconfig's `fc-list :lang=ja`)."""
    found = japanese_fonts(env)
    if found is None:
        return Check("CJK font", True, "not checked: no fc-list (fontconfig) on the PATH")
    if found:
        return Check("CJK font", True, f"{describe(found)}, for Japanese")
    return Check("CJK font", False, "none: the portal in Japanese (--locale ja) would show empty boxes", CJK_FIX)


def port(name: str, number: int) -> Check:
    """Is a default port free, or held by the service that belongs there?"""
    label = f"Port {number}"
    if not endpoints.port_in_use(number):
        return Check(label, True, f"free (for the {name})")
    if name == "SMTP catcher":
        banner = endpoints.smtp_banner(number)
        ours = banner.startswith("220")
        what = f"an SMTP server ({banner[:40]})" if ours else "something that is not SMTP"
    else:
        path = "/login" if name == "portal" else "/api/v1/messages?limit=1"
        answer = endpoints.http_get(f"http://127.0.0.1:{number}{path}")
        ours = answer.status == 200
        what = (
            f"the {name}: {path.split('?')[0]} answers"
            if ours
            else f"something else: {path.split('?')[0]} -> {answer.status or answer.error}"
        )
    flag = {"portal": "--port", "SMTP catcher": "--smtp-port", "mail API": "--mail-port"}[name]
    fix = "" if ours else f"stop what holds port {number}, or serve on another: renewals serve {flag} N (0 = any free)"
    return Check(label, ours, f"in use by {what}", fix)


def portal(base_url: str) -> Check:
    """The portal at --base-url answers its sign-in page."""
    problem = endpoints.portal_problem(base_url)
    return _service_check("Portal", problem, f"{base_url} answers /login", "check --base-url / RENEWALS_BASE_URL")


def mailbox(mailbox_url: str) -> Check:
    """The Mailpit-compatible API at --mailbox-url lists messages."""
    problem = endpoints.mailbox_problem(mailbox_url)
    fix = "check --mailbox-url / RENEWALS_MAILBOX_URL"
    return _service_check("Mailbox", problem, f"{mailbox_url} answers /api/v1/messages", fix)


def _service_check(label: str, problem: str | None, answers: str, fix: str) -> Check:
    """A service's Check from its endpoints problem ("what — fix"), `fix` when the problem names none."""
    if not problem:
        return Check(label, True, answers)
    what, _, named_fix = problem.partition(" — ")
    return Check(label, False, what, named_fix or fix)


def test_api(base_url: str) -> Check:
    """The test-control API (/__test__/), which exists only when the portal runs with --testing."""
    answer = endpoints.http_get(base_url.rstrip("/") + "/__test__/openapi.json")
    if answer.status == 200:
        return Check("Test API", True, f"{base_url}/__test__/ is on")
    if answer.status == 404:
        return Check(
            "Test API", False, "off (404)", "start the portal with --testing (renewals serve --testing); the e2e suite needs it"
        )
    if answer.status is None:
        return Check("Test API", False, f"no answer ({answer.error})", "start the portal first")
    message = endpoints.error_message(answer)  # 421, 403, 415: the portal's refusal says what was wrong
    detail = f"HTTP {answer.status}: {message}" if message else f"HTTP {answer.status}"
    if answer.status == 421:
        return Check("Test API", False, detail, endpoints.allow_host_fix(base_url))
    return Check("Test API", False, detail, "do what the portal's message says" if message else "see the portal's log")


def run(
    base_url: str,
    mailbox_url: str,
    options: BrowserOptions,
    env: Mapping[str, str] | None = None,
    find: Finder | None = None,
) -> DoctorReport:
    """Run every check; a browser is usable when a configured remote answers, else when one is found locally."""
    local = browser(options, env, find)
    remotes = remote(options)
    checks = [
        *versions(),
        local,
        *remotes,
        ffmpeg(env),
        cjk_font(env),
        port("portal", PORTAL_PORT),
        port("SMTP catcher", SMTP_PORT),
        port("mail API", MAIL_PORT),
        portal(base_url),
        mailbox(mailbox_url),
    ]
    if checks[-2].ok:
        checks.append(test_api(base_url))
    usable = all(c.ok for c in remotes) if remotes else local.ok
    return DoctorReport(checks, usable)
