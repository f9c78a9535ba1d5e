"""The OpenAPI 3.0 description of the test-control API, built from the same constants the server validates with."""

from __future__ import annotations

from typing import Any

from ..catalog import products, tax_rates
from ..faults import ERROR_STATUSES, MAX_LATENCY_MS, MAX_ROUTE_LENGTH, MAX_RULES, METHODS, ROUTE_PATTERN, TEST_API_PATTERN
from ..i18n import DEFAULT_LOCALE, LOCALES
from ..rules.money import CURRENCY_EXPONENTS
from ..rules.payment import MANUAL_ONLY_METHODS, PAYMENT_METHODS
from ..rules.terms import TERMS
from ..services.accounts import (
    EMAIL_PATTERN,
    MAX_DAYS,
    MAX_SEATS,
    MAX_SUBSCRIPTIONS,
    MAX_USERS,
    STATUSES,
)

DATE_PATTERN = "^20[0-9]{2}-[0-9]{2}-[0-9]{2}$"  # with format: date, exactly what the server takes
NOT_BLANK = r"\S"


def _date(description: str, nullable: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "format": "date", "description": description}
    return schema | {"nullable": True} if nullable else schema


def _date_in(description: str) -> dict[str, Any]:
    return _date(description, nullable=True) | {"pattern": DATE_PATTERN}


def _enum(values: Any, description: str = "", nullable: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "enum": sorted(values)}
    if description:
        schema["description"] = description
    return schema | {"nullable": True} if nullable else schema


def _text(max_length: int, description: str) -> dict[str, Any]:
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": max_length,
        "pattern": NOT_BLANK,
        "nullable": True,
        "description": description,
    }


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _body(ref: str, required: bool) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


ACCOUNT_ID = {"name": "account_id", "in": "path", "required": True, "schema": {"type": "integer"}}
ORDER_NUMBER = {"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}
BAD_INPUT = _error("Malformed JSON, a non-object body, an unknown field or a bad value; the message names the field")
NOT_FOUND = _error("No such account or order")
GUARD_REFUSALS = {  # api_guard, before any endpoint: what only a web page or a misdirected request sends
    "403": _error("A request from another site's page (Origin, Sec-Fetch-Site)"),
    "421": _error("A Host the portal doesn't answer to (loopback, PUBLIC_URL's host and ALLOWED_HOSTS only)"),
}
NOT_JSON = {"415": _error("A write whose Content-Type is not application/json; every write needs it, even bodiless")}
MAX_ID = 2**63 - 1


def _fault_rule(extra: str, extra_schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["route", extra],
        "description": description,
        "properties": {
            "route": {
                "type": "string",
                "maxLength": MAX_ROUTE_LENGTH,
                "pattern": ROUTE_PATTERN,
                "not": {"pattern": TEST_API_PATTERN},
                "description": "A path of the portal: matches it and every path under it (/cart: /cart, /cart/remove). "
                "The test-control API (/__test__/) is never faulted",
            },
            "methods": {
                "type": "array",
                "minItems": 1,
                "items": {"type": "string", "enum": list(METHODS)},
                "description": "Only these methods; omitted: every method",
            },
            "account_id": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_ID,
                "description": "Only requests signed in as a user of this account; omitted: everyone",
            },
            extra: extra_schema,
        },
    }


def _fault_rule_state(extra: str, extra_schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["route", "methods", "account_id", extra],
        "properties": {
            "route": {"type": "string"},
            "methods": {"type": "array", "nullable": True, "items": {"type": "string"}, "description": "null: every method"},
            "account_id": {"type": "integer", "nullable": True, "description": "null: every visitor"},
            extra: extra_schema,
        },
    }


LATENCY_MS = {"type": "integer", "minimum": 0, "maximum": MAX_LATENCY_MS, "description": "Added before the answer"}
ERROR_STATUS = {
    "type": "integer",
    "minimum": ERROR_STATUSES.start,
    "maximum": ERROR_STATUSES.stop - 1,
    "description": "Answered instead of the page, with the portal's error page",
}


