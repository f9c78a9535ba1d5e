"""Billing and orders › Subscriptions and contracts: the list, a subscription's page, order history."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext

from ..clock import today_for
from ..db import session as db_session
from ..services.listing import DEFAULT_PER_PAGE, MAX_PER_PAGE, BadFilter, ListFilter, facets, list_page, page_number
from ..services.orders import account_orders
from ..services.subscriptions import describe_all, describe_one, owned_subscription
from .auth import current_account, login_required

bp = Blueprint("subscriptions", __name__)


@bp.get("/subscriptions")
@login_required
def index():  # type: ignore[no-untyped-def]
    """The account's subscriptions a page at a time, filtered and searched, with Renew where renewal is open."""
    account, db = current_account(), db_session()
    today = today_for(account)
    try:
        wanted = ListFilter.from_args(request.args)
    except BadFilter as bad:
        abort(400, description=str(bad))
    per_page = page_number(request.args.get("per_page"), DEFAULT_PER_PAGE, MAX_PER_PAGE)
    rows, slice_ = list_page(db, account.id, today, wanted, page_number(request.args.get("page")), per_page)
    return render_template(
        "subscriptions/index.html",
        views=describe_all(db, rows, today),
        today=today,
        filters=wanted,
        facets=facets(db, account.id),
        slice=slice_,
        per_page=per_page,
    )


def _owned_view(number: str):  # type: ignore[no-untyped-def]
    account = current_account()
    db = db_session()
    sub = owned_subscription(db, account.id, number)
    if sub is None:
        abort(404, description=gettext("No subscription %(number)s in your account.", number=number))
    return describe_one(db, sub, today_for(account))


@bp.get("/subscriptions/<number>")
@login_required
def detail(number: str):  # type: ignore[no-untyped-def]
    """One subscription's page, offering the same Renew action as the list."""
    return render_template("subscriptions/detail.html", view=_owned_view(number), from_reminder=False)


@bp.get("/subscriptions/<number>/renew")
@login_required
def renew(number: str):  # type: ignore[no-untyped-def]
    """Where a reminder email's link lands: the subscription, ready to renew."""
    return render_template("subscriptions/detail.html", view=_owned_view(number), from_reminder=True)


@bp.get("/orders")
@login_required
def orders():  # type: ignore[no-untyped-def]
    """The account's orders, newest first."""
    return render_template("subscriptions/orders.html", orders=account_orders(db_session(), current_account().id))
