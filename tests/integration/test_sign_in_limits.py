"""The sign-in limiter (real HTTP): failures per address, attempts per email, bounded and expiring memory, field caps."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from portal_http import alerts, create_account, csrf_token, portal_stack, sign_in

from mock_portal.server import PortalStack

StartStack = Callable[..., PortalStack]
PER_ADDRESS = "Too many failed sign-ins from your network address. Wait a minute, then try again."
EMAIL_TOO_LONG = "The email address is too long: at most 254 characters."


@pytest.fixture
def start_stack(tmp_path: Path, portal_env: None) -> Iterator[StartStack]:
    """Start a stack with these config overrides; stopped after the test."""
    started: list[PortalStack] = []

    def start(**config: Any) -> PortalStack:
        started.append(portal_stack(tmp_path / str(len(started)), **config).start())
        return started[-1]

    yield start
    for stack in started:
        stack.stop()


def limiter_storage(stack: PortalStack) -> Any:
    assert stack.app is not None
    return stack.app.extensions["sign_in_limiter"].storage


def stored_keys(stack: PortalStack) -> list[str]:
    """The keys the limiter's memory storage holds now (each one counter)."""
    return list(limiter_storage(stack).storage)


def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Whether `condition` holds within `timeout` seconds (the storage expires entries on a background timer)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_failed_sign_ins_from_one_address_are_limited_whatever_email_they_try(start_stack: StartStack) -> None:
    stack = start_stack()
    client = httpx.Client(base_url=stack.base_url)
    token = csrf_token(client)

    statuses = [sign_in(client, f"guess{n}@example.com", "wrong", token).status_code for n in range(25)]

    assert statuses == [401] * 20 + [429] * 5, f"25 wrong sign-ins with 25 emails from one address: {statuses}"
    assert alerts(sign_in(client, "guess99@example.com", "wrong", token)) == [PER_ADDRESS]


def test_successful_sign_ins_do_not_count_toward_the_address_limit(start_stack: StartStack) -> None:
    stack = start_stack(LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE=5)
    users = [user for _ in range(2) for user in create_account(stack.base_url, users=15).users]

    signed_in = [sign_in(httpx.Client(base_url=stack.base_url), u.email, u.password).status_code for u in users]
    client = httpx.Client(base_url=stack.base_url)
    token = csrf_token(client)
    failures = [sign_in(client, users[0].email, "wrong", token).status_code for _ in range(6)]

    assert signed_in == [302] * 30, "successful sign-ins from one address were limited"
    assert failures == [401] * 5 + [429], f"the 5-failure budget was used up by successful sign-ins: {failures}"


def test_wrong_sign_ins_sent_all_at_once_do_not_get_past_the_limit(start_stack: StartStack) -> None:
    stack = start_stack(LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE=20)
    client = httpx.Client(base_url=stack.base_url, limits=httpx.Limits(max_connections=32))
    token = csrf_token(client)

    def guess(n: int) -> int:
        return sign_in(client, f"guess-{n}@example.com", "wrong", token).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:  # more at once than the server has threads
        answers = sorted(pool.map(guess, range(60)))

    assert answers == [401] * 20 + [429] * 40, f"60 concurrent guesses against a limit of 20 answered {answers}"


def test_one_user_signing_in_often_is_not_limited_but_guessing_their_password_is(start_stack: StartStack) -> None:
    stack = start_stack(LOGIN_ATTEMPTS_PER_MINUTE=3)
    user = create_account(stack.base_url).user

    often = [sign_in(httpx.Client(base_url=stack.base_url), user.email, user.password).status_code for _ in range(8)]
    client = httpx.Client(base_url=stack.base_url)
    token = csrf_token(client)
    guesses = [sign_in(client, user.email, "wrong", token).status_code for _ in range(3)]
    then = sign_in(client, user.email, user.password, token).status_code

    assert often == [302] * 8, "the owner signing in 8 times in a minute was limited"
    assert guesses == [401] * 3 and then == 429, f"3 wrong guesses then the right password answered {guesses}, {then}"


def test_many_distinct_emails_from_one_address_keep_the_limiter_small(start_stack: StartStack) -> None:
    stack = start_stack()
    client = httpx.Client(base_url=stack.base_url)
    token = csrf_token(client)

    statuses = {sign_in(client, f"{n:0>230}@example.com", "wrong", token).status_code for n in range(1000)}

    assert statuses == {401, 429}, f"1,000 wrong sign-ins from one address answered only {statuses}"
    keys = stored_keys(stack)
    assert len(keys) <= 25, f"1,000 refused emails left {len(keys)} limiter entries behind"
    assert max(len(key) for key in keys) < 200, "a limiter key grows with the email it counts"


def test_the_limiters_entries_expire_after_their_minute(start_stack: StartStack, monkeypatch: pytest.MonkeyPatch) -> None:
    stack = start_stack(LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE=1000)
    client = httpx.Client(base_url=stack.base_url)
    token = csrf_token(client)
    for n in range(50):
        sign_in(client, f"user{n}@example.com", "wrong", token)
    storage = limiter_storage(stack)
    old = stored_keys(stack)
    assert len(old) >= 50 and all(storage.get_expiry(key) - time.time() <= 60 for key in old)

    later = time.time() + 61
    monkeypatch.setattr("limits.storage.memory.time", type("Later", (), {"time": staticmethod(lambda: later)}))
    sign_in(client, "one.more@example.com", "wrong", token)

    assert eventually(lambda: len(stored_keys(stack)) <= 3), f"{len(stored_keys(stack))} entries outlived their minute"
    counts = [storage.get(key) for key in old]
    assert sorted(counts)[-2:] == [0, 1], "a count outlived its minute (only the address's, counted anew, may be 1)"


def test_an_oversize_email_is_refused_before_it_is_counted_or_looked_up(start_stack: StartStack) -> None:
    stack = start_stack()
    client = httpx.Client(base_url=stack.base_url)
    token = csrf_token(client)

    started = time.perf_counter()
    huge = sign_in(client, "a" * (5 * 1024 * 1024) + "@example.com", "wrong", token)
    elapsed = time.perf_counter() - started

    assert huge.status_code == 400 and alerts(huge) == [EMAIL_TOO_LONG]
    assert stored_keys(stack) == [], "an oversize email was counted by the limiter"
    assert elapsed < 10, f"refusing a 5 MiB email took {elapsed:.1f} s"


@pytest.mark.parametrize(
    ("email_length", "password_length", "status"),
    [(254, 10, 401), (255, 10, 400), (20, 1024, 401), (20, 1025, 400)],
)
def test_sign_in_fields_longer_than_their_cap_are_refused(
    start_stack: StartStack, email_length: int, password_length: int, status: int
) -> None:
    stack = start_stack()
    client = httpx.Client(base_url=stack.base_url)
    email = "a" * (email_length - len("@example.com")) + "@example.com"

    answer = sign_in(client, email, "p" * password_length)

    assert answer.status_code == status, f"email of {email_length}, password of {password_length}: {answer.status_code}"
    if status == 400:
        assert alerts(answer) and "too long" in alerts(answer)[0]
