"""What the form-fuzzing test modules share: odd values and fields a tampering browser might send, raw POSTs with this
session's CSRF token, the checks every answer must pass, and the accounts: one signed in, one whose data must stay out
of reach.

Bodies are built by hand (not by the test client's dict encoding) so that repeated fields, field order and bytes that
are not UTF-8 reach the portal exactly as a tampering browser would send them. The fixtures' functions are named apart
from the fixtures (`name=`), so a test module imports them without a test's arguments shadowing the imports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote_from_bytes

import pytest
import werkzeug.urls  # noqa: F401  (registers the "werkzeug.url_quote" decoding error handler used below)
from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from portal_browser import Browser, Page, SeedAccount, SignedInBrowser
from sqlalchemy import select

from automation.clients import PortalAdmin
from mock_portal.db import new_session
from mock_portal.models import CartItem, Subscription
from mock_portal.testing.answers import CreatedAccount

TODAY = "2027-01-01"
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
FORM_LIMIT = 500_000  # Flask's MAX_FORM_MEMORY_SIZE; Werkzeug applies it to multipart only, so urlencoded gets through
SQLISH = [
    "' OR '1'='1",
    "1; DROP TABLE subscriptions; --",
    '" OR 1=1 --',
    "1' UNION SELECT password_hash FROM users --",
    "%",
    "_",
    "%_%",
    "\\",
    "*",
]
ODD = ["", " ", "\x00", "\t\n", "\u202e", "😀😀", "null", "[]", "{}", "-1", "0", "1e309", "NaN", "0x1F", "١٢٣"]

Value = str | bytes  # bytes: sent as they are, usually not UTF-8


def odd_values(real: list[str]) -> st.SearchStrategy[Value]:
    """Values a tampering browser might send in place of `real` ones (which are in the mix too)."""
    near_misses = st.sampled_from(real).flatmap(
        lambda n: st.sampled_from([n, f" {n}", f"{n} ", n[:-1], n + "0", "0" + n, n + "\x00", n.replace("1", "１")])
    )
    return st.one_of(
        near_misses,
        st.text(max_size=30),
        st.text(st.characters(categories=["Cs"]), min_size=1, max_size=3),  # lone surrogates
        st.binary(min_size=1, max_size=20),
        st.from_regex(r"-?[0-9]{0,25}", fullmatch=True),  # numbers of any length, negative too
        st.integers().map(str),
        st.floats().map(str),
        st.sampled_from(SQLISH + ODD),
        st.sampled_from(["9" * 100_000, "x" * (FORM_LIMIT + 1)]),  # huge; the second is over Flask's form limit
    )


def extra_fields(values: st.SearchStrategy[Value]) -> st.SearchStrategy[list[tuple[Value, Value]]]:
    """Fields the form does not have, or has and now repeats, in any order."""
    names = st.one_of(
        st.sampled_from(
            [
                "subscription",
                "select_all",
                "renew_now",
                "checkout_token",
                "email",
                "password",
                "next",
                "unit_price",
                "total",
                "currency",
                "seats",
                "account_id",
            ]
        ),  # fmt: skip
        st.text(max_size=10),
        st.binary(min_size=1, max_size=5),
    ).filter(lambda name: name != "csrf_token")  # the valid token stays the only one: these tests are not about CSRF
    return st.lists(st.tuples(names, values), max_size=3)


def as_bytes(value: Value) -> bytes:
    """The value as the bytes a browser sends (text as UTF-8, lone surrogates kept)."""
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def as_server_reads(value: Value) -> str:
    """What the portal sees: Werkzeug decodes form values as UTF-8 and keeps bytes that aren't as %XX text."""
    return as_bytes(value).decode("utf-8", "werkzeug.url_quote")


def post_raw(browser: Browser, path: str, fields: list[tuple[Value, Value]], query: str = "") -> Page:
    """POST these fields exactly, in order, after this session's CSRF token."""
    if browser.csrf is None:
        browser.get("/login")
    pairs = [("csrf_token", browser.csrf or ""), *fields]
    body = "&".join(f"{quote_from_bytes(as_bytes(k))}={quote_from_bytes(as_bytes(v))}" for k, v in pairs)
    response = browser.client.post(path + query, data=body.encode("ascii"), content_type="application/x-www-form-urlencoded")
    return Page(response)


