"""Bulk actions › Renew: select eligible subscriptions by group; at most 100 per checkout, enforced here."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from ..clock import today_for
from ..db import session as db_session
from ..rules.grouping import MAX_PER_CHECKOUT, checkout_size_error
from ..services.bulk import eligible_groups, selection
from ..services.cart import replace_cart
from ..services.subscriptions import account_subscriptions, describe_all
from .auth import current_account, login_required

bp = Blueprint("bulk", __name__)


def _groups():  # type: ignore[no-untyped-def]
    account = current_account()
    db = db_session()
    return eligible_groups(describe_all(db, account_subscriptions(db, account.id), today_for(account)))


@bp.get("/bulk/renew")
@login_required
def show():  # type: ignore[no-untyped-def]
    """The Renew subscriptions page."""
    return render_template("bulk/renew.html", groups=_groups(), limit=MAX_PER_CHECKOUT, error=None, chosen=set())


@bp.post("/bulk/renew")
@login_required
def renew_selected():  # type: ignore[no-untyped-def]
    """Put the selection in the cart, or refuse it whole when it breaks the 100 limit or is empty."""
    groups = _groups()
    numbers = set(request.form.getlist("subscription"))
    chosen = selection(groups, numbers, set(request.form.getlist("select_all")))
    error = checkout_size_error(len(chosen))
    if not chosen:
        error = "Select at least one subscription to renew."
    if error:
        return (
            render_template(
                "bulk/renew.html", groups=groups, limit=MAX_PER_CHECKOUT, error=error, chosen={s.number for s in chosen}
            ),
            400,
        )
    db = db_session()
    replace_cart(db, current_account().id, chosen)
    db.commit()
    return redirect(url_for("cart.show"))
