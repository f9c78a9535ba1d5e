"""Is the portal, the mailbox or a port there? Quick probes that answer in one line instead of a traceback."""

from __future__ import annotations

import http.client
import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlparse

PROBE_TIMEOUT_S = 2.0
SERVE_HINT = "start it with `make serve`"
# Local services ignore proxy settings, so the probes do too.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Unreachable(ConnectionError):
    """A service the command needs is not there; the message names it and the fix."""


@dataclass(frozen=True)
class Answer:
    """What an HTTP GET got: a status code, or why there was none."""

    status: int | None
    error: str = ""
    body: bytes = b""


def http_get(url: str, timeout: float = PROBE_TIMEOUT_S) -> Answer:
    """GET a URL without following proxies; HTTP errors are answers too."""
    try:
        with _OPENER.open(url, timeout=timeout) as response:
            return Answer(response.status, body=response.read(65536))
    except urllib.error.HTTPError as error:
        return Answer(error.code, body=_error_body(error))
    except (OSError, ValueError) as error:  # refused, reset, DNS failure, timeout, bad URL
        return Answer(None, _reason(getattr(error, "reason", error)))


def _error_body(error: urllib.error.HTTPError) -> bytes:
    try:
        return error.read(65536)
    except (OSError, http.client.HTTPException):  # the status is the answer; a body cut short is no body
        return b""


def error_message(answer: Answer) -> str:
    """The `error` field of a JSON refusal (the portal's and the mail API's say what to change), or ''."""
    try:
        return str(json.loads(answer.body)["error"])
    except (ValueError, KeyError, TypeError):
        return ""


def allow_host_fix(url: str) -> str:
    """What to do about a 421: the server must be told the host name this URL uses."""
    name = urlparse(url).hostname or "NAME"
    return (
        f"allow the name on the portal's machine: serve with --allowed-hosts {name} (or PORTAL_ALLOWED_HOSTS={name}); "
        "the test and mail APIs are unauthenticated, so allow only names you use"
    )


def _reason(error: object) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, TimeoutError):
        return "no answer"
    return str(getattr(error, "strerror", None) or error)


def port_in_use(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    """True when something accepts connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def smtp_banner(port: int, host: str = "127.0.0.1", timeout: float = 1.0) -> str:
    """The first line an SMTP server sends (e.g. `220 … ESMTP`), or '' when none came."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as conn:
            return conn.recv(512).decode("latin-1").splitlines()[0].strip()
    except (OSError, IndexError):
        return ""


@dataclass(frozen=True)
class _Service:
    """A service the harness needs: the flag that locates it and the page that shows it is there."""

    name: str
    flag: str
    env: str
    path: str  # answers 200 when the service is there
    what: str  # what a 200 there proves it is
    absent_fix: str


_PORTAL = _Service("portal", "--base-url", "RENEWALS_BASE_URL", "/login", "the portal", SERVE_HINT)
_MAILBOX = _Service(
    "mailbox", "--mailbox-url", "RENEWALS_MAILBOX_URL", "/api/v1/messages?limit=1", "a Mailpit API",
    f"{SERVE_HINT}, or point --mailbox-url at a Mailpit",
)  # fmt: skip


def _problem(service: _Service, url: str) -> str | None:
    if urlparse(url).scheme not in {"http", "https"}:
        return f"{service.flag} {url!r} must start with http:// or https://"
    answer = http_get(url.rstrip("/") + service.path)
    if answer.status is None:
        return f"no {service.name} at {url} ({answer.error}) — {service.absent_fix}"
    if answer.status == 421:  # the test and mail APIs answer only the host names they were told
        return f"{url} refused its host name: {error_message(answer) or 'HTTP 421'} — {allow_host_fix(url)}"
    if answer.status != 200:
        return (
            f"{url}{service.path.split('?')[0]} answered HTTP {answer.status}, so that is not {service.what} — "
            f"check {service.flag} / {service.env}"
        )
    return None


def portal_problem(base_url: str) -> str | None:
    """Why the portal at base_url can't be used, or None when its sign-in page answers."""
    return _problem(_PORTAL, base_url)


def mailbox_problem(mailbox_url: str) -> str | None:
    """Why the Mailpit-compatible API at mailbox_url can't be used, or None when it lists messages."""
    return _problem(_MAILBOX, mailbox_url)


def require(base_url: str, mailbox_url: str) -> None:
    """Raise Unreachable naming the first of the portal and the mailbox that is not there."""
    problem = portal_problem(base_url) or mailbox_problem(mailbox_url)
    if problem:
        raise Unreachable(problem)
