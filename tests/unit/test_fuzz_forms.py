"""Fuzz the portal's forms through the test client, signed in with a valid CSRF token: huge strings, any unicode,
lone surrogates and bytes that are not UTF-8, missing and repeated fields, numbers of the wrong length, SQL-ish and
negative or non-numeric values. Never a 500; a 4xx always says what was wrong; nothing is put in a cart or ordered
that the signed-in account could not renew by hand.

Bodies are built by hand (not by the test client's dict encoding) so that repeated fields, field order and bytes that
are not UTF-8 reach the portal exactly as a tampering browser would send them."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote_from_bytes, urlsplit

import pytest
import werkzeug.urls  # noqa: F401  (registers the "werkzeug.url_quote" decoding error handler used below)
from flask import Flask
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from portal_browser import Browser, Page, SeedAccount, SignedIn
from sqlalchemy import event, select

from automation.clients import PortalAdmin
from mock_portal.db import new_session
from mock_portal.models import CartItem, Subscription
from mock_portal.sign_in_limits import field_error
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
# SQLite's limits differ by build (bound parameters: 999, 32766 or 250000; expression depth: 1000). The regression
# tests below lower them on the app's connections, so a few hundred values find what took 250,000 here.
TIGHT_VARIABLES, TIGHT_DEPTH = 999, 100


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
        st.sampled_from(["subscription", "select_all", "renew_now", "checkout_token", "email", "password", "next",
                         "unit_price", "total", "currency", "seats", "account_id"]),  # fmt: skip
        st.text(max_size=10),
        st.binary(min_size=1, max_size=5),
    ).filter(lambda name: name != "csrf_token")  # the valid token stays the only one: these tests are not about CSRF
    return st.lists(st.tuples(names, values), max_size=3)


def as_bytes(value: Value) -> bytes:
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


@pytest.fixture
def tally(request: pytest.FixtureRequest, record_property: Any) -> Iterator[Counter[int]]:
    """Statuses seen by one fuzz test: recorded as `fuzz_cases` and `fuzz_5xx` in the JUnit XML, and printed."""
    statuses: Counter[int] = Counter()
    yield statuses
    cases, errors = sum(statuses.values()), sum(n for status, n in statuses.items() if status >= 500)
    record_property("fuzz_cases", cases)
    record_property("fuzz_5xx", errors)
    print(f"{request.node.name}: {cases} cases, {errors} 5xx, statuses {dict(sorted(statuses.items()))}")


# --- the accounts: one signed in, one whose data must stay out of reach ----------------------------------------


@pytest.fixture
def mine(seed_account: SeedAccount) -> CreatedAccount:
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


@pytest.fixture
def theirs(seed_account: SeedAccount) -> CreatedAccount:
    return seed_account(today=TODAY, subscriptions=[{"renewal_in_days": 30}, {"renewal_in_days": 30}])


@pytest.fixture
def me(mine: CreatedAccount, signed_in: SignedIn) -> Browser:
    return signed_in(mine)


@pytest.fixture
def their_cart(theirs: CreatedAccount, signed_in: SignedIn) -> str:
    """The other account has a renewal in its cart, which no form of mine may touch."""
    number = theirs.subscriptions[0].number
    assert signed_in(theirs).renew(number).status == 200
    return number


@pytest.fixture
def eligible(mine: CreatedAccount, admin: PortalAdmin) -> set[str]:
    return {s.number for s in admin.subscriptions(mine.id) if s.eligible}


@pytest.fixture
def cart_of(app: Flask) -> Iterator[Any]:
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
    return [s.number for a in accounts for s in a.subscriptions]


def group_token(account: CreatedAccount, index: int = 0) -> str:
    sub = account.subscriptions[index]
    return f"{sub.csn}|{sub.currency}|{sub.payment_method}"


def assert_nothing_wrongly_ordered(
    admin: PortalAdmin, mine: CreatedAccount, theirs: CreatedAccount, eligible: set[str]
) -> None:
    ordered = [n for order in admin.orders(mine.id) for n in order.subscriptions]
    assert len(ordered) == len(set(ordered)), f"a subscription was ordered twice: {ordered}"
    assert set(ordered) <= eligible, f"ordered what could not be renewed: {set(ordered) - eligible}"
    assert admin.orders(theirs.id) == [], "another account got an order"


# --- the forms -------------------------------------------------------------------------------------------------


def test_renew_with_any_subscription_value_adds_only_an_eligible_one_of_mine(
    tally: Counter[int],
    me: Browser,
    mine: CreatedAccount,
    theirs: CreatedAccount,
    their_cart: str,
    eligible: set[str],
    cart_of: Any,
    admin: PortalAdmin,
) -> None:
    values = odd_values(all_numbers(mine, theirs))
    closed = sorted(set(all_numbers(mine)) - eligible)

    @FUZZ
    @given(
        subscriptions=st.lists(st.one_of(st.sampled_from(sorted(eligible)), st.sampled_from(closed), values), max_size=3),
        extra=extra_fields(values),
    )
    @example(subscriptions=[closed[0], sorted(eligible)[0]], extra=[])  # each answer at least once: 409, then 302
    @example(subscriptions=[sorted(eligible)[0], closed[0]], extra=[("subscription", theirs.subscriptions[0].number)])
    def fuzz(subscriptions: list[Value], extra: list[tuple[Value, Value]]) -> None:
        fields = [("subscription", v) for v in subscriptions] + extra
        page = post_raw(me, "/cart", fields)

        assert_clear(page, "POST /cart", tally)
        asked = first(fields, "subscription") or ""
        expected = 302 if asked in eligible else 409 if asked in all_numbers(mine) else 404
        assert page.status == expected, f"Renew {asked[:40]!r} answered {page.status}, expected {expected}"
        assert cart_of(mine.id) <= eligible
        assert cart_of(theirs.id) == {their_cart}

    fuzz()
    assert_nothing_wrongly_ordered(admin, mine, theirs, eligible)


def test_remove_with_any_value_never_adds_and_never_touches_another_cart(
    tally: Counter[int],
    me: Browser,
    mine: CreatedAccount,
    theirs: CreatedAccount,
    their_cart: str,
    eligible: set[str],
    cart_of: Any,
) -> None:
    values = odd_values(all_numbers(mine, theirs))
    for number in sorted(eligible)[:2]:
        me.renew(number)

    @FUZZ
    @given(subscriptions=st.lists(values, max_size=3), extra=extra_fields(values))
    def fuzz(subscriptions: list[Value], extra: list[tuple[Value, Value]]) -> None:
        before = cart_of(mine.id)
        fields = [("subscription", v) for v in subscriptions] + extra
        page = post_raw(me, "/cart/remove", fields)

        assert_clear(page, "POST /cart/remove", tally)
        assert page.status == 302
        after = cart_of(mine.id)
        assert after <= before, "removing added something"
        assert before - after <= {first(fields, "subscription")}, "removed more than the one asked for"
        assert cart_of(theirs.id) == {their_cart}

    fuzz()


def test_bulk_renew_with_any_selection_carts_exactly_the_eligible_ones_chosen_or_refuses(
    tally: Counter[int],
    me: Browser,
    mine: CreatedAccount,
    theirs: CreatedAccount,
    their_cart: str,
    eligible: set[str],
    cart_of: Any,
    admin: PortalAdmin,
) -> None:
    values = odd_values(all_numbers(mine, theirs))
    mine_token, their_token = group_token(mine), group_token(theirs)
    tokens = st.one_of(st.sampled_from([mine_token, their_token, "||", mine_token + "|x", mine_token.upper()]), values)
    my_groups = {n: f"{s.csn}|{s.currency}|{s.payment_method}" for s in mine.subscriptions for n in [s.number]}

    @FUZZ
    @given(
        subscriptions=st.lists(values, max_size=4),
        groups=st.lists(tokens, max_size=3),
        extra=extra_fields(values),
    )
    def fuzz(subscriptions: list[Value], groups: list[Value], extra: list[tuple[Value, Value]]) -> None:
        before = cart_of(mine.id)
        fields = [("subscription", v) for v in subscriptions] + [("select_all", g) for g in groups] + extra
        page = post_raw(me, "/bulk/renew", fields)

        assert_clear(page, "POST /bulk/renew", tally)
        picked = {as_server_reads(v) for k, v in fields if as_server_reads(k) == "subscription"}
        whole = {as_server_reads(v) for k, v in fields if as_server_reads(k) == "select_all"}
        expected = {n for n in eligible if n in picked or my_groups[n] in whole}
        if expected:
            assert page.status == 302, f"a selection of {sorted(expected)} answered {page.status}: {page.alerts}"
            assert cart_of(mine.id) == expected
        else:
            assert page.status == 400 and cart_of(mine.id) == before
        assert cart_of(theirs.id) == {their_cart}

    fuzz()
    assert_nothing_wrongly_ordered(admin, mine, theirs, eligible)


@pytest.fixture
def tight_sqlite(app: Flask) -> None:
    """The app's SQLite connections from now on take at most 999 parameters and 100 levels of expression."""
    engine = app.extensions["db_sessionmaker"].kw["bind"]

    @event.listens_for(engine, "connect")
    def _limit(connection: sqlite3.Connection, _record: Any) -> None:
        connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, TIGHT_VARIABLES)
        connection.setlimit(sqlite3.SQLITE_LIMIT_EXPR_DEPTH, TIGHT_DEPTH)

    engine.dispose()  # pooled connections were opened before the limits


