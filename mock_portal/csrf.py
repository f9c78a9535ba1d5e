"""A CSRF token in every state-changing form, checked on every POST from a browser."""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, request, session
from flask_babel import gettext
from markupsafe import Markup

from .i18n import N_

EXEMPT_PREFIXES = ("/__test__/",)  # JSON API for scripts, mounted only in testing mode
EXPIRED_FORM = N_("This form has expired or did not come from this site. Reload the page and try again.")


def token() -> str:
    """This session's token, created on first use."""
    if "csrf_token" not in session:
        session["csrf_token"] = secrets.token_urlsafe(32)
    return str(session["csrf_token"])


def field() -> Markup:
    """The hidden input every form carries."""
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(token())


def init_app(app: Flask) -> None:
    """Refuse browser POSTs without this session's token."""
    app.jinja_env.globals["csrf_field"] = field

    @app.before_request
    def _check_csrf() -> None:
        if request.method in ("GET", "HEAD", "OPTIONS") or request.path.startswith(EXEMPT_PREFIXES):
            return
        sent = request.form.get("csrf_token", "").encode("utf-8", "surrogatepass")
        # Compared as bytes: compare_digest refuses str with non-ASCII characters (a tampered token was a 500).
        if not sent or not hmac.compare_digest(sent, str(session.get("csrf_token", "")).encode()):
            abort(400, description=gettext(EXPIRED_FORM))
