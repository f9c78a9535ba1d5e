"""Fuzz the test-control API with schemathesis, from the OpenAPI document the portal itself serves at
/__test__/openapi.json: valid and invalid requests alike never get a 5xx, invalid ones get a 4xx, and every answer
matches the status codes, content type and body schema the document declares.

One test per (operation, valid/invalid data), so xdist spreads them; each records how many cases it ran and how
many 5xx it saw (`fuzz_cases`, `fuzz_5xx` in the JUnit XML, and a line in the captured output)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from portal_browser import SeedAccount, SignedInBrowser, order_numbers
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.schemas import BaseSchema

from mock_portal.blueprints.testing_openapi import openapi_spec

# Operations are listed from the same document the portal serves, so a new endpoint is fuzzed without a change here.
OPERATIONS = [(method.upper(), path) for path, item in openapi_spec()["paths"].items() for method in item]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,  # invalid data must be refused with a 4xx, not accepted
]
EXAMPLES = 25  # per operation and mode
FEWER = {("POST", "/__test__/accounts"): 15}  # each valid case hashes up to 20 passwords
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
MODES = [pytest.param(GenerationMode.POSITIVE, id="valid"), pytest.param(GenerationMode.NEGATIVE, id="invalid")]


@pytest.fixture
def served_schema(app: Flask) -> BaseSchema:
    """The test-control API as the portal describes it (fetched over WSGI, validated by schemathesis)."""
    return schemathesis.openapi.from_wsgi("/__test__/openapi.json", app)


@pytest.fixture
def known_ids(seed_account: SeedAccount, signed_in_browser: SignedInBrowser) -> dict[str, Any]:
    """Path parameters that exist: an account with subscriptions, and its Konbini order awaiting payment, so the
    fuzzer reaches the code behind the 404s too."""
    account = seed_account(
        country="JP",
        today="2027-01-01",
        subscriptions=[{"payment_method": "konbini", "renewal_date": "2027-01-15"}, {"renewal_in_days": 10}, {}],
    )
    browser = signed_in_browser(account)
    browser.renew(account.subscriptions[0].number)
    (order,) = order_numbers(browser.place_order(renew_now=True))
    return {"account_id": account.id, "number": order}


def cases(schema: BaseSchema, method: str, path: str, mode: GenerationMode, request: pytest.FixtureRequest) -> st.SearchStrategy:
    """Cases with generated path parameters, and (where something is left to vary) with ones that exist."""
    operation = schema[path][method]
    inputs = [operation.path_parameters, operation.query, operation.headers, operation.cookies, operation.body]
    if mode is GenerationMode.NEGATIVE and not any(len(part) for part in inputs):
        pytest.skip(f"{method} {path} takes no input that could be invalid")
    strategy = operation.as_strategy(generation_mode=mode)
    wanted = [p.name for p in operation.path_parameters]
    known = request.getfixturevalue("known_ids") if wanted else {}
    params = {name: known[name] for name in wanted if name in known}
    if params and (mode is GenerationMode.POSITIVE or operation.body):
        strategy = st.one_of(strategy, operation.as_strategy(generation_mode=mode, path_parameters=params))
    return strategy


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_the_test_api_never_answers_5xx_and_keeps_to_its_openapi_document(
    served_schema: BaseSchema,
    request: pytest.FixtureRequest,
    method: str,
    path: str,
    mode: GenerationMode,
    record_property: Any,
) -> None:
    seen = {"cases": 0, "5xx": 0}
    statuses: dict[int, int] = {}

    @settings(FUZZ, max_examples=FEWER.get((method, path), EXAMPLES))
    @given(case=cases(served_schema, method, path, mode, request))
    def fuzz(case: schemathesis.Case) -> None:
        response = case.call()
        seen["cases"] += 1
        seen["5xx"] += response.status_code >= 500
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        case.validate_response(response, checks=CHECKS)

    try:
        fuzz()
    finally:
        record_property("fuzz_cases", seen["cases"])
        record_property("fuzz_5xx", seen["5xx"])
        answered = dict(sorted(statuses.items()))
        print(f"{method} {path} {mode.value}: {seen['cases']} cases, {seen['5xx']} 5xx, statuses {answered}")