def test_a_bulk_form_with_more_select_alls_than_sqlite_nests_is_refused_not_a_server_error(
    me: Browser, mine: CreatedAccount, cart_of: Any, tight_sqlite: None
) -> None:
    """Regression: each Select all value became one OR term; ~1000 of them (100 here) overflowed the expression depth."""
    made_up = [("select_all", f"{i:010d}|USD|credit_card") for i in range(TIGHT_DEPTH + 1)]

    page = post_raw(me, "/bulk/renew", made_up)

    assert (page.status, cart_of(mine.id)) == (400, set()), page.alerts
    chosen = post_raw(me, "/bulk/renew", [*made_up, ("select_all", group_token(mine))])
    assert chosen.status == 302 and cart_of(mine.id), "a real Select all among made-up ones still selects its group"


def test_a_bulk_form_with_more_numbers_than_sqlite_takes_parameters_is_refused_not_a_server_error(
    me: Browser, mine: CreatedAccount, eligible: set[str], cart_of: Any, tight_sqlite: None
) -> None:
    """Regression: one bound parameter per ticked number, and urlencoded bodies have no size limit."""
    made_up = [("subscription", str(i)) for i in range(TIGHT_VARIABLES + 1)]
    real = sorted(eligible)[0]

    page = post_raw(me, "/bulk/renew", made_up)

    assert (page.status, cart_of(mine.id)) == (400, set()), page.alerts
    assert post_raw(me, "/bulk/renew", [*made_up, ("subscription", real)]).status == 302
    assert cart_of(mine.id) == {real}


