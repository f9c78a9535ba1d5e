"""Portal-wide fault injection through the test-control API: latency and server errors on chosen routes (only their
methods, only an account's requests, never the test-control API), clear 400s naming the field within the stated limits,
404s for unknown accounts, none of it without testing mode, and a database kept from before gaining the new columns."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from fault_injection import TODAY, due_account_fixture, put_faults  # noqa: F401 (fixtures)
from flask.testing import FlaskClient
from portal_browser import Browser, SeedAccount, SignedInBrowser

from mock_portal import create_app, outbox
from mock_portal.faults import Rule

INJECTED = "An error was injected for testing"


def put_portal_faults(client: FlaskClient, **faults: Any) -> dict[str, Any]:
    response = client.put("/__test__/faults", json=faults)
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


# --- portal-wide faults: latency and server errors -------------------------------------------------------------


def test_portal_faults_are_none_until_set_each_list_sent_replaces_that_list_and_delete_clears(client: FlaskClient) -> None:
    assert client.get("/__test__/faults").get_json() == {"latency": [], "errors": []}

    put_portal_faults(client, latency=[{"route": "/checkout", "ms": 800, "methods": ["POST"]}])
    both = put_portal_faults(client, errors=[{"route": "/cart", "status": 503}])

    assert both == {
        "latency": [{"route": "/checkout", "ms": 800, "methods": ["POST"], "account_id": None}],
        "errors": [{"route": "/cart", "status": 503, "methods": None, "account_id": None}],
    }
    assert client.get("/__test__/faults").get_json() == both
    assert put_portal_faults(client, latency=[])["errors"] == both["errors"]
    cleared = client.delete("/__test__/faults", content_type="application/json")
    assert cleared.status_code == 200 and cleared.get_json() == {"latency": [], "errors": []}
    assert client.get("/__test__/faults").get_json() == {"latency": [], "errors": []}


def test_an_injected_500_renders_the_portals_error_page_saying_it_was_injected(client: FlaskClient) -> None:
    put_portal_faults(client, errors=[{"route": "/login", "status": 500}])

    response = client.get("/login")

    page = response.get_data(as_text=True)
    assert response.status_code == 500 and response.mimetype == "text/html"
    assert "<h1>500 · Internal Server Error</h1>" in page and INJECTED in page and "GET /login" in page
    assert "Traceback" not in page


def test_an_injected_error_hits_only_its_methods(client: FlaskClient, due_account, signed_in_browser: SignedInBrowser) -> None:
    browser = signed_in_browser(due_account)
    put_portal_faults(client, errors=[{"route": "/cart", "status": 502, "methods": ["POST"]}])

    assert browser.get("/cart").status == 200
    refused = browser.renew(due_account.subscriptions[0].number)

    assert refused.status == 502 and any(INJECTED in alert for alert in refused.alerts)
    assert browser.get("/cart").by_testid("cart-total") == [], "nothing reached the cart"


def test_a_fault_with_an_account_id_hits_only_that_accounts_requests(
    client: FlaskClient, seed_account: SeedAccount, signed_in_browser: SignedInBrowser, due_account
) -> None:
    other = seed_account(today=TODAY, subscriptions=[{}])
    put_portal_faults(client, errors=[{"route": "/", "status": 500, "account_id": due_account.id}])

    assert signed_in_browser(other).get("/subscriptions").status == 200
    assert Browser(client.application.test_client()).get("/login").status == 200, "nobody signed in: not this account"
    assert Browser(client.application.test_client()).get("/subscriptions").status == 302
    assert client.get("/__test__/faults").status_code == 200
    faulted = Browser(client.application.test_client())
    faulted.sign_in(due_account.users[0].email, due_account.users[0].password)
    assert faulted.get("/subscriptions").status == 500


def test_the_test_control_api_is_never_faulted(client: FlaskClient, due_account) -> None:
    put_portal_faults(client, errors=[{"route": "/", "status": 500}], latency=[{"route": "/", "ms": 1000}])

    responses = [
        client.get("/__test__/faults"),
        client.get(f"/__test__/accounts/{due_account.id}/subscriptions"),
        client.get("/__test__/openapi.json"),
    ]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert [r.headers.get("Server-Timing") for r in responses] == [None, None, None], "no latency injected on /__test__/"
    assert client.get("/login").status_code == 500, "the rule on / faults every portal page"


def test_added_latency_slows_only_the_matching_route(client: FlaskClient) -> None:
    put_portal_faults(client, latency=[{"route": "/login", "ms": 300, "methods": ["GET"]}])

    def took(path: str) -> tuple[float, str | None]:
        started = time.perf_counter()
        response = client.get(path)
        assert response.status_code == 200
        return time.perf_counter() - started, response.headers.get("Server-Timing")

    slow, fast = took("/login"), took("/static/portal.css")

    assert slow[0] >= 0.3 and slow[1] == 'injected-latency;dur=300;desc="fault injected"'
    assert fast[1] is None


@pytest.mark.parametrize(
    ("route", "path", "matches"),
    [
        ("/cart", "/cart", True),
        ("/cart", "/cart/remove", True),
        ("/cart/", "/cart", True),
        ("/cart", "/carts", False),
        ("/cart", "/", False),
        ("/", "/subscriptions/123", True),
        ("/checkout", "/checkout/confirmation", True),
    ],
)
def test_a_route_matches_its_path_and_every_path_under_it(route: str, path: str, matches: bool) -> None:
    assert Rule(route=route).matches("GET", path, None) is matches


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"latncy": []}, "latncy"),
        ({"latency": {"route": "/"}}, "latency"),
        ({"latency": [{"route": "/", "ms": 30_001}]}, "latency[0].ms"),
        ({"latency": [{"route": "/", "ms": -1}]}, "latency[0].ms"),
        ({"latency": [{"route": "/", "ms": 1.5}]}, "latency[0].ms"),
        ({"latency": [{"route": "/", "ms": True}]}, "latency[0].ms"),
        ({"latency": [{"route": "/"}]}, "latency[0].ms"),
        ({"latency": [{"ms": 10}]}, "latency[0].route"),
        ({"latency": [{"route": "/", "ms": 10}, "slow"]}, "latency[1]"),
        ({"errors": [{"route": "cart", "status": 500}]}, "errors[0].route"),
        ({"errors": [{"route": "/cart?x=1", "status": 500}]}, "errors[0].route"),
        ({"errors": [{"route": "/__test__/faults", "status": 500}]}, "errors[0].route"),
        ({"errors": [{"route": "/cart", "status": 404}]}, "errors[0].status"),
        ({"errors": [{"route": "/cart", "status": 600}]}, "errors[0].status"),
        ({"errors": [{"route": "/cart", "status": "500"}]}, "errors[0].status"),
        ({"errors": [{"route": "/cart", "status": 500, "methods": []}]}, "errors[0].methods"),
        ({"errors": [{"route": "/cart", "status": 500, "methods": ["post"]}]}, "errors[0].methods"),
        ({"errors": [{"route": "/cart", "status": 500, "account_id": 0}]}, "errors[0].account_id"),
        ({"errors": [{"route": "/cart", "status": 500, "when": "always"}]}, "errors[0].when"),
        ({"errors": [{"route": f"/r{i}", "status": 500} for i in range(21)]}, "errors"),
    ],
)
def test_portal_faults_refuse_bad_input_naming_the_field_and_change_nothing(
    client: FlaskClient, body: dict[str, Any], field: str
) -> None:
    response = client.put("/__test__/faults", json=body)

    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"].startswith(f"{field}:"), response.get_json()
    assert client.get("/__test__/faults").get_json() == {"latency": [], "errors": []}


def test_latency_is_bounded_at_30_seconds(client: FlaskClient) -> None:
    assert client.put("/__test__/faults", json={"latency": [{"route": "/x", "ms": 30_000}]}).status_code == 200

    refused = client.put("/__test__/faults", json={"latency": [{"route": "/x", "ms": 30_001}]})

    assert refused.status_code == 400 and "30000" in refused.get_json()["error"]


def test_a_rule_for_an_unknown_account_is_404(client: FlaskClient) -> None:
    response = client.put("/__test__/faults", json={"errors": [{"route": "/", "status": 500, "account_id": 987654}]})

    assert response.status_code == 404 and "987654" in response.get_json()["error"]
    assert client.get("/__test__/faults").get_json()["errors"] == []


def test_the_openapi_document_states_the_same_limits(client: FlaskClient) -> None:
    schemas = client.get("/__test__/openapi.json").get_json()["components"]["schemas"]

    latency, error = schemas["LatencyRule"]["properties"], schemas["ErrorRule"]["properties"]
    assert (latency["ms"]["minimum"], latency["ms"]["maximum"]) == (0, 30_000)
    assert (error["status"]["minimum"], error["status"]["maximum"]) == (500, 599)
    assert schemas["PortalFaultsSpec"]["properties"]["errors"]["maxItems"] == 20
    assert set(schemas["AccountFaultsSpec"]["properties"]) == {"payment_declined", "smtp_unavailable"}


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/__test__/faults"), ("put", "/__test__/faults"), ("delete", "/__test__/faults"),
     ("get", "/__test__/accounts/1/faults"), ("put", "/__test__/accounts/1/faults")],
)  # fmt: skip
def test_fault_injection_is_absent_without_testing_mode(tmp_path: Path, portal_env: None, method: str, path: str) -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/p.db"})

    response = getattr(app.test_client(), method)(path, json={"errors": [{"route": "/", "status": 500}]})

    assert response.status_code == 404, f"{method.upper()} {path} must not exist outside testing mode"
    assert app.test_client().get("/login").status_code == 200


def test_a_database_kept_from_before_fault_injection_gains_the_new_columns(tmp_path: Path, portal_env: None) -> None:
    path = tmp_path / "kept.db"
    with sqlite3.connect(path) as kept:  # the two tables as they were before faults and the outbox's account
        kept.execute(
            "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL, country VARCHAR(2) NOT NULL, today DATE)"
        )
        kept.execute("INSERT INTO accounts (id, name, country) VALUES (7, 'Kept Co', 'US')")
        kept.execute(
            "CREATE TABLE outbox (id INTEGER PRIMARY KEY, to_address VARCHAR(254) NOT NULL, subject VARCHAR(300) NOT "
            "NULL, text TEXT NOT NULL, html TEXT NOT NULL, created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, "
            "sent_at DATETIME, attempts INTEGER NOT NULL, next_attempt_at DATETIME, last_error TEXT)"
        )
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}"})
    try:
        client = app.test_client()
        assert client.get("/__test__/accounts/7/faults").get_json() == {
            "id": 7, "payment_declined": False, "smtp_unavailable": False,
        }  # fmt: skip
        assert put_faults(client, 7, smtp_unavailable=True)["smtp_unavailable"] is True
        assert outbox.deliver_pending(app) == 0
    finally:
        app.extensions["db_sessionmaker"].kw["bind"].dispose()
