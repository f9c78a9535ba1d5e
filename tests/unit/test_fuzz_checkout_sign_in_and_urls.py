"""Fuzz Place order, Sign in and the pages' URLs through the test client with odd values (see form_fuzzing.py): never
a 500; a 4xx always says what was wrong; nothing is ordered that the signed-in account could not renew by hand, only
the right user signs in and stays on the portal, and a subscription page is mine or a clear 404."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import quote_from_bytes, urlsplit

import pytest
from flask import Flask
from form_fuzzing import (  # noqa: F401 (fixtures)
    FUZZ,
    TODAY,
    Value,
    all_numbers,
    as_bytes,
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
from hypothesis import given, settings
from hypothesis import strategies as st
from portal_browser import Browser

from automation.clients import PortalAdmin
from mock_portal.sign_in_limits import field_error
from mock_portal.testing.answers import CreatedAccount


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
    tally: Counter[int], mine: CreatedAccount, anonymous: Browser, pages_app: Flask
) -> None:
    pages_app.config["LOGIN_ATTEMPTS_PER_MINUTE"] = 10**6  # the limit has its own tests; here it would hide the rest
    pages_app.config["LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE"] = 10**6
    user = mine.users[0]
    emails = st.one_of(st.sampled_from([user.email, user.email.upper(), f" {user.email} "]), odd_values([user.email]))
    passwords = st.one_of(st.just(user.password), odd_values([user.password]))
    nexts = st.one_of(
        st.sampled_from(
            [
                "/subscriptions",
                "//evil.example",
                "/\\evil.example",
                "https://evil.example/",
                "/\t/evil.example",
                "javascript:alert(1)",
                "/%2F%2Fevil.example",
                "\\\\evil.example",
            ]
        ),  # fmt: skip
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