def test_a_confirmation_link_with_more_order_numbers_than_sqlite_takes_parameters_is_a_page(
    me: Browser, tight_sqlite: None
) -> None:
    """Regression: one bound parameter per order number in the link."""
    page = me.get("/checkout/confirmation?orders=" + ",".join(str(i) for i in range(TIGHT_VARIABLES + 1)))

    assert page.status == 200


def test_place_order_with_any_fields_orders_only_eligible_renewals_once_and_only_with_renew_now_when_early(
    tally: Counter[int],
    me: Browser,
    mine: CreatedAccount,
    theirs: CreatedAccount,
    eligible: set[str],
    cart_of: Any,
    admin: PortalAdmin,
) -> None:
    values = odd_values(all_numbers(mine, theirs))
    renew_now = st.one_of(st.just("yes"), values)
    early = {s.number for s in mine.subscriptions if s.renewal_date.isoformat() > TODAY}
    tokens_used: list[str] = []
    again = object()  # stands for "the token of a form already placed", known only once one is

    @settings(FUZZ, max_examples=25)  # five requests an example
    @given(
        fill=st.integers(0, 2),
        renew=st.lists(renew_now, max_size=2),
        token=st.one_of(st.none(), values, st.just(again)),
        extra=extra_fields(values),
    )
    def fuzz(fill: int, renew: list[Value], token: Any, extra: list[tuple[Value, Value]]) -> None:
        if token is again:
            token = tokens_used[-1] if tokens_used else None
        still_open = sorted(s.number for s in admin.subscriptions(mine.id) if s.eligible)
        for number in still_open[:fill]:
            me.renew(number)
        cart = cart_of(mine.id)
        orders_before = len(admin.orders(mine.id))
        fields = [("renew_now", v) for v in renew] + ([("checkout_token", token)] if token is not None else []) + extra
        page = post_raw(me, "/checkout", fields)

        assert_clear(page, "POST /checkout", tally)
        made = len(admin.orders(mine.id)) - orders_before
        said_yes = first(fields, "renew_now") == "yes"
        sent_token = first(fields, "checkout_token")
        if made:
            assert page.status == 303, f"orders were made but the answer was {page.status}"
            assert cart and (said_yes or not cart & early), "ordered an early renewal without Renew now"
            assert cart_of(mine.id) == set(), "the cart outlived its order"
            if sent_token:
                tokens_used.append(sent_token)
        else:
            assert page.status in (303, 400), page.status
            if page.status == 303:
                assert sent_token in tokens_used, "a resubmitted form answered 303 without having ordered before"
        assert_nothing_wrongly_ordered(admin, mine, theirs, eligible)

    fuzz()


