"""Portal-wide faults injected through the test-control API (testing mode only): added latency and server errors
on chosen routes, optionally only for one account's requests. The /__test__/ paths themselves are never faulted."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from .blueprints.auth import current_user

MAX_LATENCY_MS = 30_000  # a fault slows a page; it must not hang a worker thread for good
MAX_RULES = 20
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
ERROR_STATUSES = range(500, 600)
ROUTE_PATTERN = r"^/[^?#\s]*$"
TEST_API_PATTERN = r"^/__test__(/|$)"
MAX_ROUTE_LENGTH = 200
_EXTENSION = "portal_faults"


@dataclass(frozen=True, kw_only=True)
class Rule:
    """Where a fault applies: a route (the path and everything under it), some methods (None: all), one account
    (None: every visitor, signed in or not)."""

    route: str
    methods: tuple[str, ...] | None = None
    account_id: int | None = None

    def matches(self, method: str, path: str, account_id: int | None) -> bool:
        """Whether a request is faulted by this rule."""
        prefix = self.route.rstrip("/")
        on_route = path == self.route or path == prefix or path.startswith(prefix + "/")
        return (
            on_route
            and (self.methods is None or method in self.methods)
            and (self.account_id is None or self.account_id == account_id)
        )


@dataclass(frozen=True, kw_only=True)
class Latency(Rule):
    """Wait `ms` milliseconds before answering."""

    ms: int


@dataclass(frozen=True, kw_only=True)
class ErrorRule(Rule):
    """Answer with server error `status` instead of the page."""

    status: int


@dataclass(frozen=True)
class PortalFaults:
    """Every portal-wide fault in force."""

    latency: tuple[Latency, ...] = field(default=())
    errors: tuple[ErrorRule, ...] = field(default=())

    def account_ids(self) -> set[int]:
        """The accounts some rule is limited to."""
        return {r.account_id for r in (*self.latency, *self.errors) if r.account_id is not None}


class InjectedError(HTTPException):
    """The server error a fault rule asked for; rendered as the portal's usual error page."""

    def __init__(self, status: int, method: str, path: str) -> None:
        super().__init__(
            description=f"An error was injected for testing: {method} {path} answers {status} while the fault is set "
            "(PUT /__test__/faults). Clear it with DELETE /__test__/faults."
        )
        self.code = status


# --- state and the hook -------------------------------------------------------------------------------------------


def current(app: Flask | None = None) -> PortalFaults:
    """The portal-wide faults in force."""
    return (app or current_app).extensions.get(_EXTENSION, PortalFaults())  # type: ignore[no-any-return]


def set_faults(faults: PortalFaults, app: Flask | None = None) -> None:
    """Put these faults in force for every following request (one assignment: threads see old or new, never half)."""
    (app or current_app).extensions[_EXTENSION] = faults


def _fault(app: Flask) -> None:
    faults = current(app)
    if not (faults.latency or faults.errors) or re.match(TEST_API_PATTERN, request.path):
        return
    account_id = None
    if faults.account_ids():
        user = current_user()
        account_id = user.account_id if user is not None else None
    method, path = request.method, request.path
    delay = max((r.ms for r in faults.latency if r.matches(method, path, account_id)), default=0)
    if delay:
        time.sleep(delay / 1000)
        g.injected_latency_ms = delay
    for rule in faults.errors:
        if rule.matches(method, path, account_id):
            current_user()  # the error page shows the navigation of whoever is signed in
            raise InjectedError(rule.status, method, path)


def _report_latency(response: Response) -> Response:
    """Say in a Server-Timing header (shown by browser dev tools) how long a fault held the answer back."""
    if "injected_latency_ms" in g:
        response.headers.add("Server-Timing", f'injected-latency;dur={g.injected_latency_ms};desc="fault injected"')
    return response


def init_app(app: Flask) -> None:
    """In testing mode, start with no faults and apply them before every request."""
    if not app.config["TESTING"]:
        return
    set_faults(PortalFaults(), app)
    app.before_request(lambda: _fault(app))
    app.after_request(_report_latency)
