"""The test-control API under /__test__/ (testing mode only): create accounts, move their clocks, inspect, run jobs."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, NoReturn

from flask import Blueprint, Response, abort, current_app, jsonify, request
from flask_babel import force_locale
from sqlalchemy import select

from ..clock import portal_today, today_for
from ..db import session as db_session
from ..i18n import DEFAULT_LOCALE, reason_message
from ..models import Account, Order
from ..rules.money import from_minor
from ..services.accounts import SpecError, create_account, parse_date
from ..services.orders import CheckoutRefused, account_orders, record_payment
from ..services.reminders import send_reminders
from ..services.subscriptions import account_subscriptions, describe_all
from .testing_openapi import openapi_spec

bp = Blueprint("testing_api", __name__, url_prefix="/__test__")
MAX_ID = 2**63 - 1  # larger ids can't be bound as SQL integers; no such account exists anyway


def _fail(status: int, message: str) -> NoReturn:
    abort(status, description=message)


def _json_body(*, required: bool) -> Any:
    """The request's JSON (any content type); an empty body is `{}` unless one is required (blank is not empty:
    it is malformed JSON)."""
    raw = request.get_data(cache=True)
    if not raw:
        if required:
            _fail(400, "body: a JSON object is required")
        return {}
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        _fail(400, f"body: malformed JSON ({exc}); send a JSON object")


def _object_body(allowed: set[str], *, required: bool) -> dict[str, Any]:
    body = _json_body(required=required)
    if not isinstance(body, dict):
        _fail(400, f"body: must be a JSON object, got {_json_type(body)}")
    for key in body:
        if key not in allowed:
            hint = f"allowed fields are {', '.join(sorted(allowed))}" if allowed else "this endpoint takes no fields"
            _fail(400, f"{key[:60]}: unknown field; {hint}")
    return body


def _json_type(value: Any) -> str:
    kinds = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else kinds.get(type(value), type(value).__name__)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _account(account_id: int) -> Account:
    account = db_session().get(Account, account_id) if account_id <= MAX_ID else None
    if account is None:
        _fail(404, f"No account {account_id}; create one with POST /__test__/accounts.")
    return account


@bp.post("/accounts")
def create_account_view() -> tuple[Response, int]:
    """Create an account with its users, CSNs and subscriptions; omitted values are made up."""
    spec = _json_body(required=False)
    try:
        created = create_account(db_session(), spec, default_today=portal_today())
    except SpecError as exc:
        _fail(400, str(exc))
    body = {
        "id": created.id,
        "name": created.name,
        "country": created.country,
        "today": _iso(created.today),
        "csns": created.csns,
        "users": [
            {"email": u.email, "password": u.password, "name": u.name, "locale": u.locale} for u in created.users
        ],
        "subscriptions": [
            {
                "number": s.number,
                "product": s.product,
                "product_name": s.product_name,
                "csn": s.csn,
                "currency": s.currency,
                "payment_method": s.payment_method,
                "term": s.term,
                "seats": s.seats,
                "status": s.status,
                "auto_renew": s.auto_renew,
                "renewal_date": s.renewal_date.isoformat(),
                "renewed_through": _iso(s.renewed_through),
                "anchor_day": s.anchor_day,
            }
            for s in created.subscriptions
        ],
    }
    return jsonify(body), 201


@bp.put("/accounts/<int:account_id>/clock")
def set_clock(account_id: int) -> Response:
    """Set the account's "today" (null: back to the portal's today)."""
    account = _account(account_id)
    body = _object_body({"today"}, required=True)
    if "today" not in body:
        _fail(400, 'today: required; send {"today": "YYYY-MM-DD"} or {"today": null}')
    try:
        account.today = None if body["today"] is None else parse_date(body["today"], "today")
    except SpecError as exc:
        _fail(400, str(exc))
    db_session().commit()
    return jsonify(id=account.id, today=_iso(account.today), effective_today=today_for(account).isoformat())


@bp.get("/accounts/<int:account_id>/subscriptions")
def list_subscriptions(account_id: int) -> Response:
    """Every subscription as the account sees it today: anniversary in force, status, eligibility and reason."""
    account = _account(account_id)
    db = db_session()
    views = describe_all(db, account_subscriptions(db, account.id), today_for(account))
    # The reason as the account's people read it (its first user's language), with its date in ISO form.
    with force_locale(account.users[0].locale if account.users else DEFAULT_LOCALE):
        states = [
            {
                "number": v.number,
                "product": v.product.code,
                "product_name": v.product.name,
                "csn": v.sub.csn,
                "currency": v.sub.currency,
                "payment_method": v.sub.payment_method,
                "term": v.sub.term,
                "seats": v.sub.seats,
                "auto_renew": v.sub.auto_renew,
                "renewal_date": v.anniversary.renewal_date.isoformat(),
                "renewed_through": _iso(v.anniversary.renewed_through),
                "anchor_day": v.sub.anchor,
                "status": v.status,
                "eligible": v.eligibility.eligible,
                "reason": reason_message(v.eligibility) if v.eligibility.reason else None,
            }
            for v in views
        ]
    return jsonify(states)


def _order_json(order: Order) -> dict[str, Any]:
    return {
        "number": order.number,
        "status": order.status,
        "subscriptions": [line.subscription_number for line in order.lines],
        "csn": order.csn,
        "currency": order.currency,
        "payment_method": order.payment_method,
        "total": str(from_minor(order.total_minor, order.currency)),
        "total_minor": order.total_minor,
        "placed_on": order.placed_on.isoformat(),
        "payment_number": order.payment_number,
        "payment_deadline": _iso(order.payment_deadline),
        "paid_on": _iso(order.paid_on),
    }


@bp.get("/accounts/<int:account_id>/orders")
def list_orders(account_id: int) -> Response:
    """The account's orders, newest first."""
    account = _account(account_id)
    return jsonify([_order_json(o) for o in account_orders(db_session(), account.id)])


@bp.post("/orders/<number>/payment")
def pay_order(number: str) -> Response:
    """Record the Konbini / ATM payment of an order awaiting payment."""
    _object_body(set(), required=False)
    db = db_session()
    order = db.scalar(select(Order).where(Order.number == number))
    if order is None:
        _fail(404, f"No order {number[:40]}.")
    try:
        record_payment(db, order)
    except CheckoutRefused as exc:
        _fail(409, str(exc))
    return jsonify(_order_json(order))


@bp.post("/jobs/reminders")
def run_reminders() -> Response:
    """Run the reminder job once, now."""
    _object_body(set(), required=False)
    base_url = current_app.config.get("PUBLIC_URL") or request.host_url
    return jsonify(sent=send_reminders(db_session(), base_url))


@bp.get("/openapi.json")
def openapi() -> Response:
    """An OpenAPI 3 description of this API."""
    return jsonify(openapi_spec())
