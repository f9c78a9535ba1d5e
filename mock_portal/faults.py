"""Portal-wide faults injected through the test-control API (testing mode only): added latency and server errors
on chosen routes, optionally only for one account's requests. The /__test__/ paths themselves are never faulted."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

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


class FaultSpecError(ValueError):
    """A fault rule is malformed; the message names the field."""


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

    def to_json(self) -> dict[str, Any]:
        """The rule as the API shows it."""
        return {"route": self.route, "methods": list(self.methods) if self.methods else None, "account_id": self.account_id}


@dataclass(frozen=True, kw_only=True)
class Latency(Rule):
    """Wait `ms` milliseconds before answering."""

    ms: int

    def to_json(self) -> dict[str, Any]:
        """The rule as the API shows it."""
        return super().to_json() | {"ms": self.ms}


@dataclass(frozen=True, kw_only=True)
class ErrorRule(Rule):
    """Answer with server error `status` instead of the page."""

    status: int

    def to_json(self) -> dict[str, Any]:
        """The rule as the API shows it."""
        return super().to_json() | {"status": self.status}


@dataclass(frozen=True)
class PortalFaults:
    """Every portal-wide fault in force."""

    latency: tuple[Latency, ...] = field(default=())
    errors: tuple[ErrorRule, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The faults as the API shows them."""
        return {"latency": [r.to_json() for r in self.latency], "errors": [r.to_json() for r in self.errors]}

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


# --- parsing what PUT /__test__/faults sends ----------------------------------------------------------------------


def shown(value: Any) -> str:
    """A value sent, as JSON, cut short for a message."""
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _int(value: Any, where: str, low: int, high: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FaultSpecError(f"{where}: must be {what} from {low} to {high}, got {shown(value)}")
    return value


def _rule_fields(item: Any, where: str, extra: str) -> dict[str, Any]:
    allowed = {"route", "methods", "account_id", extra}
    if not isinstance(item, dict):
        raise FaultSpecError(f"{where}: must be an object with {', '.join(sorted(allowed))}")
    for key in item:
        if key not in allowed:
            raise FaultSpecError(f"{where}.{str(key)[:60]}: unknown field; allowed fields are {', '.join(sorted(allowed))}")
    for key in ("route", extra):
        if key not in item:
            raise FaultSpecError(f"{where}.{key}: required")
    route = item["route"]
    if not isinstance(route, str) or len(route) > MAX_ROUTE_LENGTH or not re.search(ROUTE_PATTERN, route):
        raise FaultSpecError(
            f"{where}.route: must be a path starting with / (no query, no spaces, at most {MAX_ROUTE_LENGTH} "
            f"characters), e.g. \"/checkout\"; got {shown(route)}"
        )
    if re.match(TEST_API_PATTERN, route):
        raise FaultSpecError(f"{where}.route: the test-control API ({shown(route)}) is never faulted; choose a portal page")
    fields: dict[str, Any] = {"route": route}
    if "methods" in item:
        methods = item["methods"]
        if not isinstance(methods, list) or not methods or any(m not in METHODS for m in methods):
            raise FaultSpecError(
                f"{where}.methods: must be a non-empty list of {', '.join(METHODS)} (upper case), "
                f"got {shown(methods)}; omit it for every method"
            )
        fields["methods"] = tuple(dict.fromkeys(methods))
    if "account_id" in item:
        fields["account_id"] = _int(item["account_id"], f"{where}.account_id", 1, 2**63 - 1, "an account id")
    return fields


def _latency(item: Any, where: str) -> Latency:
    fields = _rule_fields(item, where, "ms")
    ms = _int(item["ms"], f"{where}.ms", 0, MAX_LATENCY_MS, "whole milliseconds")
    return Latency(**fields, ms=ms)


def _error(item: Any, where: str) -> ErrorRule:
    fields = _rule_fields(item, where, "status")
    status = _int(item["status"], f"{where}.status", ERROR_STATUSES.start, ERROR_STATUSES.stop - 1, "an HTTP server error status")
    return ErrorRule(**fields, status=status)


def _rules(body: Mapping[str, Any], key: str, parse: Any) -> tuple[Any, ...]:
    items = body[key]
    if not isinstance(items, list):
        raise FaultSpecError(f"{key}: must be a list of rules (send [] to clear them), got {shown(items)}")
    if len(items) > MAX_RULES:
        raise FaultSpecError(f"{key}: at most {MAX_RULES} rules, got {len(items)}")
    return tuple(parse(item, f"{key}[{index}]") for index, item in enumerate(items))


def updated(faults: PortalFaults, body: Mapping[str, Any]) -> PortalFaults:
    """The faults after PUT `body`: each list sent replaces that list; an omitted one is kept."""
    if "latency" in body:
        faults = replace(faults, latency=_rules(body, "latency", _latency))
    if "errors" in body:
        faults = replace(faults, errors=_rules(body, "errors", _error))
    return faults


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
