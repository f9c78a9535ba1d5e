"""What the fault-injection test modules share: the accounts' day, setting an account's faults through the test-control
API, and an account due today.

The fixture's function is named apart from the fixture (`name=`), so a test module imports it without a test's
`due_account` argument shadowing the import."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from portal_browser import SeedAccount

from mock_portal.testing.answers import CreatedAccount

TODAY = "2027-01-01"


def put_faults(client: FlaskClient, account_id: int, **faults: Any) -> dict[str, Any]:
    """Set an account's faults (PUT /__test__/accounts/ID/faults) and return them as the portal answers."""
    response = client.put(f"/__test__/accounts/{account_id}/faults", json=faults)
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


@pytest.fixture(name="due_account")
def due_account_fixture(seed_account: SeedAccount) -> CreatedAccount:
    """An account whose one credit-card subscription renews today: Place order needs no Renew now."""
    return seed_account(today=TODAY, subscriptions=[{"renewal_in_days": 0, "payment_method": "credit_card"}])
