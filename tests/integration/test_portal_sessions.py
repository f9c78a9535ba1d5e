"""Signing out, the idle timeout and the session lifetime end a session for every copy of its cookie (real HTTP)."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from portal_http import create_account, csrf_token, portal_stack, sign_in

from automation.clients import AccountData, PortalAdmin
from mock_portal.server import PortalStack

IDLE, LIFETIME = 600, 3600  # seconds: small, so the tests move the clock by minutes, not hours


class WallClock:
    """The sessions' UTC wall clock, moved by the test (no sleeping)."""

    def __init__(self) -> None:
        self.value = datetime(2027, 1, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.value

    def advance(self, seconds: float) -> None:
        self.value += timedelta(seconds=seconds)


@pytest.fixture
def session_clock(monkeypatch: pytest.MonkeyPatch) -> WallClock:
    fake = WallClock()
    monkeypatch.setattr("mock_portal.sessions.now", fake)
    return fake


@pytest.fixture
def stack(tmp_path: Path, portal_env: None) -> Iterator[PortalStack]:
    with portal_stack(tmp_path, SESSION_IDLE_TIMEOUT=IDLE, SESSION_LIFETIME=LIFETIME) as running:
        yield running


@pytest.fixture
def account(stack: PortalStack) -> AccountData:
    return create_account(stack.base_url)


def browser(stack: PortalStack, cookies: httpx.Cookies | None = None) -> httpx.Client:
    return httpx.Client(base_url=stack.base_url, cookies=cookies)


def signed_in_client(stack: PortalStack, account: AccountData) -> httpx.Client:
    client = browser(stack)
    answer = sign_in(client, account.user.email, account.user.password)
    assert answer.status_code == 302, f"signing in answered {answer.status_code}"
    return client


def sign_out(client: httpx.Client) -> None:
    answer = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert (answer.status_code, answer.headers["location"]) == (302, "/login")


def is_sent_to_sign_in(answer: httpx.Response) -> bool:
    return answer.status_code == 302 and answer.headers["location"].startswith("/login")


def test_a_cookie_saved_before_sign_out_opens_no_page_and_places_no_order(stack: PortalStack, account: AccountData) -> None:
    me = signed_in_client(stack, account)
    token = csrf_token(me, "/subscriptions")  # the saved cookie carries this form token too
    saved = httpx.Cookies(me.cookies)
    sign_out(me)
    replay = browser(stack, saved)
    number = account.numbers[0]

    page = replay.get("/subscriptions")
    add = replay.post("/cart", data={"subscription": number, "csrf_token": token})
    place = replay.post("/checkout", data={"renew_now": "yes", "reviewed": number, "csrf_token": token})

    assert is_sent_to_sign_in(page), f"the signed-out cookie opened /subscriptions: {page.status_code}"
    assert is_sent_to_sign_in(add) and is_sent_to_sign_in(place), (add.status_code, place.status_code)
    assert PortalAdmin(stack.base_url).orders(account.id) == [], "a signed-out cookie placed an order"


def test_signing_out_ends_every_copy_of_that_session_and_no_other_session_of_the_user(
    stack: PortalStack, account: AccountData
) -> None:
    office, laptop = signed_in_client(stack, account), signed_in_client(stack, account)
    office_copy = browser(stack, httpx.Cookies(office.cookies))

    sign_out(office)

    assert is_sent_to_sign_in(office_copy.get("/subscriptions")), "a copy of the signed-out cookie still works"
    assert laptop.get("/subscriptions").status_code == 200, "signing out one browser signed the user's other out"


def test_a_session_idle_for_the_idle_timeout_is_ended(stack: PortalStack, account: AccountData, session_clock: WallClock) -> None:
    me = signed_in_client(stack, account)
    session_clock.advance(IDLE)

    assert is_sent_to_sign_in(me.get("/subscriptions")), f"still signed in after {IDLE} s idle"


def test_a_request_inside_the_idle_window_keeps_the_session_alive(
    stack: PortalStack, account: AccountData, session_clock: WallClock
) -> None:
    me = signed_in_client(stack, account)
    for _ in range(3):  # 3 × (IDLE - 60 s) is longer than IDLE, but no gap is
        session_clock.advance(IDLE - 60)
        assert me.get("/subscriptions").status_code == 200, "a session in use was ended as idle"

    session_clock.advance(IDLE)
    assert is_sent_to_sign_in(me.get("/subscriptions")), "the idle timeout stopped counting after a request"


def test_a_session_older_than_its_lifetime_is_ended_however_busy(
    stack: PortalStack, account: AccountData, session_clock: WallClock
) -> None:
    me = signed_in_client(stack, account)
    while session_clock.value < datetime(2027, 1, 1, 9, 0, tzinfo=UTC) + timedelta(seconds=LIFETIME - 300):
        session_clock.advance(300)
        assert me.get("/subscriptions").status_code == 200

    session_clock.advance(300)
    assert is_sent_to_sign_in(me.get("/subscriptions")), f"still signed in {LIFETIME} s after signing in"


def session_rows(stack: PortalStack, tmp_path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(tmp_path / "p.db") as db:
        return db.execute("SELECT token_hash, user_id, created_at, last_seen_at FROM user_sessions").fetchall()


def test_the_database_keeps_a_hash_of_the_session_token_never_the_token(
    stack: PortalStack, account: AccountData, tmp_path: Path
) -> None:
    me = signed_in_client(stack, account)
    assert stack.app is not None

    rows = session_rows(stack, tmp_path)
    cookie = stack.app.session_interface.get_signing_serializer(stack.app).loads(me.cookies["session"])  # type: ignore[attr-defined]
    token = cookie["sid"]
    assert [row[0] for row in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in repr(rows), "the database holds the raw session token"
    assert "user_id" not in cookie, "the cookie still names the user"


def test_signing_in_removes_every_expired_session_not_only_the_users(
    stack: PortalStack, account: AccountData, session_clock: WallClock, tmp_path: Path
) -> None:
    for _ in range(3):
        signed_in_client(stack, account)
    signed_in_client(stack, create_account(stack.base_url))  # a user who never comes back
    session_clock.advance(LIFETIME)

    signed_in_client(stack, account)

    assert len(session_rows(stack, tmp_path)) == 1, "expired sessions pile up in the table"


def test_signing_in_again_in_a_browser_ends_the_session_it_had(stack: PortalStack, account: AccountData) -> None:
    shared = signed_in_client(stack, account)
    saved = httpx.Cookies(shared.cookies)  # a copy of the first user's cookie, left on a shared machine
    other = create_account(stack.base_url).user

    assert sign_in(shared, other.email, other.password).status_code == 302
    replay = browser(stack, saved).get("/subscriptions")

    assert is_sent_to_sign_in(replay), f"the first user's session outlived the next sign-in: {replay.status_code}"
    assert shared.get("/subscriptions").status_code == 200, "the new sign-in in that browser works"
