"""Faults the test-control API injects: on one account (payment declined, SMTP down) or portal-wide (latency, errors)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AccountFaults:
    """The faults injected on one account."""

    id: int
    payment_declined: bool
    smtp_unavailable: bool

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AccountFaults:
        """Build from the answer of `PUT /__test__/accounts/{id}/faults`."""
        return cls(int(data["id"]), bool(data["payment_declined"]), bool(data["smtp_unavailable"]))


@dataclass(frozen=True)
class LatencyFault:
    """Slow `route` (and every path under it) down by `ms`; only `methods` / one account's requests when given."""

    route: str
    ms: int
    methods: tuple[str, ...] | None = None
    account_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The rule as `PUT /__test__/faults` takes it."""
        return _rule_json(self.route, self.methods, self.account_id) | {"ms": self.ms}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LatencyFault:
        """Build from one entry of the `latency` list of `GET /__test__/faults`."""
        return cls(data["route"], int(data["ms"]), _methods(data.get("methods")), data.get("account_id"))


@dataclass(frozen=True)
class ErrorFault:
    """Answer `route` (and every path under it) with server error `status`; only `methods` / one account's requests
    when given."""

    route: str
    status: int = 500
    methods: tuple[str, ...] | None = None
    account_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The rule as `PUT /__test__/faults` takes it."""
        return _rule_json(self.route, self.methods, self.account_id) | {"status": self.status}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ErrorFault:
        """Build from one entry of the `errors` list of `GET /__test__/faults`."""
        return cls(data["route"], int(data["status"]), _methods(data.get("methods")), data.get("account_id"))


@dataclass(frozen=True)
class PortalFaults:
    """The portal-wide faults in force."""

    latency: list[LatencyFault]
    errors: list[ErrorFault]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PortalFaults:
        """Build from the answer of `GET /__test__/faults`."""
        return cls(
            [LatencyFault.from_json(r) for r in data["latency"]], [ErrorFault.from_json(r) for r in data["errors"]]
        )


def _rule_json(route: str, methods: Sequence[str] | None, account_id: int | None) -> dict[str, Any]:
    rule: dict[str, Any] = {"route": route}
    if methods is not None:
        rule["methods"] = [m.upper() for m in methods]
    if account_id is not None:
        rule["account_id"] = int(account_id)
    return rule


def _methods(value: Any) -> tuple[str, ...] | None:
    return tuple(value) if value else None
