"""Keep the test-control API (and the mail API) to this machine's own scripts and pages.

A web page open in the tester's browser can send "simple" cross-site requests (a form, or fetch with text/plain)
without asking first, and a DNS-rebinding page can even read the answers under its own name. So: only a Host this
server knows (loopback, the portal's public URL, ALLOWED_HOSTS); no request from another site's page (Origin,
Sec-Fetch-Site); and every write as application/json, which no page can send cross-site without a CORS preflight,
which neither API ever grants."""

from __future__ import annotations

import contextlib
import ipaddress
import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, request
from werkzeug.wrappers import Request

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SAME_ORIGIN_FETCHES = frozenset({"same-origin", "none"})  # "none": typed in the address bar, a bookmark
WILDCARDS = frozenset({"", "0.0.0.0", "::"})  # a listening address, never a name to answer to
TEST_API_PREFIX = "/__test__"
Refusal = tuple[int, str]


def host_name(host: str) -> str:
    """The name in a Host header or configured host, lower-cased, without port or IPv6 brackets: `[::1]:5000` → `::1`."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:  # name:port; more colons is a bare IPv6 address
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def parse_hosts(value: Any) -> list[str]:
    """Host names from a list, or from text (PORTAL_ALLOWED_HOSTS) that is comma-separated or a JSON list."""
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            with contextlib.suppress(ValueError):  # not JSON after all: read it as names separated by commas
                value = json.loads(text)
        if isinstance(value, str):
            value = value.split(",")
    names = (host_name(str(item)) for item in value)
    return [name for name in names if name not in WILDCARDS]


def is_loopback(host: str) -> bool:
    """Only this machine answers to `host` (a Host header or an address to listen on): localhost, *.localhost
    (RFC 6761), 127.0.0.0/8, ::1."""
    name = host_name(host)
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_refusal(host: str, allowed: Iterable[str]) -> Refusal | None:
    """421 unless `host` (a Host header) is loopback or one of the `allowed` names."""
    name = host_name(host)
    if is_loopback(name) or name in {host_name(a) for a in allowed}:
        return None
    return 421, (
        f"Host {host[:100]!r} refused: this server answers only to localhost, 127.0.0.1 and names it is told, so a "
        f"page can't reach it by DNS rebinding. Use http://localhost:PORT, or allow the name with --allowed-hosts "
        f"{host_name(host)[:100]} or PORTAL_ALLOWED_HOSTS={host_name(host)[:100]} (comma-separated)."
    )


def cross_site_refusal(origin: str | None, fetch_site: str | None, own_origin: str) -> Refusal | None:
    """403 for a request a browser marks as coming from another site's page (Sec-Fetch-Site, Origin, `null` too)."""
    if fetch_site is not None and fetch_site.strip().lower() not in SAME_ORIGIN_FETCHES:
        return 403, (
            f"cross-site request refused (Sec-Fetch-Site: {fetch_site[:40]}): this API takes requests only from "
            "scripts and this server's own pages, never from another site's page"
        )
    if origin is not None and origin.strip().lower() != own_origin.lower():
        return 403, (
            f"cross-site request refused: Origin {origin[:100]!r} is not this server's origin {own_origin!r}; "
            "this API takes requests only from scripts and this server's own pages"
        )
    return None


def content_type_refusal(method: str, content_type: str | None) -> Refusal | None:
    """415 for a write (not GET/HEAD/OPTIONS) whose Content-Type is not application/json, even one with no body."""
    if method.upper() in SAFE_METHODS:
        return None
    if (content_type or "").split(";", 1)[0].strip().lower() == "application/json":
        return None
    sent = f"Content-Type {content_type[:100]!r}" if content_type else "no Content-Type"
    return 415, (
        f"{sent} refused: send Content-Type: application/json with every {method.upper()} to this API, "
        "even with no body (a web page can't send that cross-site without a preflight)"
    )


def refusal(req: Request, allowed_hosts: Iterable[str], *, json_writes: bool = True) -> Refusal | None:
    """Why `req` is refused, if it is: a foreign Host first, then another site's page, then a write that isn't JSON.
    Without `json_writes` the cross-site check covers only writes (GETs stay open to links from other pages)."""
    own_origin = f"{req.scheme}://{req.host}"
    found = host_refusal(req.host, allowed_hosts)
    if found is None and (json_writes or req.method not in SAFE_METHODS):
        found = cross_site_refusal(req.headers.get("Origin"), req.headers.get("Sec-Fetch-Site"), own_origin)
    if found is None and json_writes:
        found = content_type_refusal(req.method, req.headers.get("Content-Type"))
    return found


def portal_hosts(config: Any) -> list[str]:
    """The names the portal's test API answers to besides loopback: PUBLIC_URL's host and ALLOWED_HOSTS."""
    public = urlsplit(config.get("PUBLIC_URL") or "").hostname
    return ([public] if public else []) + parse_hosts(config.get("ALLOWED_HOSTS"))


def init_app(app: Flask) -> None:
    """Guard every /__test__/ path, known or not (call only in testing mode, where that API is mounted)."""

    @app.before_request
    def _guard_test_api() -> None:
        if request.path != TEST_API_PREFIX and not request.path.startswith(TEST_API_PREFIX + "/"):
            return
        found = refusal(request, portal_hosts(current_app.config))
        if found is not None:
            abort(found[0], description=found[1])
