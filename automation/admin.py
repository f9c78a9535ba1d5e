"""A client for the portal's test-control API (`/__test__/`, testing mode only): accounts, clocks, payments, jobs,
faults."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any


class AdminError(Exception):
    """The test-control API refused a request; `status` is the HTTP status, `message` the portal's `error`."""

    def __init__(self, message: str, status: int | None = None, url: str | None = None) -> None:
        super().__init__(f"{message} (HTTP {status} from {url})" if status else message)
        self.message, self.status, self.url = message, status, url


class AdminUnavailable(AdminError):
    """The test-control API could not be reached at all."""


@dataclass(frozen=True)
class Credentials:
    """What a user signs in with."""

    email: str
    password: str


@dataclass(frozen=True)
class SubscriptionData:
    """A subscription as created."""

    number: str
    product: str
    csn: str
    currency: str
    payment_method: str
    term: str
    seats: int
    status: str
    renewal_date: date
    anchor_day: int | None = None  # the day of the month the anniversary keeps, when the portal says

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SubscriptionData:
        """Build from one entry of the `subscriptions` list of `POST /__test__/accounts`."""
        return cls(
            number=data["number"],
            product=data["product"],
            csn=data["csn"],
            currency=data["currency"],
            payment_method=data["payment_method"],
            term=data["term"],
            seats=int(data["seats"]),
            status=data["status"],
            renewal_date=date.fromisoformat(data["renewal_date"]),
            anchor_day=_optional_int(data.get("anchor_day")),
        )


@dataclass(frozen=True)
class AccountData:
    """An account as created: its id, the users who may sign in, and its subscriptions in the requested order."""

    id: int
    users: list[Credentials]
    subscriptions: list[SubscriptionData]

    @property
    def user(self) -> Credentials:
        """The first user: enough for most tests."""
        return self.users[0]

    @property
    def numbers(self) -> list[str]:
        """Every subscription number, in the requested order."""
        return [s.number for s in self.subscriptions]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AccountData:
        """Build from the answer of `POST /__test__/accounts`."""
        return cls(
            id=data["id"],
            users=[Credentials(u["email"], u["password"]) for u in data["users"]],
            subscriptions=[SubscriptionData.from_json(s) for s in data["subscriptions"]],
        )


@dataclass(frozen=True)
class SubscriptionState:
    """A subscription as the account sees it today."""

    number: str
    renewal_date: date
    renewed_through: date | None
    status: str
    eligible: bool
    reason: str | None
    anchor_day: int | None = None  # the day of the month the anniversary keeps, when the portal says

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SubscriptionState:
        """Build from one entry of `GET /__test__/accounts/{id}/subscriptions`."""
        through = data.get("renewed_through")
        return cls(
            number=data["number"],
            renewal_date=date.fromisoformat(data["renewal_date"]),
            renewed_through=date.fromisoformat(through) if through else None,
            status=data["status"],
            eligible=bool(data["eligible"]),
            reason=data.get("reason"),
            anchor_day=_optional_int(data.get("anchor_day")),
        )


@dataclass(frozen=True)
class OrderData:
    """An order: its status (`complete`, `awaiting_payment`), the subscriptions it renewed, its transaction (CSN,
    currency, payment method), its total (as a decimal string and in minor units) and, for Konbini / ATM, the payment
    number and deadline; fields a portal does not send are None."""

    number: str
    status: str
    subscriptions: list[str]
    currency: str
    total: str
    csn: str | None = None
    payment_method: str | None = None
    total_minor: int | None = None
    placed_on: date | None = None
    payment_number: str | None = None
    payment_deadline: date | None = None
    paid_on: date | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OrderData:
        """Build from one entry of `GET /__test__/accounts/{id}/orders`."""
        return cls(
            number=data["number"],
            status=data["status"],
            subscriptions=list(data["subscriptions"]),
            currency=data["currency"],
            total=str(data["total"]),
            csn=data.get("csn"),
            payment_method=data.get("payment_method"),
            total_minor=None if data.get("total_minor") is None else int(data["total_minor"]),
            placed_on=_optional_date(data.get("placed_on")),
            payment_number=data.get("payment_number"),
            payment_deadline=_optional_date(data.get("payment_deadline")),
            paid_on=_optional_date(data.get("paid_on")),
        )


def _optional_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


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


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _rule_json(route: str, methods: Sequence[str] | None, account_id: int | None) -> dict[str, Any]:
    rule: dict[str, Any] = {"route": route}
    if methods is not None:
        rule["methods"] = [m.upper() for m in methods]
    if account_id is not None:
        rule["account_id"] = int(account_id)
    return rule


def _methods(value: Any) -> tuple[str, ...] | None:
    return tuple(value) if value else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


