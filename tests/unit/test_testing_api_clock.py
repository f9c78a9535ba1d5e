"""The test-control API's clocks and subscription state: each account has its own today, the state shows the
anniversary in force and why a subscription can't be renewed, and the anchor day (reference, "29 February")."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from control_api import post_account, states
from flask.testing import FlaskClient

STATE_FIELDS = {"number", "renewal_date", "renewed_through", "status", "eligible", "reason"}


def test_each_account_has_its_own_clock(client: FlaskClient) -> None:
    renewal = {"renewal_date": "2027-04-05"}
    early = post_account(client, subscriptions=[renewal])
    inside = post_account(client, subscriptions=[renewal])

    assert client.put(f"/__test__/accounts/{early['id']}/clock", json={"today": "2027-01-04"}).status_code == 200
    assert client.put(f"/__test__/accounts/{inside['id']}/clock", json={"today": "2027-01-05"}).status_code == 200

    (early_state,) = states(client, early["id"]).values()
    (inside_state,) = states(client, inside["id"]).values()
    assert (early_state["eligible"], early_state["reason"]) == (False, "Renewal opens on 2027-01-05")
    assert (inside_state["eligible"], inside_state["reason"]) == (True, None)


def test_the_clock_resets_to_the_portal_date_with_null(client: FlaskClient) -> None:
    account = post_account(client, today="2030-06-01")

    response = client.put(f"/__test__/accounts/{account['id']}/clock", json={"today": None})

    assert response.get_json() == {"id": account["id"], "today": None, "effective_today": date.today().isoformat()}


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "today"), ({"today": "tomorrow"}, "today"), ({"today": "2027-01-01", "zone": "UTC"}, "zone"), ([], "body")],
)
def test_a_bad_clock_is_refused_naming_the_field(client: FlaskClient, body: Any, field: str) -> None:
    account = post_account(client)

    response = client.put(f"/__test__/accounts/{account['id']}/clock", json=body)

    assert response.status_code == 400 and response.get_json()["error"].startswith(f"{field}:")


def test_subscription_state_shows_the_anniversary_in_force_and_why_not(client: FlaskClient) -> None:
    account = post_account(
        client,
        today="2027-01-01",
        subscriptions=[{"renewal_date": "2026-11-16"}, {"renewal_date": "2027-02-01", "renewed": True}],
    )
    late, renewed = (s["number"] for s in account["subscriptions"])

    got = states(client, account["id"])

    assert got[late].keys() >= STATE_FIELDS
    assert (got[late]["status"], got[late]["reason"]) == ("expired", "Renewal closed on 2026-12-31")
    assert got[renewed]["renewed_through"] == "2028-02-01"
    assert got[renewed]["reason"] == "Already renewed through 2028-02-01"


# --- the anchor day (reference, "29 February") -------------------------------------------------------------------


@pytest.mark.parametrize("anchor", [28, 29, 30, 31])
def test_a_renewal_date_on_28_february_takes_any_anchor_day_it_is_the_clamp_of(client: FlaskClient, anchor: int) -> None:
    account = post_account(client, today="2029-01-01", subscriptions=[{"renewal_date": "2029-02-28", "anchor_day": anchor}])
    (created,) = account["subscriptions"]

    (state,) = states(client, account["id"]).values()

    assert created["anchor_day"] == state["anchor_day"] == anchor


def test_the_anchor_day_defaults_to_the_renewal_dates_own_day(client: FlaskClient) -> None:
    account = post_account(
        client, today="2029-01-01", subscriptions=[{"renewal_date": "2029-02-28"}, {"renewal_in_days": 30}]
    )

    assert [s["anchor_day"] for s in account["subscriptions"]] == [28, 31]
    assert sorted(s["anchor_day"] for s in states(client, account["id"]).values()) == [28, 31]


@pytest.mark.parametrize(
    ("subscription", "allowed"),
    [
        pytest.param({"renewal_date": "2029-03-28", "anchor_day": 29}, "use 28,", id="29 on 28 March"),
        pytest.param({"renewal_date": "2029-02-28", "anchor_day": 27}, "use 28 to 31", id="27 on 28 February"),
        pytest.param({"renewal_date": "2028-02-28", "anchor_day": 29}, "use 28,", id="29 on 28 February of a leap year"),
        pytest.param({"renewal_date": "2029-04-30", "anchor_day": 29}, "use 30 to 31", id="29 on 30 April"),
        pytest.param({"renewal_in_days": 0, "anchor_day": 31}, "use 15,", id="31 on today's 15th"),
    ],
)
def test_an_anchor_day_that_does_not_clamp_to_the_renewal_date_is_refused_naming_field_value_and_choices(
    client: FlaskClient, subscription: dict[str, Any], allowed: str
) -> None:
    response = client.post("/__test__/accounts", json={"today": "2029-01-15", "subscriptions": [{}, subscription]})

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error.startswith(f"subscriptions[1].anchor_day: {subscription['anchor_day']} is not allowed"), error
    assert allowed in error, error


def test_a_renewed_spec_runs_through_the_anchor_day(client: FlaskClient) -> None:
    account = post_account(
        client,
        today="2031-01-01",
        subscriptions=[{"renewal_date": "2031-02-28", "anchor_day": 29, "renewed": True, "term": "annual"}],
    )

    assert account["subscriptions"][0]["renewed_through"] == "2032-02-29"
    (state,) = states(client, account["id"]).values()
    assert state["reason"] == "Already renewed through 2032-02-29"
