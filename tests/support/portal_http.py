"""A person's browser over real HTTP (httpx) against a running PortalStack: forms with their CSRF token, sign in/out."""

from __future__ import annotations

import re
from typing import Any

import httpx

from mock_portal.server import PortalStack

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"')
ALERT = re.compile(r'role="alert"[^>]*>([^<]*)<')


def portal_stack(tmp_path: Any, **config: Any) -> PortalStack:
    """A testing-mode stack on free ports with its own database and these config overrides (not started)."""
    return PortalStack(
        port=0, smtp_port=0, mail_port=0, testing=True, database_url=f"sqlite:///{tmp_path}/p.db", seed_demo=False,
        config=config,
    )  # fmt: skip


def create_account(base_url: str, users: int = 1, subscriptions: int = 1) -> dict[str, Any]:
    """An account through the test-control API; its users come back with their passwords."""
    spec = {
        "today": "2027-01-01",
        "users": [{} for _ in range(users)],
        "subscriptions": [{"renewal_in_days": 30} for _ in range(subscriptions)],
    }
    response = httpx.post(f"{base_url}/__test__/accounts", json=spec, headers={"Content-Type": "application/json"})
    assert response.status_code == 201, response.text
    return dict(response.json())


def orders(base_url: str, account_id: int) -> list[dict[str, Any]]:
    """The account's orders, from the test-control API."""
    response = httpx.get(f"{base_url}/__test__/accounts/{account_id}/orders")
    assert response.status_code == 200, response.text
    return list(response.json())


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