class PortalAdmin:
    """Drives the test-control API of a portal at `base_url` (e.g. http://127.0.0.1:5000), which must run with --testing."""

    def __init__(self, base_url: str, request_timeout: float = 60.0) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"portal URL {base_url!r} must start with http:// or https://")
        self.base_url = base_url.rstrip("/")
        self.request_timeout = request_timeout

    def create_account(
        self,
        subscriptions: Sequence[Mapping[str, Any]] = ({},),
        *,
        country: str | None = None,
        users: Sequence[Mapping[str, str] | Credentials] | None = None,
        today: date | str | None = None,
        locale: str | None = None,
    ) -> AccountData:
        """Create an account; each subscription is a dict of the API's fields (dates may be `date`s), omitted ones made up.
        `locale` ("en", "fr", "ja") is the language of every user that names none (one made-up user when `users` is
        None): the portal shows them its pages and sends them email in it."""
        body: dict[str, Any] = {"subscriptions": [_jsonable(dict(s)) for s in subscriptions]}
        if country is not None:
            body["country"] = country
        if users is not None:
            body["users"] = [
                {"email": u.email, "password": u.password} if isinstance(u, Credentials) else dict(u) for u in users
            ]
        if locale is not None:
            body["users"] = [{"locale": locale} | user for user in body.get("users", [{}])]
        if today is not None:
            body["today"] = _jsonable(today)
        return AccountData.from_json(self._request("POST", "/__test__/accounts", body))

    def set_clock(self, account_id: int, today: date | str | None) -> None:
        """Set the account's "today"; None goes back to the portal's own today."""
        self._request("PUT", f"/__test__/accounts/{int(account_id)}/clock", {"today": _jsonable(today)})

    def subscriptions(self, account_id: int) -> list[SubscriptionState]:
        """Every subscription of the account as it sees them today."""
        data = self._request("GET", f"/__test__/accounts/{int(account_id)}/subscriptions")
        return [SubscriptionState.from_json(s) for s in data]

    def orders(self, account_id: int) -> list[OrderData]:
        """The account's orders, newest first."""
        return [OrderData.from_json(o) for o in self._request("GET", f"/__test__/accounts/{int(account_id)}/orders")]

    def record_payment(self, order_number: str) -> OrderData:
        """Record the Konbini / ATM payment of an order awaiting payment; returns the order as it is now."""
        path = f"/__test__/orders/{urllib.parse.quote(order_number, safe='')}/payment"
        return OrderData.from_json(self._request("POST", path, {}))

    def run_reminders(self) -> int:
        """Run the renewal-reminder job once; returns how many reminders it sent."""
        return int(self._request("POST", "/__test__/jobs/reminders", {})["sent"])

    def set_faults(
        self, account_id: int, *, payment_declined: bool | None = None, smtp_unavailable: bool | None = None
    ) -> AccountFaults:
        """Inject or lift the account's faults (None: unchanged). Payment declined: Place order is refused and nothing
        is ordered; SMTP unavailable: its emails wait in the outbox and go out once each when the fault is lifted."""
        body = {
            key: value
            for key, value in (("payment_declined", payment_declined), ("smtp_unavailable", smtp_unavailable))
            if value is not None
        }
        return AccountFaults.from_json(self._request("PUT", f"/__test__/accounts/{int(account_id)}/faults", body))

    def account_faults(self, account_id: int) -> AccountFaults:
        """The faults injected on the account."""
        return AccountFaults.from_json(self._request("GET", f"/__test__/accounts/{int(account_id)}/faults"))

    def set_portal_faults(
        self,
        *,
        latency: Sequence[LatencyFault | Mapping[str, Any]] | None = None,
        errors: Sequence[ErrorFault | Mapping[str, Any]] | None = None,
    ) -> PortalFaults:
        """Replace the portal-wide latency or error rules (None: that list unchanged; []: cleared). The /__test__/
        paths are never faulted; a rule with `account_id` affects only that account's signed-in requests."""
        body: dict[str, Any] = {}
        for key, rules in (("latency", latency), ("errors", errors)):
            if rules is not None:
                body[key] = [r.to_json() if isinstance(r, LatencyFault | ErrorFault) else dict(r) for r in rules]
        return PortalFaults.from_json(self._request("PUT", "/__test__/faults", body))

    def portal_faults(self) -> PortalFaults:
        """The portal-wide faults in force."""
        return PortalFaults.from_json(self._request("GET", "/__test__/faults"))

    def clear_portal_faults(self) -> None:
        """Lift every portal-wide fault (latency and errors, for every account)."""
        self._request("DELETE", "/__test__/faults")

    def _request(self, method: str, path: str, body: Any = None) -> Any:
        url = self.base_url + path
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Accept", "application/json")
        if method.upper() not in ("GET", "HEAD", "OPTIONS"):  # the API takes writes only as JSON, even bodiless ones
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.request_timeout) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            raise _refusal(error, method, url) from error
        except OSError as error:  # refused, reset, DNS failure, timeout
            reason = getattr(error, "reason", error)
            raise AdminUnavailable(
                f"cannot reach the portal's test-control API at {url} ({reason}); "
                "the portal must be running there with --testing (or PORTAL_TESTING=1)"
            ) from error
        try:
            return json.loads(payload)
        except ValueError:
            raise AdminError(f"{method} {url} answered with something other than JSON: {payload[:200]!r}") from None


def _refusal(error: urllib.error.HTTPError, method: str, url: str) -> AdminError:
    raw = error.read().decode("utf-8", "replace").strip()
    try:
        message = str(json.loads(raw)["error"])
    except (ValueError, KeyError, TypeError):
        message = raw[:300] or error.reason
    # A route the portal doesn't have at all answers with the generic 404: testing mode is off.
    if error.code == 404 and (not raw.startswith("{") or message.startswith("The requested URL was not found")):
        message = (
            f"{method} {url} is not there (404): is the portal running with --testing (or PORTAL_TESTING=1)? "
            "Without it every /__test__/ path is a 404"
        )
    return AdminError(message, error.code, url)