def _schemas() -> dict[str, Any]:
    manual_only = sorted(MANUAL_ONLY_METHODS)
    subscription_fields = {
        "number": {"type": "string", "pattern": "^[0-9]{12}$"},
        "product": _enum(products()),
        "product_name": {"type": "string"},
        "csn": {"type": "string", "pattern": "^[0-9]{10}$"},
        "currency": _enum(CURRENCY_EXPONENTS),
        "payment_method": _enum(PAYMENT_METHODS),
        "term": _enum(TERMS),
        "seats": {"type": "integer", "minimum": 1},
        "auto_renew": {"type": "boolean"},
        "renewed_through": _date("End of the term already paid, or null", nullable=True),
        "anchor_day": {
            "type": "integer",
            "minimum": 1,
            "maximum": 31,
            "description": "The day of the month the anniversary keeps, clamped to each month's length",
        },
    }
    return {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
        },
        "UserSpec": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "email": {
                    "type": "string",
                    "format": "email",
                    "pattern": f"^{EMAIL_PATTERN}$",
                    "maxLength": 254,
                    "nullable": True,
                    "description": "Unique across the portal; made up when omitted",
                },
                "password": _text(200, "Made up when omitted"),
                "name": _text(200, "The person's name; made up when omitted"),
                "locale": _enum(
                    LOCALES,
                    f"The language of the user's pages once signed in and of their emails; default {DEFAULT_LOCALE}",
                    True,
                ),
            },
        },
        "SubscriptionSpec": {
            "type": "object",
            "additionalProperties": False,
            "description": "Every field is optional; omitted ones are made up or defaulted.",
            "properties": {
                "product": _enum(products(), "Product code; default a random product still sold", True),
                "csn": {
                    "type": "string",
                    "pattern": "^[0-9]{10}$",
                    "nullable": True,
                    "description": "Created for this account if new; refused if another account owns it. "
                    "Default: the account's first CSN of the subscription's country",
                },
                "country": _enum(tax_rates(), "Country of the subscription's CSN; default the account's", True),
                "currency": _enum(CURRENCY_EXPONENTS, "Default: the CSN country's currency, else USD", True),
                "payment_method": _enum(PAYMENT_METHODS, "Default credit_card", True),
                "term": _enum(TERMS, "Default annual", True),
                "seats": {"type": "integer", "minimum": 1, "maximum": MAX_SEATS, "nullable": True},
                "status": _enum(STATUSES, "Default active", True),
                "auto_renew": {"type": "boolean", "nullable": True, "description": "Default false"},
                "renewal_date": _date_in("The anniversary; default today + 30 days"),
                "renewal_in_days": {
                    "type": "integer",
                    "minimum": -MAX_DAYS,
                    "maximum": MAX_DAYS,
                    "nullable": True,
                    "description": "The anniversary relative to the account's today",
                },
                "renewed": {
                    "type": "boolean",
                    "nullable": True,
                    "description": "Already renewed for the coming term (renewed_through = renewal_date + term)",
                },
                "anchor_day": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 31,
                    "nullable": True,
                    "description": "The day of the month the anniversary keeps (default the renewal date's day). "
                    "The renewal date must be this day clamped to its month: 2029-02-28 takes 28 to 31, "
                    "2029-03-28 only 28",
                },
            },
            "allOf": [
                {
                    "not": {
                        "required": ["renewal_date", "renewal_in_days"],
                        "properties": {
                            "renewal_date": {"type": "string"},
                            "renewal_in_days": {"type": "integer"},
                        },
                    }
                },
                {
                    "not": {
                        "required": ["payment_method", "auto_renew"],
                        "properties": {"payment_method": {"enum": manual_only}, "auto_renew": {"enum": [True]}},
                    },
                    "description": "Konbini and ATM bank transfer can't renew automatically (R4)",
                },
            ],
        },
        "AccountSpec": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "name": _text(200, "Company name; made up when omitted"),
                "country": _enum(tax_rates(), "Default US", True),
                "today": _date_in("The account's own today; default the portal's"),
                "users": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_USERS,
                    "nullable": True,
                    "items": {"$ref": "#/components/schemas/UserSpec"},
                    "description": "Default one made-up user",
                },
                "subscriptions": {
                    "type": "array",
                    "maxItems": MAX_SUBSCRIPTIONS,
                    "nullable": True,
                    "items": {"$ref": "#/components/schemas/SubscriptionSpec"},
                },
            },
        },
        "CreatedAccount": {
            "type": "object",
            "required": ["id", "name", "country", "today", "csns", "users", "subscriptions"],
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "country": {"type": "string"},
                "today": _date("The account's own today, or null", nullable=True),
                "csns": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{10}$"}},
                "users": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["email", "password", "name", "locale"],
                        "properties": {
                            "email": {"type": "string"},
                            "password": {"type": "string"},
                            "name": {"type": "string"},
                            "locale": _enum(LOCALES),
                        },
                    },
                },
                "subscriptions": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": [*subscription_fields, "status", "renewal_date"],
                        "properties": subscription_fields
                        | {"status": _enum(STATUSES), "renewal_date": _date("The anniversary")},
                    },
                },
            },
        },
        "Clock": {
            "type": "object",
            "additionalProperties": False,
            "required": ["today"],
            "properties": {"today": _date_in("The account's today; null: the portal's today again")},
        },
        "ClockSet": {
            "type": "object",
            "required": ["id", "today", "effective_today"],
            "properties": {
                "id": {"type": "integer"},
                "today": _date("The account's own today, or null", nullable=True),
                "effective_today": _date("The date the account now sees"),
            },
        },
        "SubscriptionState": {
            "type": "object",
            "required": [*subscription_fields, "renewal_date", "status", "eligible", "reason"],
            "properties": subscription_fields
            | {
                "renewal_date": _date("The anniversary in force today"),
                "status": _enum(STATUSES, "As displayed today"),
                "eligible": {"type": "boolean"},
                "reason": {
                    "type": "string",
                    "nullable": True,
                    "description": "Why not, in the account's first user's language, its date in ISO form, "
                    "e.g. 'Renewal opens on 2027-01-05'",
                },
            },
        },
        "Order": {
            "type": "object",
            "required": [
                "number", "status", "subscriptions", "csn", "currency", "payment_method", "total", "total_minor",
                "placed_on", "payment_number", "payment_deadline", "paid_on",
            ],  # fmt: skip
            "properties": {
                "number": {"type": "string"},
                "status": {"type": "string", "enum": ["awaiting_payment", "complete"]},
                "subscriptions": {"type": "array", "items": {"type": "string"}},
                "csn": {"type": "string"},
                "currency": _enum(CURRENCY_EXPONENTS),
                "payment_method": _enum(PAYMENT_METHODS),
                "total": {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$", "description": "e.g. '2118.19', '298100'"},
                "total_minor": {"type": "integer"},
                "placed_on": _date("Date of the order"),
                "payment_number": {"type": "string", "nullable": True},
                "payment_deadline": _date("Konbini / ATM deadline", nullable=True),
                "paid_on": _date("When the payment was recorded", nullable=True),
            },
        },
        "NoFields": {"type": "object", "additionalProperties": False, "properties": {}},
        "AccountFaultsSpec": {
            "type": "object",
            "additionalProperties": False,
            "description": "An omitted fault is unchanged.",
            "properties": {
                "payment_declined": {
                    "type": "boolean",
                    "description": "Place order is refused (402) and nothing is ordered or emailed; Konbini / ATM "
                    "orders, paid later, are not declined",
                },
                "smtp_unavailable": {
                    "type": "boolean",
                    "description": "The account's emails stay in the outbox, retried with backoff; lifting the fault "
                    "sends each of them once",
                },
            },
        },
        "AccountFaults": {
            "type": "object",
            "required": ["id", "payment_declined", "smtp_unavailable"],
            "properties": {
                "id": {"type": "integer"},
                "payment_declined": {"type": "boolean"},
                "smtp_unavailable": {"type": "boolean"},
            },
        },
        "LatencyRule": _fault_rule(
            "ms",
            LATENCY_MS,
            "Slow matching requests down (the answer says so in a Server-Timing header, injected-latency); "
            "when several match, the longest applies",
        ),
        "ErrorRule": _fault_rule("status", ERROR_STATUS, "Answer matching requests with a server error"),
        "PortalFaultsSpec": {
            "type": "object",
            "additionalProperties": False,
            "description": "A list sent replaces that list ([] clears it); an omitted list is unchanged.",
            "properties": {
                "latency": {"type": "array", "maxItems": MAX_RULES, "items": {"$ref": "#/components/schemas/LatencyRule"}},
                "errors": {"type": "array", "maxItems": MAX_RULES, "items": {"$ref": "#/components/schemas/ErrorRule"}},
            },
        },
        "PortalFaults": {
            "type": "object",
            "required": ["latency", "errors"],
            "properties": {
                "latency": {"type": "array", "items": _fault_rule_state("ms", {"type": "integer"})},
                "errors": {"type": "array", "items": _fault_rule_state("status", {"type": "integer"})},
            },
        },
    }


