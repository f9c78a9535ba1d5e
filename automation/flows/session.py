"""Signing in, reusing a saved storage state (cookies) when it still opens the account."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

from playwright.sync_api import Page

from ..pages import AccountHome, PortalPage, SignInPage
from ..profile import PortalProfile

# Stored beside Playwright's own keys so a state saved for one user or portal is never reused for another.
_OWNER_KEY = "renewals"


class SignInDetails(Protocol):
    """Anything with an email and a password, e.g. automation.clients.Credentials."""

    @property
    def email(self) -> str: ...

    @property
    def password(self) -> str: ...


def _origin(base_url: str) -> str:
    parts = urlparse(base_url)
    return f"{parts.scheme}://{parts.netloc}"


def _saved_cookies(path: Path, base_url: str, email: str) -> list[dict] | None:
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    owner = state.get(_OWNER_KEY) if isinstance(state, dict) else None
    if not isinstance(owner, dict) or owner.get("email") != email or owner.get("origin") != _origin(base_url):
        return None
    cookies = state.get("cookies")
    return cookies if isinstance(cookies, list) and cookies else None


def save_storage_state(page: Page, path: str | Path, base_url: str, email: str) -> None:
    """Write the context's storage state (loadable by `browser.new_context(storage_state=…)`) tagged with its owner."""
    state = dict(page.context.storage_state())
    state[_OWNER_KEY] = {"email": email, "origin": _origin(base_url)}
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(state, indent=2))


def sign_in(
    page: Page,
    base_url: str,
    credentials: SignInDetails,
    storage_state: str | Path | None = None,
    *,
    profile: PortalProfile | None = None,
) -> PortalPage:
    """Open the signed-in portal: through a saved state when it is this user's and still valid, else the sign-in form
    (then saving the state when a path is given). `profile` names what the pages show (default: the mock's)."""
    base_url = base_url.rstrip("/")
    form: SignInPage | None = None
    if storage_state is not None:
        cookies = _saved_cookies(Path(storage_state), base_url, credentials.email)
        if cookies:
            page.context.add_cookies(cookies)  # type: ignore[arg-type]
            form = SignInPage(page, profile)
            form.check_response(page.goto(form.profile.ask_for_language(base_url + "/")))
            if not form.is_shown():
                return AccountHome(page, profile)
    if form is None:
        form = SignInPage.visit(page, base_url, profile)
    home = form.sign_in(credentials.email, credentials.password)
    if storage_state is not None:
        save_storage_state(page, storage_state, base_url, credentials.email)
    return home
