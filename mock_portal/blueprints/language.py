"""Which language a request is answered in, and the header's language selector that changes it.

In order: `?lang=en|fr|ja` (remembered in the `lang` cookie), that cookie, the signed-in user's saved language,
Accept-Language, English. An unknown `?lang` is ignored, like any unknown query value a page does not use. The
test-control API always answers in English."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import Blueprint, Response, current_app, g, has_request_context, redirect, request, session, url_for

from .. import sessions
from ..db import session as db_session
from ..i18n import DEFAULT_LOCALE, LOCALES, accepted
from .auth import current_user, safe_next

bp = Blueprint("language", __name__)
QUERY = COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600  # a year: a choice made once holds for the browser


def choose_locale() -> str:
    """The language of this request (Flask-Babel's locale selector)."""
    if not has_request_context() or request.path.startswith("/__test__/"):
        return DEFAULT_LOCALE
    asked = request.args.get(QUERY)
    if asked in LOCALES:
        return asked
    remembered = request.cookies.get(COOKIE)
    if remembered in LOCALES:
        return remembered
    saved = _signed_in_language()
    if saved in LOCALES:
        return saved
    return accepted(list(request.accept_languages)) or DEFAULT_LOCALE


def _signed_in_language() -> str | None:
    # Looked up without caching the user in g: a page decides itself whether it shows who is signed in.
    user = g.user if "user" in g else sessions.signed_in_user(
        db_session(), session.get("sid"), sessions.policy(current_app.config)
    )
    return user.locale if user is not None else None


def _remember(response: Response, language: str) -> None:
    response.set_cookie(COOKIE, language, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax")


def back_to(referrer: str | None) -> str:
    """The page the selector was used on (the Referer, which Referrer-Policy: same-origin keeps for this site's own
    forms), without `lang`, so the choice just made holds; the home page when there is none."""
    parts = urlsplit(referrer or "")
    if not parts.path or (parts.netloc and parts.netloc != request.host):
        return url_for("auth.home")
    query = urlencode([(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != QUERY])
    return safe_next(parts.path + (f"?{query}" if query else ""))


@bp.post("/language")
def choose():  # type: ignore[no-untyped-def]
    """The selector: set this browser's language and, for a signed-in user, save it as theirs (their emails too);
    then back to the page it was used on."""
    chosen = request.form.get("language", "")
    response = redirect(back_to(request.referrer), code=303)
    if chosen in LOCALES:  # anything else changes nothing
        user = current_user()
        if user is not None:
            user.locale = chosen
            db_session().commit()
        _remember(response, chosen)
    return response


@bp.after_app_request
def _remember_query_language(response: Response) -> Response:
    """A `?lang=` choice holds for the following pages too (a redirect's target included)."""
    asked = request.args.get(QUERY)
    if asked in LOCALES and request.cookies.get(COOKIE) != asked and not request.path.startswith("/__test__/"):
        _remember(response, asked)
    return response