def _guarded(paths: dict[str, Any]) -> dict[str, Any]:
    """Add the guard's refusals to every operation, and the 415 to every write."""
    for item in paths.values():
        for method, operation in item.items():
            operation["responses"] |= GUARD_REFUSALS | ({} if method == "get" else NOT_JSON)
    return paths


def openapi_spec() -> dict[str, Any]:
    """The whole document, served at /__test__/openapi.json."""
    ref = lambda name: {"$ref": f"#/components/schemas/{name}"}  # noqa: E731
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Mock account portal: test-control API",
            "version": "1",
            "description": (
                "Mounted only in testing mode (--testing or PORTAL_TESTING=1). JSON in, JSON out: every write says "
                "Content-Type: application/json, even with no body, and comes from a script or this portal's own "
                "pages, to a Host it answers to."
            ),
        },
        "paths": _guarded({
            "/__test__/accounts": {
                "post": {
                    "operationId": "createAccount",
                    "summary": "Create an account with users, CSNs and subscriptions",
                    "requestBody": _body("AccountSpec", False),
                    "responses": {"201": _ok("Created", ref("CreatedAccount")), "400": BAD_INPUT},
                }
            },
            "/__test__/accounts/{account_id}/clock": {
                "put": {
                    "operationId": "setClock",
                    "summary": "Set the account's today",
                    "parameters": [ACCOUNT_ID],
                    "requestBody": _body("Clock", True),
                    "responses": {"200": _ok("Set", ref("ClockSet")), "400": BAD_INPUT, "404": NOT_FOUND},
                }
            },
            "/__test__/accounts/{account_id}/subscriptions": {
                "get": {
                    "operationId": "listSubscriptions",
                    "summary": "The account's subscriptions as seen today",
                    "parameters": [ACCOUNT_ID],
                    "responses": {
                        "200": _ok("Subscriptions", {"type": "array", "items": ref("SubscriptionState")}),
                        "404": NOT_FOUND,
                    },
                }
            },
            "/__test__/accounts/{account_id}/orders": {
                "get": {
                    "operationId": "listOrders",
                    "summary": "The account's orders, newest first",
                    "parameters": [ACCOUNT_ID],
                    "responses": {"200": _ok("Orders", {"type": "array", "items": ref("Order")}), "404": NOT_FOUND},
                }
            },
            "/__test__/orders/{number}/payment": {
                "post": {
                    "operationId": "recordPayment",
                    "summary": "Record the Konbini / ATM payment of an order awaiting payment",
                    "parameters": [ORDER_NUMBER],
                    "requestBody": _body("NoFields", False),
                    "responses": {
                        "200": _ok("Paid", ref("Order")),
                        "400": BAD_INPUT,
                        "404": NOT_FOUND,
                        "409": _error("The order is not awaiting payment"),
                    },
                }
            },
            "/__test__/accounts/{account_id}/faults": {
                "get": {
                    "operationId": "getAccountFaults",
                    "summary": "The faults injected on the account",
                    "parameters": [ACCOUNT_ID],
                    "responses": {"200": _ok("Faults", ref("AccountFaults")), "404": NOT_FOUND},
                },
                "put": {
                    "operationId": "setAccountFaults",
                    "summary": "Inject or lift the account's faults: payment declined, SMTP unavailable",
                    "parameters": [ACCOUNT_ID],
                    "requestBody": _body("AccountFaultsSpec", True),
                    "responses": {"200": _ok("Faults now", ref("AccountFaults")), "400": BAD_INPUT, "404": NOT_FOUND},
                },
            },
            "/__test__/faults": {
                "get": {
                    "operationId": "getPortalFaults",
                    "summary": "The portal-wide faults in force",
                    "responses": {"200": _ok("Faults", ref("PortalFaults"))},
                },
                "put": {
                    "operationId": "setPortalFaults",
                    "summary": "Add latency or server errors on chosen routes (the /__test__/ paths are never faulted)",
                    "requestBody": _body("PortalFaultsSpec", True),
                    "responses": {
                        "200": _ok("Faults now", ref("PortalFaults")),
                        "400": BAD_INPUT,
                        "404": _error("A rule's account_id names no account"),
                    },
                },
                "delete": {
                    "operationId": "clearPortalFaults",
                    "summary": "Lift every portal-wide fault",
                    "requestBody": _body("NoFields", False),
                    "responses": {"200": _ok("Faults now (none)", ref("PortalFaults")), "400": BAD_INPUT},
                },
            },
            "/__test__/jobs/reminders": {
                "post": {
                    "operationId": "runReminders",
                    "summary": "Send the renewal reminders due today, once per subscription per term",
                    "requestBody": _body("NoFields", False),
                    "responses": {
                        "200": _ok(
                            "How many reminders were sent",
                            {"type": "object", "required": ["sent"], "properties": {"sent": {"type": "integer"}}},
                        ),
                        "400": BAD_INPUT,
                    },
                }
            },
        }),
        "components": {"schemas": _schemas()},
    }