def first(fields: list[tuple[Value, Value]], name: str) -> str | None:
    """The value a view reads with request.form.get(name)."""
    return next((as_server_reads(v) for k, v in fields if as_server_reads(k) == name), None)


def assert_clear(page: Page, what: str, tally: Counter[int]) -> None:
    """No server error; a refusal carries a message a person can read."""
    tally[page.status] += 1
    assert page.status < 500, f"{what} answered {page.status}: {page.alerts or page.html[:300]}"
    if page.status >= 400:
        assert page.alerts and all(page.alerts), f"{what} answered {page.status} without saying why"


@pytest.fixture(name="tally")
def tally_fixture(request: pytest.FixtureRequest, record_property: Any) -> Iterator[Counter[int]]:
    """Statuses seen by one fuzz test: recorded as `fuzz_cases` and `fuzz_5xx` in the JUnit XML, and printed."""
    statuses: Counter[int] = Counter()
    yield statuses
    cases, errors = sum(statuses.values()), sum(n for status, n in statuses.items() if status >= 500)
    record_property("fuzz_cases", cases)
    record_property("fuzz_5xx", errors)
    print(f"{request.node.name}: {cases} cases, {errors} 5xx, statuses {dict(sorted(statuses.items()))}")


# --- the accounts: one signed in, one whose data must stay out of reach ----------------------------------------


@pytest.fixture(name="mine")
def mine_fixture(seed_account: SeedAccount) -> CreatedAccount:
    """Eligible early and late, not open yet, monthly and cancelled: each answers Renew differently."""
    return seed_account(
        today=TODAY,
        subscriptions=[
            *[{"renewal_in_days": 30}] * 4,
            {"renewal_in_days": -10},
            {"renewal_in_days": 200},
            {"term": "monthly", "renewal_in_days": 20},
            {"status": "cancelled", "renewal_in_days": 20},
        ],
    )


@pytest.fixture(name="theirs")
def theirs_fixture(seed_account: SeedAccount) -> CreatedAccount:
    """Another account, with two subscriptions renewable in 30 days."""
    return seed_account(today=TODAY, subscriptions=[{"renewal_in_days": 30}, {"renewal_in_days": 30}])


@pytest.fixture(name="me")
def me_fixture(mine: CreatedAccount, signed_in_browser: SignedInBrowser) -> Browser:
    """The signed-in browser of `mine`'s user."""
    return signed_in_browser(mine)


@pytest.fixture(name="eligible")
def eligible_fixture(mine: CreatedAccount, admin: PortalAdmin) -> set[str]:
    """What `mine` may renew, as the test-control API says."""
    return {s.number for s in admin.subscriptions(mine.id) if s.eligible}


@pytest.fixture(name="cart_of")
def cart_of_fixture(app: Flask) -> Iterator[Any]:
    """Read an account's cart straight from the database (a fresh session each time, so no stale snapshot)."""

    def read(account_id: int) -> set[str]:
        db = new_session(app)
        try:
            return set(
                db.scalars(
                    select(Subscription.number)
                    .join(CartItem, CartItem.subscription_id == Subscription.id)
                    .where(CartItem.account_id == account_id)
                )
            )
        finally:
            db.close()

    yield read


def all_numbers(*accounts: CreatedAccount) -> list[str]:
    """Every subscription number of these accounts."""
    return [s.number for a in accounts for s in a.subscriptions]


def assert_nothing_wrongly_ordered(admin: PortalAdmin, mine: CreatedAccount, theirs: CreatedAccount, eligible: set[str]) -> None:
    """Fail if `mine` got a subscription ordered twice or one it could not renew, or `theirs` got any order."""
    ordered = [n for order in admin.orders(mine.id) for n in order.subscriptions]
    assert len(ordered) == len(set(ordered)), f"a subscription was ordered twice: {ordered}"
    assert set(ordered) <= eligible, f"ordered what could not be renewed: {set(ordered) - eligible}"
    assert admin.orders(theirs.id) == [], "another account got an order"
