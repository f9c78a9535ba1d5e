"""The test-control API: JSON in and out, clear 400s naming the field, 404s for unknown ids, absent by default."""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mock_portal import create_app
from mock_portal.catalog import products
from mock_portal.db import new_session
from mock_portal.models import Account, Subscription, User
from mock_portal.services.cart import add_to_cart
from mock_portal.services.orders import place_orders
from mock_portal.services.subscriptions import owned_subscriptions

CREATED_FIELDS = {"id", "users", "subscriptions"}
USER_FIELDS = {"email", "password"}
SUBSCRIPTION_FIELDS = {"number", "product", "csn", "currency", "payment_method", "term", "seats", "status", "renewal_date"}
STATE_FIELDS = {"number", "renewal_date", "renewed_through", "status", "eligible", "reason"}
ORDER_FIELDS = {"number", "status", "subscriptions", "currency", "total"}


def post_account(client: FlaskClient, **spec: Any) -> dict[str, Any]:
    response = client.post("/__test__/accounts", json=spec)
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def states(client: FlaskClient, account_id: int) -> dict[str, dict[str, Any]]:
    response = client.get(f"/__test__/accounts/{account_id}/subscriptions")
    assert response.status_code == 200
    return {s["number"]: s for s in response.get_json()}


def test_create_account_answers_201_with_every_listed_field(client: FlaskClient) -> None:
    body = post_account(client, subscriptions=[{}])

    assert body.keys() >= CREATED_FIELDS
    assert body["users"][0].keys() >= USER_FIELDS
    assert body["subscriptions"][0].keys() >= SUBSCRIPTION_FIELDS


def test_omitted_values_are_filled_with_the_documented_defaults(client: FlaskClient) -> None:
    body = post_account(client, today="2027-03-01", subscriptions=[{}, {}])

    user = body["users"][0]
    assert re.fullmatch(r"[a-z]+\.[a-z]+\.[0-9a-f]{6}@example\.com", user["email"]), user["email"]
    assert len(user["password"]) >= 12
    first, second = body["subscriptions"]
    assert first["csn"] == second["csn"], "subscriptions without a csn share the account's first CSN"
    assert re.fullmatch(r"[0-9]{10}", first["csn"]) and re.fullmatch(r"[0-9]{12}", first["number"])
    assert products()[first["product"]].sold
    assert (first["currency"], first["payment_method"], first["term"], first["status"]) == (
        "USD", "credit_card", "annual", "active",
    )  # fmt: skip
    assert 1 <= first["seats"] <= 10 and first["auto_renew"] is False
    assert first["renewal_date"] == "2027-03-31", "the default renewal date is the account's today + 30 days"


def test_made_up_data_is_unique_per_account(client: FlaskClient) -> None:
    one, two = post_account(client, subscriptions=[{}]), post_account(client, subscriptions=[{}])

    assert one["users"][0]["email"] != two["users"][0]["email"]
    assert one["subscriptions"][0]["number"] != two["subscriptions"][0]["number"]
    assert one["subscriptions"][0]["csn"] != two["subscriptions"][0]["csn"]


@pytest.mark.parametrize(("country", "currency"), [("US", "USD"), ("GB", "GBP"), ("JP", "JPY"), ("DE", "EUR"), ("CA", "USD")])
def test_the_default_currency_follows_the_country(client: FlaskClient, country: str, currency: str) -> None:
    body = post_account(client, country=country, subscriptions=[{}])

    assert body["subscriptions"][0]["currency"] == currency


def test_given_users_and_values_are_kept(client: FlaskClient) -> None:
    body = post_account(
        client,
        users=[{"email": "Kept.User@example.com", "password": "s3cret pass"}],
        subscriptions=[{"product": "ACD", "csn": "5550000001", "currency": "EUR", "payment_method": "paypal",
                        "term": "three_year", "seats": 7, "status": "cancelled", "renewal_date": "2027-05-05"}],
    )  # fmt: skip

    assert body["users"][0] == {**body["users"][0], "email": "Kept.User@example.com", "password": "s3cret pass"}
    sub = body["subscriptions"][0]
    assert (sub["product"], sub["csn"], sub["currency"], sub["payment_method"]) == ("ACD", "5550000001", "EUR", "paypal")
    assert (sub["term"], sub["seats"], sub["status"], sub["renewal_date"]) == ("three_year", 7, "cancelled", "2027-05-05")


