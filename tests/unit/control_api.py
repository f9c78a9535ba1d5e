"""Calls to the test-control API that the test_testing_api*.py modules share: create an account, read its
subscriptions' state."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient


def post_account(client: FlaskClient, **spec: Any) -> dict[str, Any]:
    """Create an account from `spec` (POST /__test__/accounts), insisting on 201; the created account's JSON."""
    response = client.post("/__test__/accounts", json=spec)
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def states(client: FlaskClient, account_id: int) -> dict[str, dict[str, Any]]:
    """Each subscription's state as the API shows it, by subscription number."""
    response = client.get(f"/__test__/accounts/{account_id}/subscriptions")
    assert response.status_code == 200
    return {s["number"]: s for s in response.get_json()}
