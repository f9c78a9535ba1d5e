"""Fuzz the portal's cart forms through the test client, signed in with a valid CSRF token: Renew, Remove and bulk
renew with huge strings, any unicode, lone surrogates and bytes that are not UTF-8, missing and repeated fields, numbers
of the wrong length, SQL-ish and negative or non-numeric values, and more values than SQLite takes. Never a 500; a 4xx
always says what was wrong; nothing is put in a cart that the signed-in account could not renew by hand. Placing
orders, signing in and URLs: test_fuzz_checkout_sign_in_and_urls.py."""

from __future__ import annotations

import sqlite3
from collections import Counter
from typing import Any

import pytest
from flask import Flask
from form_fuzzing import (  # noqa: F401 (fixtures)
    FUZZ,
    Value,
    all_numbers,
    as_server_reads,
    assert_clear,
    assert_nothing_wrongly_ordered,
    cart_of_fixture,
    eligible_fixture,
    extra_fields,
    first,
    me_fixture,
    mine_fixture,
    odd_values,
    post_raw,
    tally_fixture,
    theirs_fixture,
)
from hypothesis import example, given
from hypothesis import strategies as st
from portal_browser import Browser, SignedInBrowser
from sqlalchemy import event

from automation.clients import PortalAdmin
from mock_portal.testing.answers import CreatedAccount

# SQLite's limits differ by build (bound parameters: 999, 32766 or 250000; expression depth: 1000). The regression
# tests below lower them on the app's connections, so a few hundred values find what took 250,000 here.
TIGHT_VARIABLES, TIGHT_DEPTH = 999, 100


@pytest.fixture
def their_cart(theirs: CreatedAccount, signed_in_browser: SignedInBrowser) -> str:
    """The other account has a renewal in its cart, which no form of mine may touch."""
    number = theirs.subscriptions[0].number
    assert signed_in_browser(theirs).renew(number).status == 200
    return number


def group_token(account: CreatedAccount, index: int = 0) -> str:
    sub = account.subscriptions[index]
    return f"{sub.csn}|{sub.currency}|{sub.payment_method}"


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