@pytest.mark.parametrize(
    ("locale", "cancelled", "not_yet_open"),
    [
        ("en", "Cancelled", "Renewal opens on 2026-01-31"),
        ("fr", "Annulé", "Renouvellement possible à partir du 2026-01-31"),
        ("ja", "解約済み", "2026-01-31から更新可能"),
    ],
)
def test_reasons_come_in_the_accounts_language_with_iso_dates(
    client: FlaskClient, locale: str, cancelled: str, not_yet_open: str
) -> None:
    body = post_account(
        client,
        today="2026-01-01",
        users=[{"locale": locale}],
        subscriptions=[{"status": "cancelled", "renewal_in_days": 30}, {"renewal_in_days": 120}],
    )

    reasons = [states(client, body["id"])[s["number"]]["reason"] for s in body["subscriptions"]]

    assert reasons == [cancelled, not_yet_open]


def test_a_users_locale_is_kept_returned_and_stored_defaulting_to_en(client: FlaskClient, db: Session) -> None:
    body = post_account(client, users=[{"locale": "fr"}, {"locale": "ja"}, {}, {"locale": None}])

    assert [u["locale"] for u in body["users"]] == ["fr", "ja", "en", "en"]
    stored = {u.email: u.locale for u in db.scalars(select(User).where(User.account_id == body["id"]))}
    assert stored == {u["email"]: u["locale"] for u in body["users"]}


def test_a_refused_locale_says_what_to_send(client: FlaskClient) -> None:
    response = client.post("/__test__/accounts", json={"users": [{"locale": "de"}]})

    assert response.status_code == 400
    assert response.get_json()["error"] == "users[0].locale: 'de' is not allowed; use one of en, fr, ja"


def test_the_created_user_can_sign_in(client: FlaskClient, app: Flask) -> None:
    user = post_account(client)["users"][0]
    browser = app.test_client()
    browser.get("/login")
    with browser.session_transaction() as session:
        token = session["csrf_token"]

    response = browser.post("/login", data={"email": user["email"], "password": user["password"], "csrf_token": token})

    assert response.status_code == 302


def test_ten_thousand_subscriptions_in_one_call(client: FlaskClient) -> None:
    started = time.perf_counter()
    body = post_account(client, subscriptions=[{} for _ in range(10_000)])
    elapsed = time.perf_counter() - started

    numbers = {s["number"] for s in body["subscriptions"]}
    assert len(numbers) == 10_000, "every subscription number is unique"
    assert elapsed < 10, f"creating 10,000 subscriptions took {elapsed:.1f} s; bulk inserts should take about 1 s"
    assert len(states(client, body["id"])) == 10_000


def test_more_than_ten_thousand_subscriptions_are_refused(client: FlaskClient) -> None:
    response = client.post("/__test__/accounts", json={"subscriptions": [{}] * 10_001})

    assert response.status_code == 400
    assert "subscriptions" in response.get_json()["error"] and "10000" in response.get_json()["error"]


