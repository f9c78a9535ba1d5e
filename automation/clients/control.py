"""The client of the portal's test-control API (`/__test__/`, testing mode only): accounts, clocks, orders, payments,
jobs and faults."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from urllib.parse import quote

import httpx

from .accounts import AccountData, Credentials, OrderData, SubscriptionState, jsonable
from .base import ClientError, JsonClient, ServiceUnavailable, error_text
from .faults import AccountFaults, ErrorFault, LatencyFault, PortalFaults

TESTING_HINT = "the portal must be running there with --testing (or PORTAL_TESTING=1)"


class AdminError(ClientError):
    """The test-control API refused a request; `status` is the HTTP status, `message` the portal's `error`."""


class AdminUnavailable(AdminError, ServiceUnavailable):
    """The test-control API could not be reached at all."""


class PortalAdmin(JsonClient):
    """Drives the test-control API of a portal at `base_url` (e.g. http://127.0.0.1:5000), which must run with --testing."""

    service = "the portal's test-control API"
    url_name = "portal URL"
    start_hint = TESTING_HINT
    error = AdminError
    unavailable = AdminUnavailable
    default_timeout = 60.0  # creating an account of hundreds of subscriptions takes a while

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
        body: dict[str, Any] = {"subscriptions": [jsonable(dict(s)) for s in subscriptions]}
        if country is not None:
            body["country"] = country
        if users is not None:
            body["users"] = [
                {"email": u.email, "password": u.password} if isinstance(u, Credentials) else dict(u) for u in users
            ]
        if locale is not None:
            body["users"] = [{"locale": locale} | user for user in body.get("users", [{}])]
        if today is not None:
            body["today"] = jsonable(today)
        return AccountData.from_json(self._request("POST", "/__test__/accounts", body))

    def set_clock(self, account_id: int, today: date | str | None) -> None:
        """Set the account's "today"; None goes back to the portal's own today."""
        self._request("PUT", f"/__test__/accounts/{int(account_id)}/clock", {"today": jsonable(today)})

    def subscriptions(self, account_id: int) -> list[SubscriptionState]:
        """Every subscription of the account as it sees them today."""
        data = self._request("GET", f"/__test__/accounts/{int(account_id)}/subscriptions")
        return [SubscriptionState.from_json(s) for s in data]

    def subscription(self, account_id: int, number: str) -> SubscriptionState:
        """One subscription of the account as it sees it today; LookupError when the account has no such number."""
        for state in self.subscriptions(account_id):
            if state.number == number:
                return state
        raise LookupError(f"account {account_id} has no subscription {number!r}")

    def orders(self, account_id: int) -> list[OrderData]:
        """The account's orders, newest first."""
        return [OrderData.from_json(o) for o in self._request("GET", f"/__test__/accounts/{int(account_id)}/orders")]

    def record_payment(self, order_number: str) -> OrderData:
        """Record the Konbini / ATM payment of an order awaiting payment; returns the order as it is now."""
        path = f"/__test__/orders/{quote(order_number, safe='')}/payment"
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

    def _refusal(self, method: str, response: httpx.Response) -> ClientError:
        url = str(response.request.url)
        message = error_text(response)
        # A route the portal doesn't have at all answers with the generic 404: testing mode is off.
        if response.status_code == 404 and (
            not response.text.lstrip().startswith("{") or message.startswith("The requested URL was not found")
        ):
            message = (
                f"{method} {url} is not there (404): is the portal running with --testing (or PORTAL_TESTING=1)? "
                "Without it every /__test__/ path is a 404"
            )
        return AdminError(message, response.status_code, url)
