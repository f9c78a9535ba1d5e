"""Single renewal (R6): cart prices in the subscription's currency with the CSN country's tax, and checkout with the
payment method on file and Renew now for early renewals, one order and one email (R8) — through the pages, with the
emails read back from the catcher. The anniversary that never moves (R2): test_portal_anniversary.py."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from portal_browser import Element, Page, SeedAccount, SignedInBrowser, money, order_numbers
from portal_renewing import TODAY, renew_and_check_out

from automation.clients import Mailbox, PortalAdmin

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CATALOG = {p["code"]: p for p in json.loads((FIXTURES / "catalog.json").read_text(encoding="utf-8"))["products"]}
TAX_RATES = {k: Decimal(v) for k, v in json.loads((FIXTURES / "taxes.json").read_text(encoding="utf-8"))["rates"].items()}
CURRENCIES = {"USD": ("$", 2), "EUR": ("€", 2), "GBP": ("£", 2), "JPY": ("¥", 0)}


def priced(currency: str, lines: Sequence[tuple[str, str, int]], country: str) -> dict[str, str]:
    """The amounts a cart must show, computed from fixtures/: per line (product, term, seats) and the totals."""
    symbol, exponent = CURRENCIES[currency]
    minor = Decimal(1).scaleb(-exponent)
    shown: dict[str, str] = {}
    subtotal = Decimal(0)
    for i, (code, term, seats) in enumerate(lines):
        unit = Decimal(CATALOG[code]["prices"][term][currency])
        shown[f"unit{i}"], shown[f"line{i}"] = money(unit, symbol, exponent), money(unit * seats, symbol, exponent)
        subtotal += unit * seats
    tax = (subtotal * TAX_RATES[country]).quantize(minor, rounding=ROUND_HALF_UP)
    shown |= {
        "subtotal": money(subtotal, symbol, exponent),
        "tax": money(tax, symbol, exponent),
        "total": money(subtotal + tax, symbol, exponent),
    }
    return shown


def cart_lines(page: Page) -> dict[str, dict[str, str]]:
    """The cart's lines by subscription number, cell text by column heading."""
    lines = {}
    for table in page.main.find_all("table"):
        headings = [th.text for th in table.one("thead").find_all("th")]
        for row in table.one("tbody").find_all("tr"):
            cells = dict(zip(headings, (td.text for td in row.find_all("td")), strict=False))
            lines[cells["Subscription number"]] = cells
    return lines


def footer(page: Page) -> dict[str, Element]:
    """The cart's totals rows (one transaction), by the start of their heading."""
    rows = page.main.one("tfoot").find_all("tr")
    return {row.one("th").text.split(" (")[0]: row.one("td") for row in rows}


@pytest.mark.parametrize(("country", "currency"), [("US", "USD"), ("DE", "EUR"), ("GB", "GBP"), ("JP", "JPY")])
def test_the_cart_shows_each_line_and_totals_in_the_subscriptions_currency_with_the_csns_tax(
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser, country: str, currency: str
) -> None:
    specs = [("ACD", "annual", 3), ("F360", "three_year", 2)]
    account = seed_account(
        country=country,
        today=TODAY.isoformat(),
        subscriptions=[{"product": p, "term": t, "seats": s, "currency": currency} for p, t, s in specs],
    )
    browser = signed_in_browser(account)
    for sub in account.subscriptions:
        browser.renew(sub.number)
    want = priced(currency, specs, country)

    page = browser.get("/cart")

    lines = cart_lines(page)
    for i, sub in enumerate(account.subscriptions):
        line = lines[sub.number]
        assert line["Product"].startswith(CATALOG[sub.product]["name"])
        assert line["Seats"] == str(specs[i][2])
        assert (line["Unit price"], line["Line total"]) == (want[f"unit{i}"], want[f"line{i}"])
    totals = footer(page)
    assert totals["Subtotal"].text == want["subtotal"]
    assert totals["Tax"].text == want["tax"]
    assert totals["Total"].get("data-testid") == "cart-total"
    assert page.one_testid("cart-total").text == want["total"]
    if currency == "JPY":
        assert "." not in page.one_testid("cart-total").text, "yen have no minor unit"
    assert page.buttons("Check out")