BAD_BODIES = [
    pytest.param(b'{"country": "US"', "body", id="malformed JSON"),
    pytest.param(b"[]", "body", id="not an object"),
    pytest.param(b'"hello"', "body", id="a string body"),
    pytest.param({"colour": "red"}, "colour", id="unknown field"),
    pytest.param({"subscriptions": [{"colour": "red"}]}, "subscriptions[0].colour", id="unknown subscription field"),
    pytest.param({"country": "XX"}, "country", id="unknown country"),
    pytest.param({"today": "01/02/2027"}, "today", id="bad today"),
    pytest.param({"subscriptions": [{"renewal_date": "2027-02-30"}]}, "subscriptions[0].renewal_date", id="bad date"),
    pytest.param({"subscriptions": [{}, {"currency": "XYZ"}]}, "subscriptions[1].currency", id="bad currency"),
    pytest.param({"subscriptions": [{"product": "NOPE"}]}, "subscriptions[0].product", id="unknown product"),
    pytest.param({"subscriptions": [{"seats": 0}]}, "subscriptions[0].seats", id="zero seats"),
    pytest.param({"subscriptions": [{"seats": "3"}]}, "subscriptions[0].seats", id="seats as text"),
    pytest.param({"subscriptions": [{"term": "weekly"}]}, "subscriptions[0].term", id="bad term"),
    pytest.param({"subscriptions": [{"status": "paused"}]}, "subscriptions[0].status", id="bad status"),
    pytest.param({"subscriptions": [{"auto_renew": "yes"}]}, "subscriptions[0].auto_renew", id="auto_renew not boolean"),
    pytest.param({"subscriptions": [{"csn": "12345"}]}, "subscriptions[0].csn", id="short csn"),
    pytest.param(
        {"subscriptions": [{"renewal_date": "2027-01-05", "renewal_in_days": 3}]},
        "subscriptions[0].renewal_date",
        id="renewal_date and renewal_in_days",
    ),
    pytest.param(
        {"subscriptions": [{"payment_method": "konbini", "auto_renew": True}]},
        "subscriptions[0].auto_renew",
        id="konbini with auto_renew",
    ),
    pytest.param(
        {"subscriptions": [{"payment_method": "atm_bank_transfer", "auto_renew": True}]},
        "subscriptions[0].auto_renew",
        id="ATM bank transfer with auto_renew",
    ),
    pytest.param({"subscriptions": [{"anchor_day": 0}]}, "subscriptions[0].anchor_day", id="anchor day 0"),
    pytest.param({"subscriptions": [{"anchor_day": 32}]}, "subscriptions[0].anchor_day", id="anchor day 32"),
    pytest.param({"subscriptions": [{"anchor_day": "29"}]}, "subscriptions[0].anchor_day", id="anchor day as text"),
    pytest.param({"users": []}, "users", id="no users"),
    pytest.param({"users": [{"email": "not-an-email"}]}, "users[0].email", id="bad email"),
    pytest.param({"users": [{"password": "   "}]}, "users[0].password", id="blank password"),
    pytest.param({"users": [{}, {"locale": "de"}]}, "users[1].locale", id="unknown locale"),
    pytest.param({"users": [{"locale": "fr-FR"}]}, "users[0].locale", id="locale with a region"),
    pytest.param({"users": [{"locale": 7}]}, "users[0].locale", id="locale as a number"),
]


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
def test_bad_input_is_refused_with_400_naming_the_field(client: FlaskClient, body: Any, field: str) -> None:
    if isinstance(body, bytes):
        response = client.post("/__test__/accounts", data=body, content_type="application/json")
    else:
        response = client.post("/__test__/accounts", json=body)

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error.startswith(f"{field}:"), f"the message should name {field}: {error}"


def test_a_refused_spec_creates_nothing(client: FlaskClient, db: Session) -> None:
    before = db.query(Account).count()

    client.post("/__test__/accounts", json={"subscriptions": [{}, {"currency": "XYZ"}]})

    assert db.query(Account).count() == before


def test_a_csn_of_another_account_is_refused(client: FlaskClient) -> None:
    csn = post_account(client, subscriptions=[{}])["subscriptions"][0]["csn"]

    response = client.post("/__test__/accounts", json={"subscriptions": [{"csn": csn}]})

    assert response.status_code == 400
    assert response.get_json()["error"].startswith("subscriptions[0].csn:") and csn in response.get_json()["error"]


def test_an_email_already_in_use_is_refused(client: FlaskClient) -> None:
    email = post_account(client)["users"][0]["email"]

    response = client.post("/__test__/accounts", json={"users": [{"email": email.upper()}]})

    assert response.status_code == 400 and response.get_json()["error"].startswith("users[0].email:")


def test_subscriptions_may_share_a_given_csn(client: FlaskClient) -> None:
    body = post_account(client, subscriptions=[{"csn": "5550000002"}, {"csn": "5550000002"}, {}])

    assert [s["csn"] for s in body["subscriptions"]] == ["5550000002"] * 3


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


def test_a_kept_database_gains_the_anchor_day_column_and_reads_null_as_the_renewal_dates_day(
    tmp_path: Path, portal_env: None
) -> None:
    url = f"sqlite:///{tmp_path}/kept.db"
    first = create_app({"TESTING": True, "DATABASE_URL": url})
    account = first.test_client().post(
        "/__test__/accounts", json={"today": "2028-02-01", "subscriptions": [{"renewal_date": "2028-02-29"}]}
    ).get_json()
    first.extensions["db_sessionmaker"].kw["bind"].dispose()
    with sqlite3.connect(tmp_path / "kept.db") as older:  # the table as a portal before the anchor day kept it
        older.execute("ALTER TABLE subscriptions DROP COLUMN anchor_day")

    upgraded = create_app({"TESTING": True, "DATABASE_URL": url})
    try:
        (state,) = upgraded.test_client().get(f"/__test__/accounts/{account['id']}/subscriptions").get_json()
        db = new_session(upgraded)
        try:
            with upgraded.app_context():
                _checkout(db, account["id"], [state["number"]])
            (sub,) = db.scalars(select(Subscription).where(Subscription.number == state["number"]))
            stored = (sub.anchor_day, sub.renewed_through)
        finally:
            db.close()
    finally:
        upgraded.extensions["db_sessionmaker"].kw["bind"].dispose()

    assert state["anchor_day"] == 29, "null reads as the renewal date's own day"
    assert stored == (29, date(2029, 2, 28)), "renewing stores the anchor, so 28 Feb 2029 is not the next anchor"


