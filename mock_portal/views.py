"""What every page shares: template filters, the signed-in user, and error pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Flask, jsonify, render_template, request
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from .rules.money import format_money
from .rules.payment import PAYMENT_LABELS
from .rules.terms import TERM_LABELS

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def time_tag(value: date | None) -> Markup:
    """A date as `<time datetime="YYYY-MM-DD">Jan 5, 2027</time>`."""
    if value is None:
        return Markup("")
    # Built directly (a date has no characters to escape): this runs for every row of long lists.
    return Markup(f'<time datetime="{value.isoformat()}">{MONTHS[value.month - 1]} {value.day}, {value.year}</time>')


def init_app(app: Flask) -> None:
    """Register filters and error pages (JSON under the test-control API)."""
    app.jinja_env.filters.update(
        time=time_tag,
        money=lambda minor, currency: format_money(minor, currency),
        payment_label=lambda method: PAYMENT_LABELS.get(method, method),
        term_label=lambda term: TERM_LABELS.get(term, term),
        percent=lambda rate: f"{(Decimal(rate) * 100).normalize():f}%",
    )

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        if request.path.startswith("/__test__/"):
            return jsonify(error=exc.description, status=exc.code), exc.code
        return render_template("error.html", error=exc), exc.code
