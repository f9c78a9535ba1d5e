"""The test-control API as a whole: unknown ids are 404s in JSON, the OpenAPI document describes every endpoint, and
outside testing mode none of it exists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_portal import create_app


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("put", "/__test__/accounts/999999/clock", {"today": "2027-01-01"}),
        ("get", "/__test__/accounts/999999/subscriptions", None),
        ("get", "/__test__/accounts/999999/orders", None),
        ("get", "/__test__/accounts/99999999999999999999999/orders", None),
        ("post", "/__test__/orders/7000000000/payment", {}),
    ],
)
def test_unknown_ids_are_404_in_json(client: FlaskClient, method: str, path: str, body: Any) -> None:
    response = getattr(client, method)(path, json=body)

    assert response.status_code == 404
    assert response.get_json()["error"]


def test_openapi_describes_every_endpoint(client: FlaskClient) -> None:
    spec = client.get("/__test__/openapi.json").get_json()

    assert spec["openapi"].startswith("3.")
    operations = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert operations == {
        ("/__test__/accounts", "post"),
        ("/__test__/accounts/{account_id}/clock", "put"),
        ("/__test__/accounts/{account_id}/subscriptions", "get"),
        ("/__test__/accounts/{account_id}/orders", "get"),
        ("/__test__/orders/{number}/payment", "post"),
        ("/__test__/jobs/reminders", "post"),
        ("/__test__/accounts/{account_id}/faults", "get"),
        ("/__test__/accounts/{account_id}/faults", "put"),
        ("/__test__/faults", "get"),
        ("/__test__/faults", "put"),
        ("/__test__/faults", "delete"),
    }
    schemas = spec["components"]["schemas"]
    spec_fields = schemas["SubscriptionSpec"]["properties"].keys()
    assert {"product", "csn", "currency", "payment_method", "term", "seats", "status", "auto_renew",
            "renewal_date", "renewal_in_days", "anchor_day"} <= spec_fields  # fmt: skip
    for answer in ("CreatedAccount", "SubscriptionState"):
        schema = schemas[answer]
        item = resolved(schemas, schema["properties"]["subscriptions"]["items"]) if answer == "CreatedAccount" else schema
        assert "anchor_day" in item["required"] and item["properties"]["anchor_day"]["type"] == "integer", answer
    assert resolved(schemas, schemas["UserSpec"]["properties"]["locale"])["enum"] == ["en", "fr", "ja"]
    created_user = resolved(schemas, schemas["CreatedAccount"]["properties"]["users"]["items"])
    assert "locale" in created_user["required"] and created_user["properties"]["locale"]["enum"] == ["en", "fr", "ja"]


def resolved(schemas: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with its $ref followed and, if it may be null, the other branch."""
    if "$ref" in schema:
        return resolved(schemas, schemas[schema["$ref"].removeprefix("#/components/schemas/")])
    if "anyOf" in schema:
        (value,) = [branch for branch in schema["anyOf"] if branch != {"type": "null"}]
        return resolved(schemas, value)
    return schema


TEST_PATHS = [
    ("post", "/__test__/accounts"),
    ("put", "/__test__/accounts/1/clock"),
    ("get", "/__test__/accounts/1/subscriptions"),
    ("get", "/__test__/accounts/1/orders"),
    ("post", "/__test__/orders/1/payment"),
    ("post", "/__test__/jobs/reminders"),
    ("get", "/__test__/openapi.json"),
]


@pytest.mark.parametrize(("method", "path"), TEST_PATHS)
def test_the_test_api_is_absent_by_default(tmp_path: Path, portal_env: None, method: str, path: str) -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/p.db"})

    response = getattr(app.test_client(), method)(path, json={})

    assert response.status_code == 404, f"{method.upper()} {path} must not exist outside testing mode"
