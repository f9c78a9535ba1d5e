"""The test-control API after the portal acts: orders with decimal totals, marking a konbini order paid, the reminder
job; and a database kept from an older portal gains the newer columns."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

from control_api import post_account, states
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mock_portal import create_app
from mock_portal.db import new_session
from mock_portal.models import Account, Subscription, User
from mock_portal.services.cart import add_to_cart
from mock_portal.services.orders import place_orders
from mock_portal.services.subscriptions import owned_subscriptions

ORDER_FIELDS = {"number", "status", "subscriptions", "currency", "total"}


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
