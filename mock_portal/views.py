"""What every page shares: the signed-in user, and error pages (JSON under the test-control API); the filters that
write dates, money and the rules' words in the page's language live in i18n."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from .i18n import error_description, error_name


def init_app(app: Flask) -> None:
    """Register the error pages (JSON under the test-control API)."""

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        if request.path.startswith("/__test__/"):
            return jsonify(error=exc.description, status=exc.code), exc.code
        return render_template("error.html", error=exc, name=error_name(exc), description=error_description(exc)), exc.code
