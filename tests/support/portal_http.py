"""A person's browser over real HTTP (httpx) against a running PortalStack: forms with their CSRF token, sign in/out;
and accounts to sign in with, made by the test-control client."""

from __future__ import annotations

import re
from typing import Any

import httpx

from automation.clients import AccountData, PortalAdmin
from mock_portal.server import PortalStack

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"')
ALERT = re.compile(r'role="alert"[^>]*>([^<]*)<')


def portal_stack(tmp_path: Any, **config: Any) -> PortalStack:
    """A testing-mode stack on free ports with its own database and these config overrides (not started)."""
    return PortalStack(
        port=0, smtp_port=0, mail_port=0, testing=True, database_url=f"sqlite:///{tmp_path}/p.db", seed_demo=False,
        config=config,
    )  # fmt: skip


def create_account(base_url: str, users: int = 1, subscriptions: int = 1) -> AccountData:
    """An account through the test-control client; its users come back with their passwords."""
    with PortalAdmin(base_url) as admin:
        return admin.create_account([{"renewal_in_days": 30}] * subscriptions, users=[{}] * users, today="2027-01-01")


def csrf_token(client: httpx.Client, path: str = "/login") -> str:
    """The CSRF token of the form on `path`, as a browser finds it in the page."""
    page = client.get(path)
    found = CSRF_FIELD.search(page.text)
    assert found, f"GET {path} answered {page.status_code} without a form token"
    return found.group(1)


def sign_in(client: httpx.Client, email: str, password: str, token: str | None = None) -> httpx.Response:
    """Fill in and submit the sign-in form (with `token`, or the one on a freshly fetched form)."""
    data = {"email": email, "password": password, "csrf_token": token or csrf_token(client)}
    return client.post("/login", data=data)


def alerts(response: httpx.Response) -> list[str]:
    """The texts of the page's alerts."""
    return [text.strip() for text in ALERT.findall(response.text)]
