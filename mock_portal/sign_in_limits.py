"""Sign-in limits (Flask-Limiter, in memory, expiring): failed sign-ins per address and email, and per address; and
the form's fields capped before anything is counted, looked up or hashed."""

from __future__ import annotations

import hashlib

from flask import Flask, abort, current_app, request
from flask.wrappers import Response
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from .blueprints import auth

MAX_EMAIL, MAX_PASSWORD = 254, 1024  # 254: the longest address SMTP can deliver to (RFC 5321 with RFC 3696's erratum)
EMAIL_TOO_LONG = f"The email address is too long: at most {MAX_EMAIL} characters."
PASSWORD_TOO_LONG = f"The password is too long: at most {MAX_PASSWORD} characters."
PER_EMAIL = "Too many sign-in attempts for this email. Wait a minute, then try again."
PER_ADDRESS = "Too many failed sign-ins from your network address. Wait a minute, then try again."
SIGN_IN = "auth.login"


def field_error(email: str, password: str) -> str | None:
    """What is wrong with the sign-in form's fields before any work is done on them, if anything."""
    if len(email) > MAX_EMAIL:
        return EMAIL_TOO_LONG
    if len(password) > MAX_PASSWORD:
        return PASSWORD_TOO_LONG
    return None


def email_key(email: str) -> str:
    """The limiter's fixed-size name for an email, however it is cased or padded (32 hex digits, whatever its length)."""
    return hashlib.blake2b(email.strip().lower().encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def is_failure(response: Response) -> bool:
    """A sign-in that counts against its address: wrong credentials, not a success and not a refusal."""
    return response.status_code == 401


def _not_sign_in() -> bool:
    return request.endpoint != SIGN_IN


def _per_email_key() -> str:
    return f"{get_remote_address()}/{email_key(request.form.get('email', ''))}"


def _check_fields() -> None:
    if request.endpoint != SIGN_IN or request.method != "POST":
        return
    if message := field_error(request.form.get("email", "").strip(), request.form.get("password", "")):
        abort(400, description=message)


def init_app(app: Flask) -> None:
    """Cap the sign-in fields, then limit sign-ins with this app's own limiter (app.extensions["sign_in_limiter"])."""
    app.before_request(_check_fields)  # registered before the limiter's hook, so an oversize field is never counted
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://", strategy="fixed-window")
    # Checked in this order: an address past its failures is refused before its emails are counted.
    limiter.limit(
        lambda: f"{int(current_app.config['LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE'])}/minute",
        key_func=get_remote_address,
        methods=["POST"],
        exempt_when=_not_sign_in,
        deduct_when=is_failure,  # an office or a test runner signing in hundreds of times is never limited
        error_message=PER_ADDRESS,
    )(auth.bp)
    limiter.limit(
        lambda: f"{int(current_app.config['LOGIN_ATTEMPTS_PER_MINUTE'])}/minute",
        key_func=_per_email_key,
        methods=["POST"],
        exempt_when=_not_sign_in,
        deduct_when=is_failure,  # guessing one account's password is slowed; its owner signing in often is not
        error_message=PER_EMAIL,
    )(auth.bp)
    app.extensions["sign_in_limiter"] = limiter
