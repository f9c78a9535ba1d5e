"""The other bodies the test-control API takes, as pydantic models: an account's clock, its faults, the portal-wide
fault rules, and the empty body of an action."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import Field, model_validator
from pydantic_core import core_schema

from ..faults import ERROR_STATUSES, MAX_LATENCY_MS, MAX_ROUTE_LENGTH, MAX_RULES, METHODS, ROUTE_PATTERN, TEST_API_PATTERN
from .fields import DAY, FLAG, Items, Kind, Spec, omittable, refusal, whole

MAX_ID = 2**63 - 1  # larger ids can't be bound as SQL integers; no such account exists anyway


class Clock(Spec):
    """The account's today."""

    today: Annotated[date, DAY] | None = Field(description="The account's today; null: the portal's today again")

    @model_validator(mode="before")
    @classmethod
    def _today_given(cls, data: Any) -> Any:
        if isinstance(data, dict) and "today" not in data:
            raise refusal('required; send {"today": "YYYY-MM-DD"} or {"today": null}', at="today")
        return data


class AccountFaultsSpec(Spec):
    """Faults to set (true) or lift (false) on the account; an omitted one is unchanged."""

    payment_declined: Annotated[bool, FLAG] = omittable(
        "Place order is refused (402) and nothing is ordered or emailed; Konbini / ATM orders, paid later, are not declined"
    )
    smtp_unavailable: Annotated[bool, FLAG] = omittable(
        "The account's emails stay in the outbox, retried with backoff; lifting the fault sends each of them once"
    )


def _portal_path(route: str) -> str:
    # Python's re, as the rest of the portal reads paths (its \\s is not quite the schema engine's).
    if not re.search(ROUTE_PATTERN, route):
        raise ValueError
    if re.match(TEST_API_PATTERN, route):
        raise ValueError("is the test-control API, which is never faulted; choose a portal page")
    return route


ROUTE = Kind(
    core_schema.str_schema(strict=True, max_length=MAX_ROUTE_LENGTH),
    f"is not a portal path; use one starting with / (no query, no spaces, at most {MAX_ROUTE_LENGTH} characters), "
    'e.g. "/checkout"',
    keep=_portal_path,
    shows={"pattern": ROUTE_PATTERN, "not": {"pattern": TEST_API_PATTERN}},
)
METHOD_LIST = Kind(
    core_schema.list_schema(core_schema.literal_schema(list(METHODS)), min_length=1),
    f"is not allowed; use a non-empty list of {', '.join(METHODS)} (upper case), or omit it for every method",
)


class RuleSpec(Spec):
    """Where a portal-wide fault applies."""

    route: Annotated[str, ROUTE] = Field(
        description="A path of the portal: matches it and every path under it (/cart: /cart, /cart/remove). "
        "The test-control API (/__test__/) is never faulted"
    )
    methods: Annotated[list[str], METHOD_LIST] = omittable("Only these methods; omitted: every method")
    account_id: Annotated[int, whole(1, MAX_ID)] = omittable(
        "Only requests signed in as a user of this account; omitted: everyone"
    )


class LatencyRule(RuleSpec):
    """Slow matching requests down (the answer says so in a Server-Timing header, injected-latency); when several
    match, the longest applies."""

    ms: Annotated[int, whole(0, MAX_LATENCY_MS)] = Field(description="Added before the answer")


class ErrorRule(RuleSpec):
    """Answer matching requests with a server error."""

    status: Annotated[int, whole(ERROR_STATUSES.start, ERROR_STATUSES.stop - 1)] = Field(
        description="Answered instead of the page, with the portal's error page"
    )


class PortalFaultsSpec(Spec):
    """Portal-wide fault rules: a list sent replaces that list ([] clears it); an omitted list is unchanged."""

    latency: Annotated[list[LatencyRule], Items(0, MAX_RULES, "rules")] = omittable("Added latency")
    errors: Annotated[list[ErrorRule], Items(0, MAX_RULES, "rules")] = omittable("Injected server errors")


class NoFields(Spec):
    """No fields: send {} or nothing."""
