"""In-process portal fixtures for tests/unit and tests/integration: a mail catcher and the mailbox client reading it, a
portal app on its own database, its test client and the test-control client driving it, an account seeded straight
into its database, and a browser over the test client."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from portal_browser import Browser, SignedInBrowser
from sqlalchemy.orm import Session
from stand_ins import OutboxClock

from automation.clients import Mailbox, PortalAdmin
from mock_portal import create_app, outbox
from mock_portal.db import new_session
from mock_portal.mailcatcher import MailCatcher
from mock_portal.testing.answers import CreatedAccount
from mock_portal.testing.storage import create_account

PUBLIC_URL = "http://portal.test"
SeedAccount = Callable[..., CreatedAccount]


@pytest.fixture
def catcher() -> Iterator[MailCatcher]:
    """An embedded mail catcher on free ports."""
    running = MailCatcher(smtp_port=0, http_port=0).start()
    yield running
    running.stop()


@pytest.fixture
def portal_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No PORTAL_* variables from the developer's shell leak into the app under test."""
    for name in [n for n in os.environ if n.startswith("PORTAL_")]:
        monkeypatch.delenv(name)


@pytest.fixture
def app(tmp_path: Path, catcher: MailCatcher, portal_env: None) -> Iterator[Flask]:
    """A portal in testing mode on its own SQLite file, mailing the catcher (no app context pushed: requests
    must each get their own, as in production)."""
    portal = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path}/p.db",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": catcher.smtp_port,
            "PUBLIC_URL": PUBLIC_URL,
        }
    )
    yield portal
    portal.extensions["db_sessionmaker"].kw["bind"].dispose()


@pytest.fixture
def public_url() -> str:
    """The portal URL the app under test puts in its emails."""
    return PUBLIC_URL


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Flask's test client for the app."""
    return app.test_client()


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """A database session outside any request."""
    session = new_session(app)
    yield session
    session.close()


@pytest.fixture
def seed_account(db: Session) -> SeedAccount:
    """Create an account through the one code path (testing.storage.create_account); keyword arguments are the spec."""

    def make(**spec: Any) -> CreatedAccount:
        return create_account(db, spec)

    return make


@pytest.fixture
def mailbox(catcher: MailCatcher) -> Iterator[Mailbox]:
    """The catcher's mail, through the harness's client of its Mailpit-compatible API."""
    with Mailbox(catcher.api_url) as client:
        yield client


# --- signing in through the real form, and the test-control API (for tests of the portal's pages) ------------

class _SharedTemplateCode(BytecodeCache):
    """Compiled templates shared by every app of this test process: each test's app has its own Jinja environment,
    and compiling the same templates again for every test was most of a page test's CPU time."""

    _code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # ignored by Jinja when the template's source changed

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


@pytest.fixture
def pages_app(app: Flask) -> Flask:
    """The app, rendering its pages from compiled templates shared across tests."""
    app.jinja_env.bytecode_cache = _SharedTemplateCode()
    return app


@pytest.fixture
def anonymous(pages_app: Flask) -> Browser:
    """A browser that has not signed in."""
    return Browser(pages_app.test_client())


@pytest.fixture
def signed_in_browser(pages_app: Flask) -> SignedInBrowser:
    """Sign one of an account's users in through the /login form; returns that user's own browser."""

    def sign_in(account: CreatedAccount, user: int = 0) -> Browser:
        browser = Browser(pages_app.test_client())
        credentials = account.users[user]
        page = browser.sign_in(credentials.email, credentials.password)
        assert page.status == 302, f"signing in as {credentials.email} answered {page.status}: {page.alerts}"
        return browser

    return sign_in


@pytest.fixture
def admin(app: Flask) -> Iterator[PortalAdmin]:
    """The harness's test-control client, driving the in-process app (clocks, subscription states, orders, payments)."""
    with PortalAdmin("http://localhost", transport=httpx.WSGITransport(app=app)) as client:
        yield client


@pytest.fixture
def outbox_clock(monkeypatch: pytest.MonkeyPatch) -> OutboxClock:
    """Freeze the outbox's clock (retry times, backoff); the test moves it with `advance`."""
    frozen = OutboxClock()

    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz: object = None) -> FrozenDatetime:  # type: ignore[override]
            return frozen.now_value  # type: ignore[return-value]

    monkeypatch.setattr(outbox, "datetime", FrozenDatetime)
    return frozen
