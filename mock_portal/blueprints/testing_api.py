"""The test-control API under /__test__/ (testing mode only): create accounts, move their clocks, inspect, run jobs.
Bodies are checked by the models of mock_portal.testing, and answers built from them, as the OpenAPI document says."""

from __future__ import annotations

import json
from typing import Any, NoReturn, TypeVar

from flask import Blueprint, Response, abort, current_app, jsonify, request
from flask_babel import force_locale
from pydantic import BaseModel
from sqlalchemy import select

from ..clock import portal_today, today_for
from ..db import session as db_session
from ..i18n import DEFAULT_LOCALE, reason_message
from ..models import Account
from ..models import Order as StoredOrder
from ..rules.money import from_minor
from ..services.orders import CheckoutRefused, account_orders, record_payment
from ..services.reminders import send_reminders
from ..services.subscriptions import account_subscriptions, describe_all
from ..testing.answers import ClockSet, Order, RemindersSent, SubscriptionState
from ..testing.controls import MAX_ID, Clock, NoFields
from ..testing.fields import SpecError, parse
from ..testing.spec import AccountSpec
from ..testing.storage import create_account
from .testing_openapi import openapi_spec

bp = Blueprint("testing_api", __name__, url_prefix="/__test__")
Body = TypeVar("Body", bound=BaseModel)


def _fail(status: int, message: str) -> NoReturn:
    abort(status, description=message)


def checked_body(model: type[Body], *, required: bool) -> Body:
    """The request's JSON (any content type) as `model`, or a 400 naming the field. An empty body is `{}` unless
    one is required (blank is not empty: it is malformed JSON)."""
    raw = request.get_data(cache=True)
    if not raw and required:
        _fail(400, "body: a JSON object is required")
    try:
        body = json.loads(raw) if raw else {}
    except (ValueError, RecursionError) as exc:
        _fail(400, f"body: malformed JSON ({exc}); send a JSON object")
    try:
        return parse(model, body)
    except SpecError as exc:
        _fail(400, str(exc))


def answer(model: BaseModel | list[Any]) -> Response:
    """An answer model (or a list of them) as JSON."""
    if isinstance(model, list):
        return jsonify([item.model_dump(mode="json") for item in model])
    return jsonify(model.model_dump(mode="json"))


def known_account(account_id: int) -> Account:
    """The account, or a 404 that says how to create one."""
    account = db_session().get(Account, account_id) if account_id <= MAX_ID else None
    if account is None:
        _fail(404, f"No account {account_id}; create one with POST /__test__/accounts.")
    return account


@bp.post("/accounts")
def create_account_view() -> tuple[Response, int]:
    """Create an account with its users, CSNs and subscriptions; omitted values are made up."""
    spec = checked_body(AccountSpec, required=False)
    try:
        created = create_account(db_session(), spec, default_today=portal_today())
    except SpecError as exc:
        _fail(400, str(exc))
    return answer(created), 201


@bp.put("/accounts/<int:account_id>/clock")
def set_clock(account_id: int) -> Response:
    """Set the account's "today" (null: back to the portal's today)."""
    account = known_account(account_id)
    account.today = checked_body(Clock, required=True).today
    db_session().commit()
    return answer(ClockSet(id=account.id, today=account.today, effective_today=today_for(account)))


@bp.get("/accounts/<int:account_id>/subscriptions")
def list_subscriptions(account_id: int) -> Response:
    """Every subscription as the account sees it today: anniversary in force, status, eligibility and reason."""
    account = known_account(account_id)
    db = db_session()
    views = describe_all(db, account_subscriptions(db, account.id), today_for(account))
    # The reason as the account's people read it (its first user's language), with its date in ISO form.
    with force_locale(account.users[0].locale if account.users else DEFAULT_LOCALE):
        states = [
            SubscriptionState(
                number=v.number,
                product=v.product.code,
                product_name=v.product.name,
                csn=v.sub.csn,
                currency=v.sub.currency,
                payment_method=v.sub.payment_method,
                term=v.sub.term,
                seats=v.sub.seats,
                auto_renew=v.sub.auto_renew,
                renewal_date=v.anniversary.renewal_date,
                renewed_through=v.anniversary.renewed_through,
                anchor_day=v.sub.anchor,
                status=v.status,
                eligible=v.eligibility.eligible,
                reason=reason_message(v.eligibility) if v.eligibility.reason else None,
            )
            for v in views
        ]
    return answer(states)


def _order(order: StoredOrder) -> Order:
    return Order(
        number=order.number,
        status=order.status,
        subscriptions=[line.subscription_number for line in order.lines],
        csn=order.csn,
        currency=order.currency,
        payment_method=order.payment_method,
        total=str(from_minor(order.total_minor, order.currency)),
        total_minor=order.total_minor,
        placed_on=order.placed_on,
        payment_number=order.payment_number,
        payment_deadline=order.payment_deadline,
        paid_on=order.paid_on,
    )


@bp.get("/accounts/<int:account_id>/orders")
def list_orders(account_id: int) -> Response:
    """The account's orders, newest first."""
    account = known_account(account_id)
    return answer([_order(o) for o in account_orders(db_session(), account.id)])


@bp.post("/orders/<number>/payment")
def pay_order(number: str) -> Response:
    """Record the Konbini / ATM payment of an order awaiting payment."""
    checked_body(NoFields, required=False)
    db = db_session()
    order = db.scalar(select(StoredOrder).where(StoredOrder.number == number))
    if order is None:
        _fail(404, f"No order {number[:40]}.")
    try:
        record_payment(db, order)
    except CheckoutRefused as exc:
        _fail(409, str(exc))
    return answer(_order(order))


@bp.post("/jobs/reminders")
def run_reminders() -> Response:
    """Run the reminder job once, now."""
    checked_body(NoFields, required=False)
    base_url = current_app.config.get("PUBLIC_URL") or request.host_url
    return answer(RemindersSent(sent=send_reminders(db_session(), base_url)))


@bp.get("/openapi.json")
def openapi() -> Response:
    """An OpenAPI 3 description of this API."""
    return jsonify(openapi_spec())
