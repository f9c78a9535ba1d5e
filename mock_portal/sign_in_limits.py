"""Sign-in limits (the `limits` library that Flask-Limiter is built on, in memory, expiring): failed sign-ins per
address and email, and per address; and the form's fields capped before anything is counted, looked up or hashed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import Flask, abort, current_app, g, request
from flask.wrappers import Response
from flask_babel import gettext
from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from .addresses import MAX_LENGTH as MAX_EMAIL
from .i18n import N_

MAX_PASSWORD = 1024
EMAIL_TOO_LONG = N_("The email address is too long: at most %(count)s characters.")
PASSWORD_TOO_LONG = N_("The password is too long: at most %(count)s characters.")
PER_EMAIL = N_("Too many sign-in attempts for this email. Wait a minute, then try again.")
PER_ADDRESS = N_("Too many failed sign-ins from your network address. Wait a minute, then try again.")
SIGN_IN = "auth.login"


def field_error(email: str, password: str) -> str | None:
    """What is wrong with the sign-in form's fields before any work is done on them, if anything."""
    if len(email) > MAX_EMAIL:
        return gettext(EMAIL_TOO_LONG, count=MAX_EMAIL)
    if len(password) > MAX_PASSWORD:
        return gettext(PASSWORD_TOO_LONG, count=MAX_PASSWORD)
    return None


def email_key(email: str) -> str:
    """The limiter's fixed-size name for an email, however it is cased or padded (32 hex digits, whatever its length)."""
    return hashlib.blake2b(email.strip().lower().encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def is_success(response: Response) -> bool:
    """A sign-in that let the user in (the redirect onward), the one kind not counted toward the limits."""
    return response.status_code in (302, 303)


@dataclass(frozen=True)
class SignInLimiter:
    """This app's counters (in memory, each expiring with its minute) and the fixed-window rule applied to them."""

    storage: MemoryStorage
    windows: FixedWindowRateLimiter


def _is_sign_in() -> bool:
    return request.endpoint == SIGN_IN and request.method == "POST"


def _check_fields() -> None:
    if not _is_sign_in():
        return
    if message := field_error(request.form.get("email", "").strip(), request.form.get("password", "")):
        abort(400, description=message)


def _count_attempt() -> None:
    """Count this sign-in against its address, then its address and email, before any work; refuse past a limit.

    Counted up front (an atomic increment per counter), not after the answer: eight sign-ins at once on eight server
    threads would otherwise all pass a check that each of them was about to tip. A success is given back afterwards.
    The address is counted first, so an address past its limit has no more of its emails stored."""
    if not _is_sign_in():
        return
    limiter: SignInLimiter = current_app.extensions["sign_in_limiter"]
    address = request.remote_addr or "?"
    per_address = RateLimitItemPerMinute(int(current_app.config["LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE"]))
    if not limiter.windows.hit(per_address, "address", address):
        abort(429, description=gettext(PER_ADDRESS))
    g.sign_in_counted = [(per_address, ("address", address))]
    per_email = RateLimitItemPerMinute(int(current_app.config["LOGIN_ATTEMPTS_PER_MINUTE"]))
    email = email_key(request.form.get("email", ""))
    if not limiter.windows.hit(per_email, "email", address, email):
        abort(429, description=gettext(PER_EMAIL))
    g.sign_in_counted.append((per_email, ("email", address, email)))


def _give_back_success(response: Response) -> Response:
    """A sign-in that was not a failure (wrong credentials) is not counted: the owner signing in often, an office or
    a test runner signing in hundreds of times, is never limited."""
    counted = g.pop("sign_in_counted", None)
    if counted and is_success(response):
        limiter: SignInLimiter = current_app.extensions["sign_in_limiter"]
        for item, identifiers in counted:
            limiter.storage.decr(item.key_for(*identifiers))
    return response


def init_app(app: Flask) -> None:
    """Cap the sign-in fields, then count sign-ins with this app's own limiter (app.extensions["sign_in_limiter"])."""
    storage = MemoryStorage()
    app.extensions["sign_in_limiter"] = SignInLimiter(storage, FixedWindowRateLimiter(storage))
    app.before_request(_check_fields)  # first, so an oversize field is never counted
    app.before_request(_count_attempt)
    app.after_request(_give_back_success)
