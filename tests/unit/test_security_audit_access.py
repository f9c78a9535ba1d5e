"""Security audit of the portal against issue 5's list, part two: who gets in and what they reach; each test fails if
its protection is taken away (what is guarded elsewhere: test_security_audit.py).

Here: the secret key; password storage; the sign-in limit's window and its email matching; order history; the test
API's absence whatever PORTAL_TESTING says when it means "off"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from audit_accounts import TODAY, mine_fixture, theirs_fixture  # noqa: F401 (fixtures)
from flask import Flask
from portal_browser import Browser, SeedAccount, SignedInBrowser, order_numbers
from sqlalchemy import select
from werkzeug.security import check_password_hash

from automation.clients import PortalAdmin
from mock_portal import create_app
from mock_portal.db import new_session
from mock_portal.models import User
from mock_portal.testing.answers import CreatedAccount
from mock_portal.testing.storage import create_account

# --- the secret key --------------------------------------------------------------------------------------------


def session_cookie_of_a_signed_in_user(app: Flask) -> str:
    user = app.extensions["audit_account"].users[0]
    browser = Browser(app.test_client())
    assert browser.sign_in(user.email, user.password).status == 302
    cookie = browser.client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def signed_in_with(app: Flask, cookie: str) -> bool:
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client.get("/").status_code == 200


@pytest.fixture
def apps(tmp_path: Path, portal_env: None) -> Iterator[Any]:
    """Portals on their own databases, each with one account (user id 1 in every one of them)."""
    made: list[Flask] = []

    def make(name: str) -> Flask:
        app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/{name}.db"})
        db = new_session(app)
        app.extensions["audit_account"] = create_account(db, {"today": TODAY})
        db.close()
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["db_sessionmaker"].kw["bind"].dispose()


@pytest.mark.parametrize("key", ["a-long-secret-from-the-vault-0123456789abcdef", "12345678901234567890123456789012"])
def test_the_secret_key_comes_from_portal_secret_key_and_signs_sessions_across_processes(
    key: str, apps: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTAL_SECRET_KEY", key)
    first, second = apps("shared"), apps("shared")  # two processes of one portal: one key, one database of sessions

    assert first.secret_key == key and second.secret_key == key
    assert signed_in_with(second, session_cookie_of_a_signed_in_user(first)), "two portals with one key share sessions"


def test_without_portal_secret_key_each_app_generates_its_own_strong_key(apps: Any) -> None:
    first, second = apps("first"), apps("second")

    assert isinstance(first.secret_key, str) and len(first.secret_key) >= 64, "at least 32 random bytes, hex"
    assert first.secret_key != second.secret_key
    cookie = session_cookie_of_a_signed_in_user(first)
    assert signed_in_with(first, cookie)
    assert not signed_in_with(second, cookie), "a session signed by one portal was accepted by another"


# --- passwords -------------------------------------------------------------------------------------------------


def test_passwords_are_stored_only_as_salted_slow_hashes(seed_account: SeedAccount, app: Flask) -> None:
    password = "correct horse battery staple"
    account = seed_account(users=[{"password": password}, {"password": password}])
    db = new_session(app)
    try:
        users = list(db.scalars(select(User).where(User.account_id == account.id)))
        stored = [{c.name: getattr(u, c.name) for c in User.__table__.columns} for u in users]
    finally:
        db.close()

    assert len(users) == 2
    for row in stored:
        assert not any(password in str(value) for value in row.values()), f"the password is stored in clear: {row}"
        assert row["password_hash"].split(":")[0] in ("pbkdf2", "scrypt"), row["password_hash"][:20]
        assert check_password_hash(row["password_hash"], password)
    assert stored[0]["password_hash"] != stored[1]["password_hash"], "the same password gave the same hash: no salt"


# --- the sign-in limit -----------------------------------------------------------------------------------------


class FakeClock:
    """Stands in for the `time` module of the limiter's storage (limits' memory storage, which expires its counts)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def limiter_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr("limits.storage.memory.time", fake)
    return fake


