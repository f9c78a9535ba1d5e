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


def portal_problem(base_url: str) -> str | None:
    """Why the portal at base_url can't be used, or None when its sign-in page answers."""
    if urlparse(base_url).scheme not in {"http", "https"}:
        return f"--base-url {base_url!r} must start with http:// or https://"
    answer = http_get(base_url.rstrip("/") + "/login")
    if answer.status is None:
        return f"no portal at {base_url} ({answer.error}) — {SERVE_HINT}"
    if answer.status != 200:
        return f"{base_url}/login answered HTTP {answer.status}, so that is not the portal — check --base-url / RENEWALS_BASE_URL"
    return None


def mailbox_problem(mailbox_url: str) -> str | None:
    """Why the Mailpit-compatible API at mailbox_url can't be used, or None when it lists messages."""
    if urlparse(mailbox_url).scheme not in {"http", "https"}:
        return f"--mailbox-url {mailbox_url!r} must start with http:// or https://"
    answer = http_get(mailbox_url.rstrip("/") + "/api/v1/messages?limit=1")
    if answer.status is None:
        return f"no mailbox at {mailbox_url} ({answer.error}) — {SERVE_HINT}, or point --mailbox-url at a Mailpit"
    if answer.status == 421:
        return f"{mailbox_url} refused its host name: {error_message(answer) or 'HTTP 421'} — {allow_host_fix(mailbox_url)}"
    if answer.status != 200:
        return (
            f"{mailbox_url}/api/v1/messages answered HTTP {answer.status}, so that is not a Mailpit API — "
            "check --mailbox-url / RENEWALS_MAILBOX_URL"
        )
    return None


def require(base_url: str, mailbox_url: str) -> None:
    """Raise Unreachable naming the first of the portal and the mailbox that is not there."""
    problem = portal_problem(base_url) or mailbox_problem(mailbox_url)
    if problem:
        raise Unreachable(problem)
