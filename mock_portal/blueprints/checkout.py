"""Checkout: review, Renew now for early renewals, Place order, confirmation."""

from __future__ import annotations

import secrets

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from .. import outbox
from ..db import session as db_session
from ..rules.grouping import MAX_PER_CHECKOUT
from ..services.orders import (
    CheckoutRefused,
    PaymentDeclined,
    account_orders,
    place_orders,
    review_checkout,
    reviewed_numbers,
)
from .auth import current_account, current_user, login_required

bp = Blueprint("checkout", __name__)


@bp.get("/checkout")
@login_required
def show():  # type: ignore[no-untyped-def]
    """What will be ordered, how it is paid, and the Renew now choice when early."""
    review = review_checkout(db_session(), current_account())
    return render_template("checkout/show.html", review=review, error=None, token=secrets.token_urlsafe(24))


@bp.post("/checkout")
@login_required
def place():  # type: ignore[no-untyped-def]
    """Place one order per transaction; refuse with a clear message and order nothing otherwise."""
    db = db_session()
    account, user = current_account(), current_user()
    assert user is not None
    token = request.form.get("checkout_token") or None
    reviewed = reviewed_numbers(request.form.get("reviewed"))
    try:
        numbers = place_orders(
            db, account, user, renew_now=request.form.get("renew_now") == "yes", token=token, reviewed=reviewed
        )
    except CheckoutRefused as refused:
        db.rollback()
        review = review_checkout(db, account)
        status = 402 if isinstance(refused, PaymentDeclined) else 400
        return render_template("checkout/show.html", review=review, error=str(refused), token=token), status
    outbox.notify(current_app._get_current_object())  # type: ignore[attr-defined]
    return redirect(url_for("checkout.confirmation", orders=",".join(numbers)), code=303)


@bp.get("/checkout/confirmation")
@login_required
def confirmation():  # type: ignore[no-untyped-def]
    """Every order just placed, and each renewed subscription with its unchanged renewal date."""
    # One checkout makes at most one order per subscription; more numbers are tampering, and one SQL parameter each
    # could pass SQLite's limit (a 500).
    numbers = [n for n in request.args.get("orders", "").split(",") if n][:MAX_PER_CHECKOUT]
    orders = account_orders(db_session(), current_account().id, numbers)
    return render_template("checkout/confirmation.html", orders=orders)
