"""The OpenAPI 3.1 description of the test-control API, served at /__test__/openapi.json: its schemas are generated
from the models that check the bodies and build the answers (mock_portal.testing); only the list of operations
(path, method, body, answers per status) is written here."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, models_json_schema
from pydantic_core import CoreSchema

from ..testing.answers import (
    AccountFaults,
    ClockSet,
    CreatedAccount,
    Error,
    Order,
    PortalFaults,
    RemindersSent,
    SubscriptionState,
)
from ..testing.controls import AccountFaultsSpec, Clock, NoFields, PortalFaultsSpec
from ..testing.spec import AccountSpec

REF = "#/components/schemas/{model}"
Answers = Mapping[int, tuple[str, Any]]  # status → (description, answer model or list[model])
ACCOUNT_ID = {"name": "account_id", "in": "path", "required": True, "schema": {"type": "integer"}}
ORDER_NUMBER = {"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}
BAD_INPUT = ("Malformed JSON, a non-object body, an unknown field or a bad value; the message names the field", Error)
NOT_FOUND = ("No such account or order", Error)
GUARD_REFUSALS: Answers = {  # api_guard, before any endpoint: what only a web page or a misdirected request sends
    403: ("A request from another site's page (Origin, Sec-Fetch-Site)", Error),
    421: ("A Host the portal doesn't answer to (loopback, PUBLIC_URL's host and ALLOWED_HOSTS only)", Error),
}
NOT_JSON: Answers = {415: ("A write whose Content-Type is not application/json; every write needs it, even bodiless", Error)}


@dataclass(frozen=True)
class Operation:
    """One endpoint: what it takes (path parameters, a body checked by `body`) and answers, per status."""

    method: str
    path: str
    operation_id: str
    summary: str
    answers: Answers
    body: type[BaseModel] | None = None
    body_required: bool = False
    parameters: tuple[Mapping[str, Any], ...] = ()


OPERATIONS = (
    Operation("post", "/__test__/accounts", "createAccount", "Create an account with users, CSNs and subscriptions",
              {201: ("Created", CreatedAccount), 400: BAD_INPUT}, AccountSpec),
    Operation("put", "/__test__/accounts/{account_id}/clock", "setClock", "Set the account's today",
              {200: ("Set", ClockSet), 400: BAD_INPUT, 404: NOT_FOUND}, Clock, True, (ACCOUNT_ID,)),
    Operation("get", "/__test__/accounts/{account_id}/subscriptions", "listSubscriptions",
              "The account's subscriptions as seen today",
              {200: ("Subscriptions", list[SubscriptionState]), 404: NOT_FOUND}, parameters=(ACCOUNT_ID,)),
    Operation("get", "/__test__/accounts/{account_id}/orders", "listOrders", "The account's orders, newest first",
              {200: ("Orders", list[Order]), 404: NOT_FOUND}, parameters=(ACCOUNT_ID,)),
    Operation("post", "/__test__/orders/{number}/payment", "recordPayment",
              "Record the Konbini / ATM payment of an order awaiting payment",
              {200: ("Paid", Order), 400: BAD_INPUT, 404: NOT_FOUND, 409: ("The order is not awaiting payment", Error)},
              NoFields, parameters=(ORDER_NUMBER,)),
    Operation("get", "/__test__/accounts/{account_id}/faults", "getAccountFaults", "The faults injected on the account",
              {200: ("Faults", AccountFaults), 404: NOT_FOUND}, parameters=(ACCOUNT_ID,)),
    Operation("put", "/__test__/accounts/{account_id}/faults", "setAccountFaults",
              "Inject or lift the account's faults: payment declined, SMTP unavailable",
              {200: ("Faults now", AccountFaults), 400: BAD_INPUT, 404: NOT_FOUND}, AccountFaultsSpec, True, (ACCOUNT_ID,)),
    Operation("get", "/__test__/faults", "getPortalFaults", "The portal-wide faults in force",
              {200: ("Faults", PortalFaults)}),
    Operation("put", "/__test__/faults", "setPortalFaults",
              "Add latency or server errors on chosen routes (the /__test__/ paths are never faulted)",
              {200: ("Faults now", PortalFaults), 400: BAD_INPUT, 404: ("A rule's account_id names no account", Error)},
              PortalFaultsSpec, True),
    Operation("delete", "/__test__/faults", "clearPortalFaults", "Lift every portal-wide fault",
              {200: ("Faults now (none)", PortalFaults), 400: BAD_INPUT}, NoFields),
    Operation("post", "/__test__/jobs/reminders", "runReminders",
              "Send the renewal reminders due today, once per subscription per term",
              {200: ("How many reminders were sent", RemindersSent), 400: BAD_INPUT}, NoFields),
)  # fmt: skip


class _Schemas(GenerateJsonSchema):
    """pydantic's JSON Schema without a title on every field: the field's name says it."""

    def field_title_should_be_set(self, schema: CoreSchema) -> bool:  # type: ignore[override]
        return False


def _model(answer: Any) -> type[BaseModel]:
    """The model of an answer that is a model or a list of them."""
    return get_args(answer)[0] if get_origin(answer) is list else answer  # type: ignore[no-any-return]


def _operation(op: Operation, refs: Mapping[tuple[Any, JsonSchemaMode], Any]) -> dict[str, Any]:
    def content(schema: Any) -> dict[str, Any]:
        return {"application/json": {"schema": schema}}

    answers = {**op.answers, **GUARD_REFUSALS, **({} if op.method == "get" else NOT_JSON)}
    responses = {}
    for status, (description, answer) in answers.items():
        schema = refs[(_model(answer), "serialization")]
        responses[str(status)] = {
            "description": description,
            "content": content({"type": "array", "items": schema} if get_origin(answer) is list else schema),
        }
    document: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary}
    if op.parameters:
        document["parameters"] = list(op.parameters)
    if op.body is not None:
        document["requestBody"] = {"required": op.body_required, "content": content(refs[(op.body, "validation")])}
    return document | {"responses": responses}


@cache
def _document() -> dict[str, Any]:
    bodies: set[tuple[type[BaseModel], JsonSchemaMode]] = {(op.body, "validation") for op in OPERATIONS if op.body}
    answers: set[tuple[type[BaseModel], JsonSchemaMode]] = {
        (_model(answer), "serialization") for op in OPERATIONS for _, answer in [*op.answers.values(), *GUARD_REFUSALS.values()]
    }
    wanted = sorted(bodies | answers, key=lambda pair: pair[0].__name__)
    refs, schemas = models_json_schema(wanted, ref_template=REF, schema_generator=_Schemas)
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Mock account portal: test-control API",
            "version": "1",
            "description": (
                "Mounted only in testing mode (--testing or PORTAL_TESTING=1). JSON in, JSON out: every write says "
                "Content-Type: application/json, even with no body, and comes from a script or this portal's own "
                "pages, to a Host it answers to."
            ),
        },
        "paths": paths,
        "components": {"schemas": schemas["$defs"]},
    }


def openapi_spec() -> dict[str, Any]:
    """The whole document, served at /__test__/openapi.json (a copy: the caller may change it)."""
    return copy.deepcopy(_document())
