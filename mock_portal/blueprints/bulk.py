"""Bulk actions › Renew: select eligible subscriptions by group; at most 100 per checkout, enforced here."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext

from ..clock import today_for
from ..db import session as db_session
from ..rules.grouping import MAX_PER_CHECKOUT, checkout_size_error
from ..services.bulk import (
    MOST_PER_GROUP,
    SHOWN_PER_GROUP,
    eligible_groups,
    parse_group,
    rows_per_group,
    selection,
    selection_size,
)
from ..services.cart import replace_cart
from ..services.listing import BadFilter, ListFilter, facets
from .auth import current_account, login_required

bp = Blueprint("bulk", __name__)


def _page(  # type: ignore[no-untyped-def]
    wanted: ListFilter, error: str | None = None, chosen: frozenset[str] = frozenset(), per_group: int = SHOWN_PER_GROUP
):
    account, db = current_account(), db_session()
    return render_template(
        "bulk/renew.html",
        groups=eligible_groups(db, account.id, today_for(account), wanted, per_group),
        per_group=per_group,
        default_per_group=SHOWN_PER_GROUP,
        most_per_group=MOST_PER_GROUP,
        limit=MAX_PER_CHECKOUT,
        error=error,
        chosen=chosen,
        filters=wanted,
        facets=facets(db, account.id),
    )


@bp.get("/bulk/renew")
@login_required
def show():  # type: ignore[no-untyped-def]
    """The Renew subscriptions page."""
    try:
        wanted = ListFilter.from_args(request.args)
        per_group = rows_per_group(request.args.get("per_group"))
    except (BadFilter, ValueError) as bad:
        abort(400, description=str(bad))
    return _page(wanted, per_group=per_group)


@bp.post("/bulk/renew")
@login_required
def renew_selected():  # type: ignore[no-untyped-def]
    """Put the selection in the cart, or refuse it whole when it breaks the 100 limit or is empty."""
    account, db = current_account(), db_session()
    today = today_for(account)
    numbers = list(dict.fromkeys(request.form.getlist("subscription")))
    groups = [key for key in map(parse_group, request.form.getlist("select_all")) if key is not None]
    size = selection_size(db, account.id, today, numbers, groups)
    error = checkout_size_error(size) or (None if size else gettext("Select at least one subscription to renew."))
    if error:
        try:  # show the refused selection as many rows a group as it was made on
            per_group = rows_per_group(request.form.get("per_group"))
        except ValueError:
            per_group = SHOWN_PER_GROUP
        return _page(ListFilter(), error, frozenset(numbers), per_group), 400
    replace_cart(db, account.id, selection(db, account.id, today, numbers, groups))
    db.commit()
    return redirect(url_for("cart.show"))
