"""Sign in and out; who is signed in (a server-side session, see ..sessions; sign-in limits: ..sign_in_limits)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import sessions
from ..db import session as db_session
from ..i18n import N_
from ..models import Account, User
from ..security import PASSWORD_METHOD

bp = Blueprint("auth", __name__)
DUMMY_HASH_METHOD = PASSWORD_METHOD  # the same cost as real accounts, so both answers take as long
F = TypeVar("F", bound=Callable[..., Any])
BAD_CREDENTIALS = N_("The email or password is incorrect. Check both and try again.")


def current_user() -> User | None:
    """The signed-in user, loaded once per request: None unless the cookie's session is live on the server."""
    if "user" not in g:
        g.user = sessions.signed_in_user(db_session(), session.get("sid"), sessions.policy(current_app.config))
    return g.user


def current_account() -> Account:
    """The signed-in user's account (only inside login_required views)."""
    user = current_user()
    assert user is not None
    return user.account


def login_required(view: F) -> F:
    """Send anonymous visitors to the sign-in page, then back."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=DUMMY_HASH_METHOD)


def safe_next(target: str | None) -> str:
    """Only a path on this portal; browsers drop tabs and newlines and read \\ as /, so judge what they will see."""
    cleaned = "".join(ch for ch in (target or "") if ch.isprintable() and not ch.isspace()).replace("\\", "/")
    parts = urlsplit(cleaned)
    if cleaned.startswith("/") and not cleaned.startswith("//") and not parts.scheme and not parts.netloc:
        return cleaned
    return url_for("auth.home")


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    """Show the sign-in form; sign in with email and password."""
    error = None
    if request.method == "POST":
        email = request.form.get("email", "").strip()  # length capped and attempts counted before this view runs
        user = db_session().scalar(select(User).where(func.lower(User.email) == email.lower()))
        # An unknown email is checked against a dummy hash too, so the answer's timing doesn't tell who has an account.
        stored = user.password_hash if user else _dummy_hash()
        if check_password_hash(stored, request.form.get("password", "")) and user:
            # A new session (and CSRF token) for the signed-in user, never one set before sign-in; a session this
            # browser had (perhaps another user's, on a shared machine) ends for every copy of its cookie.
            sessions.end(db_session(), session.get("sid"))
            session.clear()
            session["sid"] = sessions.start(db_session(), user.id, sessions.policy(current_app.config))
            return redirect(safe_next(request.args.get("next")))
        error = gettext(BAD_CREDENTIALS)
    return render_template("auth/login.html", error=error), 401 if error else 200


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    """Sign out: end the session on the server, so a saved copy of the cookie signs no one in."""
    sessions.end(db_session(), session.get("sid"))
    session.clear()
    return redirect(url_for("auth.login"))


@bp.get("/")
@login_required
def home():  # type: ignore[no-untyped-def]
    """The account overview a user lands on after signing in."""
    return render_template("auth/home.html", user=current_user())