def test_sign_in_with_any_email_password_and_next_signs_in_only_the_right_user_and_stays_on_the_portal(
    tally: Counter[int],
    mine: CreatedAccount, anonymous: Browser, pages_app: Flask
) -> None:
    pages_app.config["LOGIN_ATTEMPTS_PER_MINUTE"] = 10**6  # the limit has its own tests; here it would hide the rest
    pages_app.config["LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE"] = 10**6
    user = mine.users[0]
    emails = st.one_of(st.sampled_from([user.email, user.email.upper(), f" {user.email} "]), odd_values([user.email]))
    passwords = st.one_of(st.just(user.password), odd_values([user.password]))
    nexts = st.one_of(
        st.sampled_from(["/subscriptions", "//evil.example", "/\\evil.example", "https://evil.example/", "/\t/evil.example",
                         "javascript:alert(1)", "/%2F%2Fevil.example", "\\\\evil.example"]),  # fmt: skip
        odd_values(["/cart"]),
    )

    @FUZZ
    @given(
        real=st.booleans(),
        email=st.lists(emails, max_size=2),
        password=st.lists(passwords, max_size=2),
        nxt=nexts,
        extra=extra_fields(passwords),
    )
    def fuzz(real: bool, email: list[Value], password: list[Value], nxt: Value, extra: list[tuple[Value, Value]]) -> None:
        anonymous.client.delete_cookie("session")
        anonymous.csrf = None
        fields: list[tuple[Value, Value]] = [("email", user.email), ("password", user.password)] if real else []
        fields += [("email", v) for v in email] + [("password", v) for v in password] + extra
        page = post_raw(anonymous, "/login", fields, query="?next=" + quote_from_bytes(as_bytes(nxt)))

        assert_clear(page, "POST /login", tally)
        email_matches = (first(fields, "email") or "").strip().lower() == user.email.lower()
        right = email_matches and first(fields, "password") == user.password
        too_long = field_error((first(fields, "email") or "").strip(), first(fields, "password") or "") is not None
        assert page.status == (400 if too_long else 302 if right else 401), f"right: {right}, answered {page.status}"
        if right:
            target = page.location or ""
            parts = urlsplit(target)
            on_site = target.startswith("/") and not target.startswith("//") and "\\" not in target and not parts.netloc
            assert on_site, f"sent off-site: {target!r}"

    fuzz()


@pytest.mark.parametrize("path", ["/subscriptions", "/bulk/renew", "/orders", "/checkout/confirmation", "/cart", "/checkout"])
def test_pages_with_any_query_string_answer_a_page_or_a_clear_4xx(
    path: str, me: Browser, mine: CreatedAccount, theirs: CreatedAccount, tally: Counter[int]
) -> None:
    values = odd_values(all_numbers(mine, theirs) + ["1", "100", "USD", "credit_card", "expired"])
    names = st.sampled_from(["page", "per_page", "q", "csn", "currency", "payment_method", "status", "orders", "x"])

    @settings(FUZZ, max_examples=15)
    @given(params=st.lists(st.tuples(names, values.filter(lambda v: len(as_bytes(v)) < 20_000)), max_size=4))
    def fuzz(params: list[tuple[str, Value]]) -> None:
        query = "&".join(f"{k}={quote_from_bytes(as_bytes(v))}" for k, v in params)
        page = me.get(f"{path}?{query}")

        assert_clear(page, f"GET {path}?{query[:80]}", tally)
        assert page.status in (200, 400), page.status
        assert not any(page.doc.find_all("td", text=n) for n in all_numbers(theirs)), "another account's subscription shown"

    fuzz()


@pytest.mark.parametrize("suffix", ["", "/renew"])
def test_a_subscription_page_for_any_number_is_mine_or_a_clear_404(
    suffix: str, me: Browser, mine: CreatedAccount, theirs: CreatedAccount, tally: Counter[int]
) -> None:
    mine_numbers = all_numbers(mine)

    @settings(FUZZ, max_examples=20)
    @given(number=odd_values(all_numbers(mine, theirs)).filter(lambda v: 0 < len(as_bytes(v)) < 20_000))
    def fuzz(number: Value) -> None:
        page = me.get(f"/subscriptions/{quote_from_bytes(as_bytes(number), safe='')}{suffix}")

        assert_clear(page, f"GET /subscriptions/{as_server_reads(number)[:40]!r}{suffix}", tally)
        assert page.status == (200 if as_server_reads(number) in mine_numbers else 404), page.status

    fuzz()
