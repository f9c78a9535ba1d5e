"""Security: another account's data is as good as missing, forms need the CSRF token, prices come from the server,
and every page carries the headers and cookie flags a browser needs."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from portal_browser import Browser, Page, SeedAccount, SignedInBrowser, order_numbers

from automation.clients import PortalAdmin
from mock_portal.testing.answers import CreatedAccount

TODAY = "2027-01-01"


@pytest.fixture
def mine(seed_account: SeedAccount) -> CreatedAccount:
    return seed_account(today=TODAY, subscriptions=[{"renewal_in_days": 30}])


@pytest.fixture
def theirs(seed_account: SeedAccount) -> CreatedAccount:
    return seed_account(today=TODAY, subscriptions=[{"renewal_in_days": 30}])


def in_cart(browser: Browser, number: str) -> bool:
    return bool(browser.get("/cart").main.find_all("td", text=number))


def test_someone_elses_subscription_is_not_found(
    mine: CreatedAccount, theirs: CreatedAccount, signed_in_browser: SignedInBrowser
) -> None:
    browser = signed_in_browser(mine)
    number = theirs.subscriptions[0].number

    assert browser.get(f"/subscriptions/{number}").status == 404
    assert browser.get(f"/subscriptions/{number}/renew").status == 404
    assert number not in browser.get("/subscriptions").html


def test_renewing_someone_elses_subscription_is_not_found_and_fills_no_cart(
    mine: CreatedAccount, theirs: CreatedAccount, signed_in_browser: SignedInBrowser
) -> None:
    me, them = signed_in_browser(mine), signed_in_browser(theirs)
    number = theirs.subscriptions[0].number

    refused = me.post_form("/cart", {"subscription": number})

    assert refused.status == 404
    assert not in_cart(me, number) and not in_cart(them, number)


def test_removing_someone_elses_renewal_from_the_cart_does_nothing(
    mine: CreatedAccount, theirs: CreatedAccount, signed_in_browser: SignedInBrowser
) -> None:
    me, them = signed_in_browser(mine), signed_in_browser(theirs)
    number = theirs.subscriptions[0].number
    them.renew(number)

    me.post_form("/cart/remove", {"subscription": number})

    assert in_cart(them, number)


def test_a_bulk_renewal_ignores_numbers_and_groups_of_another_account(
    mine: CreatedAccount, theirs: CreatedAccount, signed_in_browser: SignedInBrowser, admin: PortalAdmin
) -> None:
    me = signed_in_browser(mine)
    their_sub, my_sub = theirs.subscriptions[0], mine.subscriptions[0]
    their_group = f"{their_sub.csn}|{their_sub.currency}|{their_sub.payment_method}"

    only_theirs = me.post_form("/bulk/renew", {"subscription": their_sub.number, "select_all": their_group})
    assert only_theirs.status == 400 and not in_cart(me, their_sub.number)

    me.renew_selected([my_sub.number, their_sub.number])
    me.place_order(renew_now=True)

    (order,) = admin.orders(mine.id)
    assert order.subscriptions == [my_sub.number]
    assert admin.orders(theirs.id) == []
    assert admin.subscription(theirs.id, their_sub.number).renewed_through is None


def test_a_confirmation_page_shows_only_your_own_orders(
    mine: CreatedAccount, theirs: CreatedAccount, signed_in_browser: SignedInBrowser
) -> None:
    them = signed_in_browser(theirs)
    them.renew(theirs.subscriptions[0].number)
    (their_order,) = order_numbers(them.place_order(renew_now=True))

    page = signed_in_browser(mine).get(f"/checkout/confirmation?orders={their_order}")

    assert order_numbers(page) == [] and their_order not in page.html


@pytest.mark.parametrize("token", [None, "forged"], ids=["missing", "forged"])
def test_a_form_without_this_sessions_csrf_token_is_refused(
    mine: CreatedAccount, signed_in_browser: SignedInBrowser, admin: PortalAdmin, token: str | None
) -> None:
    browser = signed_in_browser(mine)
    number = mine.subscriptions[0].number
    data = {"subscription": number, "renew_now": "yes"} | ({"csrf_token": token} if token else {})

    for path in ("/cart", "/bulk/renew", "/cart/remove", "/checkout", "/logout"):
        refused = browser.post_form(path, data, csrf=False)

        assert refused.status == 400, f"POST {path} with a {token or 'missing'} token answered {refused.status}"
        assert any("did not come from this site" in a for a in refused.alerts), f"{path}: {refused.alerts}"
    assert browser.get("/subscriptions").status == 200, "a refused sign-out must not sign out"
    assert not in_cart(browser, number) and admin.orders(mine.id) == []


def test_sign_in_without_the_csrf_token_is_refused(mine: CreatedAccount, anonymous: Browser) -> None:
    user = mine.users[0]

    refused = anonymous.post_form("/login", {"email": user.email, "password": user.password}, csrf=False)

    assert refused.status == 400 and anonymous.get("/subscriptions").status == 302


def test_prices_posted_with_the_forms_are_ignored(
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser, admin: PortalAdmin
) -> None:
    account = seed_account(today=TODAY, subscriptions=[{"product": "ACD", "term": "annual", "seats": 2, "currency": "USD"}])
    browser = signed_in_browser(account)
    number = account.subscriptions[0].number
    subtotal = Decimal("1975.00") * 2  # fixtures/catalog.json: ACD annual USD
    total = subtotal + (subtotal * Decimal("0.0725")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)  # US tax
    tampered = {"unit_price": "1", "price": "1", "line_total": "1", "subtotal": "1", "tax": "0", "total": "1",
                "currency": "JPY", "seats": "1000"}  # fmt: skip

    cart = browser.post_form("/cart", {"subscription": number} | tampered, follow=True)
    assert cart.one_testid("cart-total").text == f"${total:,.2f}"
    browser.place_order(renew_now=True, extra=tampered)

    (order,) = admin.orders(account.id)
    assert (order.currency, order.total) == ("USD", f"{total:.2f}")


def signed_in_pages(browser: Browser, number: str) -> list[Page]:
    browser.renew(number)
    return [browser.get(p) for p in ("/", "/subscriptions", f"/subscriptions/{number}", "/cart", "/checkout", "/bulk/renew")]


def test_every_page_sends_a_strict_content_security_policy_and_anti_framing_headers(
    mine: CreatedAccount, signed_in_browser: SignedInBrowser, anonymous: Browser
) -> None:
    pages = [anonymous.get("/login"), *signed_in_pages(signed_in_browser(mine), mine.subscriptions[0].number)]
    pages.append(signed_in_browser(mine).get("/subscriptions/000000000000"))  # an error page too

    for page in pages:
        headers = page.response.headers
        policy = headers.get("Content-Security-Policy", "")
        directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, f"{page.path}: {policy}"
        assert directives.get("frame-ancestors") == ["'none'"], f"{page.path}: {policy}"
        assert "default-src" in directives and "script-src" in directives, f"{page.path}: {policy}"
        assert headers.get("X-Content-Type-Options") == "nosniff"


def test_pages_need_no_inline_script_or_style_so_the_policy_can_forbid_them(
    mine: CreatedAccount, signed_in_browser: SignedInBrowser
) -> None:
    for page in signed_in_pages(signed_in_browser(mine), mine.subscriptions[0].number):
        for el in page.doc.iter():
            assert not (el.tag == "script" and "src" not in el.attrs), f"{page.path}: inline <script>"
            assert el.tag != "style" and "style" not in el.attrs, f"{page.path}: inline style on <{el.tag}>"
            handlers = [a for a in el.attrs if a.startswith("on")]
            assert not handlers, f"{page.path}: inline event handler {handlers} on <{el.tag}>"


def test_the_session_cookie_is_httponly_and_samesite_lax(mine: CreatedAccount, anonymous: Browser) -> None:
    user = mine.users[0]

    page = anonymous.sign_in(user.email, user.password)

    (cookie,) = [c for c in page.response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    flags = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in flags and "samesite=lax" in flags, cookie


def test_text_from_the_account_is_escaped_in_pages(seed_account: SeedAccount, signed_in_browser: SignedInBrowser) -> None:
    name = '<script>alert("x")</script> & Co'
    page = signed_in_browser(seed_account(name=name, today=TODAY)).get("/")

    assert name not in page.html
    assert "&lt;script&gt;" in page.html and not page.doc.find_all("script", src=False)
    assert name in page.main.text