def test_tax_follows_the_csns_country_not_the_currency(seed_account: SeedAccount, signed_in_browser: SignedInBrowser) -> None:
    account = seed_account(
        country="DE", today=TODAY.isoformat(), subscriptions=[{"product": "ACD", "seats": 2, "currency": "USD"}]
    )
    browser = signed_in_browser(account)
    browser.renew(account.subscriptions[0].number)

    page = browser.get("/cart")

    assert page.one_testid("cart-total").text == priced("USD", [("ACD", "annual", 2)], "DE")["total"]


@pytest.mark.parametrize(("country", "rate"), [("US", "7.25"), ("DE", "19"), ("GB", "20"), ("JP", "10"), ("CH", "8.1")])
def test_the_cart_names_the_tax_rate_of_the_csns_country(
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser, country: str, rate: str
) -> None:
    account = seed_account(country=country, today=TODAY.isoformat(), subscriptions=[{"seats": 1}])
    browser = signed_in_browser(account)
    browser.renew(account.subscriptions[0].number)

    tax_row = browser.get("/cart").main.one("tfoot").find_all("tr")[1]

    assert tax_row.one("th").text == f"Tax ({country}, {rate}%)", f"{country}'s rate is {TAX_RATES[country]}"


# --- checkout: payment method on file, Renew now for early renewals --------------------------------------------


def test_checkout_shows_the_payment_method_on_file(seed_account: SeedAccount, signed_in_browser: SignedInBrowser) -> None:
    account = seed_account(today=TODAY.isoformat(), subscriptions=[{"payment_method": "direct_debit"}])
    browser = signed_in_browser(account)
    browser.renew(account.subscriptions[0].number)

    page = browser.get("/checkout")

    assert "Payment method on file: Direct debit" in page.main.text


def test_an_early_renewal_is_refused_without_renew_now_and_nothing_is_ordered(
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser, admin: PortalAdmin, mailbox: Mailbox
) -> None:
    account = seed_account(today=TODAY.isoformat(), subscriptions=[{"renewal_in_days": 30}])
    number = account.subscriptions[0].number
    browser = signed_in_browser(account)
    browser.renew(number)
    checkout = browser.get("/checkout")
    assert checkout.labelled("Renew now").attrs["type"] == "checkbox"

    refused = browser.place_order(renew_now=False)

    assert refused.status == 400
    assert any("Renew now" in alert for alert in refused.alerts), refused.alerts
    assert admin.orders(account.id) == []
    assert mailbox.count() == 0
    assert number in cart_lines(browser.get("/cart")), "the refused renewal stays in the cart"


def test_an_early_renewal_with_renew_now_places_one_order_and_sends_one_email(
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser, admin: PortalAdmin, mailbox: Mailbox
) -> None:
    account = seed_account(today=TODAY.isoformat(), subscriptions=[{"renewal_in_days": 30}])
    number = account.subscriptions[0].number
    renewal = TODAY + timedelta(days=30)

    page = renew_and_check_out(signed_in_browser(account), [number], renew_now=True)

    assert (page.status, page.path) == (200, "/checkout/confirmation")
    (order,) = admin.orders(account.id)
    assert order_numbers(page) == [order.number] and order.subscriptions == [number]
    assert page.one_testid("renewal-date").times() == [renewal]
    assert mailbox.count() == 1
    (message,) = mailbox.search(f'to:{account.users[0].email} subject:"Order confirmation"')
    assert order.number in message.subject


@pytest.mark.parametrize("renewal_in_days", [0, -45], ids=["on the date", "45 days late"])
def test_renewing_on_or_after_the_renewal_date_needs_no_renew_now(
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser, admin: PortalAdmin, renewal_in_days: int
) -> None:
    account = seed_account(today=TODAY.isoformat(), subscriptions=[{"renewal_in_days": renewal_in_days}])
    browser = signed_in_browser(account)
    browser.renew(account.subscriptions[0].number)
    assert not browser.get("/checkout").doc.find_all("label", text="Renew now")

    page = browser.place_order(renew_now=False)

    assert page.path == "/checkout/confirmation" and len(admin.orders(account.id)) == 1


def test_checkout_of_an_empty_cart_is_refused_clearly(seed_account: SeedAccount, signed_in_browser: SignedInBrowser) -> None:
    browser = signed_in_browser(seed_account(today=TODAY.isoformat(), subscriptions=[{}]))

    refused = browser.place_order(renew_now=True)

    assert refused.status == 400 and any("cart is empty" in a for a in refused.alerts)
