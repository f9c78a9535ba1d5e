"""The cart: Renew puts a renewal here; prices are reviewed before checkout."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from ..clock import today_for
from ..db import session as db_session
from ..i18n import reason_message
from ..rules.grouping import checkout_size_error
from ..services.cart import add_to_cart, cart_subscriptions, clear_cart, price_cart
from ..services.subscriptions import describe_one, owned_subscription
from .auth import current_account, login_required

bp = Blueprint("cart", __name__)


@bp.get("/cart")
@login_required
def show():  # type: ignore[no-untyped-def]
    """The cart, one section per transaction, with totals computed here."""
    account = current_account()
    db = db_session()
    subs = cart_subscriptions(db, account.id)
    return render_template(
        "cart/show.html", groups=price_cart(db, subs, today_for(account)), limit_error=checkout_size_error(len(subs))
    )


@bp.post("/cart")
@login_required
def add():  # type: ignore[no-untyped-def]
    """Renew: add one of the account's eligible subscriptions to the cart."""
    account = current_account()
    db = db_session()
    number = request.form.get("subscription", "")
    sub = owned_subscription(db, account.id, number)
    if sub is None:
        abort(404, description=gettext("No subscription %(number)s in your account.", number=number))
    view = describe_one(db, sub, today_for(account))
    if not view.eligibility.eligible:
        reason = reason_message(view.eligibility)
        abort(409, description=gettext("Subscription %(number)s can't be renewed: %(reason)s.", number=number, reason=reason))
    if limit := checkout_size_error(len(cart_subscriptions(db, account.id)) + 1):
        flash(limit, "error")
        return redirect(url_for("cart.show"))
    add_to_cart(db, account.id, [sub])
    db.commit()
    return redirect(url_for("cart.show"))


@bp.post("/cart/remove")
@login_required
def remove():  # type: ignore[no-untyped-def]
    """Take a renewal out of the cart."""
    account = current_account()
    db = db_session()
    sub = owned_subscription(db, account.id, request.form.get("subscription", ""))
    if sub is not None:
        clear_cart(db, account.id, [sub.id])
        db.commit()
    return redirect(url_for("cart.show"))