def test_the_sign_in_limit_counts_one_email_however_it_is_cased_or_padded(
    mine: CreatedAccount, anonymous: Browser, app: Flask, limiter_clock: FakeClock
) -> None:
    user = mine.users[0]
    spellings = [user.email.upper(), f"  {user.email} ", user.email.title(), user.email]
    for attempt in range(int(app.config["LOGIN_ATTEMPTS_PER_MINUTE"])):
        assert anonymous.sign_in(spellings[attempt % len(spellings)], "wrong").status == 401

    assert anonymous.sign_in(user.email.swapcase(), user.password).status == 429


def test_the_sign_in_limit_forgets_attempts_older_than_a_minute(
    mine: CreatedAccount, anonymous: Browser, app: Flask, limiter_clock: FakeClock
) -> None:
    user = mine.users[0]
    for _ in range(int(app.config["LOGIN_ATTEMPTS_PER_MINUTE"])):
        anonymous.sign_in(user.email, "wrong")

    limiter_clock.now += 59
    assert anonymous.sign_in(user.email, user.password).status == 429, "still inside the minute"
    limiter_clock.now += 61
    assert anonymous.sign_in(user.email, user.password).status == 302, "a minute later the email may try again"


# --- orders of another account ---------------------------------------------------------------------------------


def test_order_history_and_confirmation_show_only_your_own_orders(
    mine: CreatedAccount, theirs: CreatedAccount, signed_in_browser: SignedInBrowser, admin: PortalAdmin
) -> None:
    me, them = signed_in_browser(mine), signed_in_browser(theirs)
    them.renew(theirs.subscriptions[0].number)
    (their_order,) = order_numbers(them.place_order(renew_now=True))
    me.renew(mine.subscriptions[0].number)
    (my_order,) = order_numbers(me.place_order(renew_now=True))

    assert their_order in them.get("/orders").html, "the history page lists orders at all"
    history = me.get("/orders")
    assert my_order in history.html and their_order not in history.html
    mixed = me.get(f"/checkout/confirmation?orders={their_order},{my_order}")
    assert order_numbers(mixed) == [my_order] and their_order not in mixed.html
    assert theirs.subscriptions[0].number not in mixed.html
    assert [o.number for o in admin.orders(theirs.id)] == [their_order], "their orders changed"


# --- the test-control API outside testing mode ------------------------------------------------------------------


@pytest.fixture
def test_api_paths(app: Flask) -> list[tuple[str, str]]:
    """Every route of the test-control API, as mounted in testing mode."""
    return [
        (method, rule.build({name: "1" for name in rule.arguments})[1])
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/__test__")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


@pytest.mark.parametrize(
    ("value", "mounted"),
    [(None, False), ("0", False), ("false", False), ("False", False), ("no", False), ("off", False), ("", False),
     ("1", True), ("true", True), ("yes", True), ("on", True)],
)  # fmt: skip
def test_the_test_api_is_mounted_only_when_portal_testing_says_so(
    value: str | None, mounted: bool, tmp_path: Path, portal_env: None, monkeypatch: pytest.MonkeyPatch, test_api_paths: Any
) -> None:
    if value is not None:
        monkeypatch.setenv("PORTAL_TESTING", value)
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/env.db"})
    client = app.test_client()

    assert bool(app.config["TESTING"]) is mounted, f"PORTAL_TESTING={value!r} gave TESTING={app.config['TESTING']!r}"
    if mounted:
        assert client.get("/__test__/openapi.json").status_code == 200
    else:
        assert len(test_api_paths) >= 7, "the testing app mounts the whole test API"
        for method, path in test_api_paths:
            status = client.open(path, method=method, json={}).status_code
            assert status == 404, f"PORTAL_TESTING={value!r}: {method} {path} answered {status}"
    app.extensions["db_sessionmaker"].kw["bind"].dispose()