def test_a_kept_database_gains_the_users_locale_column_as_en(tmp_path: Path, portal_env: None) -> None:
    url = f"sqlite:///{tmp_path}/kept.db"
    first = create_app({"TESTING": True, "DATABASE_URL": url})
    account = first.test_client().post("/__test__/accounts", json={}).get_json()
    first.extensions["db_sessionmaker"].kw["bind"].dispose()
    with sqlite3.connect(tmp_path / "kept.db") as older:  # the table as a portal before languages kept it
        older.execute("ALTER TABLE users DROP COLUMN locale")

    upgraded = create_app({"TESTING": True, "DATABASE_URL": url})
    db = new_session(upgraded)
    try:
        locales = list(db.scalars(select(User.locale).where(User.account_id == account["id"])))
    finally:
        db.close()
        upgraded.extensions["db_sessionmaker"].kw["bind"].dispose()

    assert locales == ["en"], "users of a kept database read as English"


def _checkout(db: Session, account_id: int, numbers: list[str]) -> list[str]:
    account = db.get(Account, account_id)
    assert account is not None
    user = db.query(User).filter_by(account_id=account_id).first()
    assert user is not None
    add_to_cart(db, account_id, owned_subscriptions(db, account_id, numbers))
    return place_orders(db, account, user, renew_now=True)


def test_orders_list_totals_as_decimal_strings_and_konbini_payment_completes(
    client: FlaskClient, app: Flask, db: Session
) -> None:
    today = date(2027, 1, 1)
    account = post_account(
        client,
        country="JP",
        today=today.isoformat(),
        subscriptions=[{"product": "ACD", "payment_method": "konbini", "seats": 1, "renewal_date": "2027-02-01"}],
    )
    number = account["subscriptions"][0]["number"]
    with app.app_context():
        (order_number,) = _checkout(db, account["id"], [number])

    (order,) = client.get(f"/__test__/accounts/{account['id']}/orders").get_json()
    assert order.keys() >= ORDER_FIELDS
    assert (order["number"], order["status"], order["subscriptions"]) == (order_number, "awaiting_payment", [number])
    assert (order["currency"], order["total"], order["total_minor"]) == ("JPY", "327910", 327910)  # 298,100 + 10 %
    assert order["payment_number"] and order["payment_deadline"] == (today + timedelta(days=7)).isoformat()

    paid = client.post(f"/__test__/orders/{order_number}/payment", json={})
    assert paid.status_code == 200 and paid.get_json()["status"] == "complete"
    (state,) = states(client, account["id"]).values()
    assert state["renewal_date"] == "2027-02-01" and state["renewed_through"] == "2028-02-01"

    again = client.post(f"/__test__/orders/{order_number}/payment", json={})
    assert again.status_code == 409 and "awaiting payment" in again.get_json()["error"]


def test_usd_totals_keep_two_decimals(client: FlaskClient, app: Flask, db: Session) -> None:
    account = post_account(
        client, today="2027-01-01", subscriptions=[{"product": "ACD", "seats": 1, "renewal_date": "2027-01-15"}]
    )
    with app.app_context():
        _checkout(db, account["id"], [account["subscriptions"][0]["number"]])

    (order,) = client.get(f"/__test__/accounts/{account['id']}/orders").get_json()

    assert (order["total"], order["status"]) == ("2118.19", "complete")  # 1,975.00 + 7.25 % tax


def test_the_reminder_job_endpoint_reports_how_many_were_sent(client: FlaskClient) -> None:
    post_account(client, today="2027-01-01", subscriptions=[{"renewal_in_days": 30}, {"renewal_in_days": 200}])

    first = client.post("/__test__/jobs/reminders", content_type="application/json")  # no body at all
    second = client.post("/__test__/jobs/reminders", json={})

    assert (first.status_code, first.get_json()) == (200, {"sent": 1})
    assert second.get_json() == {"sent": 0}


def test_the_reminder_job_takes_no_fields(client: FlaskClient) -> None:
    response = client.post("/__test__/jobs/reminders", json={"dry_run": True})

    assert response.status_code == 400 and response.get_json()["error"].startswith("dry_run:")


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
