"""The test-control API creates accounts: POST /__test__/accounts answers with every field, fills in documented
defaults, keeps given values, and refuses a bad spec with a 400 naming the field, creating nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from control_api import post_account, states
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mock_portal.catalog import products
from mock_portal.models import Account, User

CREATED_FIELDS = {"id", "users", "subscriptions"}
USER_FIELDS = {"email", "password"}
SUBSCRIPTION_FIELDS = {"number", "product", "csn", "currency", "payment_method", "term", "seats", "status", "renewal_date"}


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
    body = post_account(client, subscriptions=[{} for _ in range(10_000)])

    numbers = {s["number"] for s in body["subscriptions"]}
    assert len(numbers) == 10_000, "every subscription number is unique"
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
