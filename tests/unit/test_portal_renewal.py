"""Single renewal (R6): cart prices, checkout with Renew now, one email per order (R8), and the anniversary that
never moves (R2) — through the pages, with the emails read back from the catcher."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from portal_browser import Browser, Element, Page, SeedAccount, SignedIn, money, order_numbers

from automation.clients import Mailbox, PortalAdmin
from mock_portal.testing.answers import CreatedAccount

TODAY = date(2027, 1, 1)
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CATALOG = {p["code"]: p for p in json.loads((FIXTURES / "catalog.json").read_text(encoding="utf-8"))["products"]}
TAX_RATES = {k: Decimal(v) for k, v in json.loads((FIXTURES / "taxes.json").read_text(encoding="utf-8"))["rates"].items()}
CURRENCIES = {"USD": ("$", 2), "EUR": ("€", 2), "GBP": ("£", 2), "JPY": ("¥", 0)}


def add_years(day: date, term: str) -> date:
    """D + term, as the reference means it (the same day of the month, Feb 29 → Feb 28)."""
    years = {"annual": 1, "three_year": 3}[term]
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


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


def renew_and_check_out(browser: Browser, numbers: Sequence[str], *, renew_now: bool) -> Page:
    for number in numbers:
        assert browser.renew(number).path == "/cart"
    assert browser.get("/checkout").status == 200
    return browser.place_order(renew_now=renew_now)


def email_line(mail: Mailbox, order_number: str, subscription: str) -> str:
    """The line of an order's one confirmation email that names a subscription."""
    (message,) = mail.search(f'subject:"{order_number}"')
    return next(line for line in mail.get(message.id).text.splitlines() if subscription in line)


# --- the cart: prices reviewed in the subscription's currency, tax by the CSN's country ------------------------


@pytest.mark.parametrize(("country", "currency"), [("US", "USD"), ("DE", "EUR"), ("GB", "GBP"), ("JP", "JPY")])
def test_the_cart_shows_each_line_and_totals_in_the_subscriptions_currency_with_the_csns_tax(
    seed_account: SeedAccount, signed_in: SignedIn, country: str, currency: str
) -> None:
    specs = [("ACD", "annual", 3), ("F360", "three_year", 2)]
    account = seed_account(
        country=country,
        today=TODAY.isoformat(),
        subscriptions=[{"product": p, "term": t, "seats": s, "currency": currency} for p, t, s in specs],
    )
    browser = signed_in(account)
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


def test_tax_follows_the_csns_country_not_the_currency(seed_account: SeedAccount, signed_in: SignedIn) -> None:
    account = seed_account(
        country="DE", today=TODAY.isoformat(), subscriptions=[{"product": "ACD", "seats": 2, "currency": "USD"}]
    )
    browser = signed_in(account)
    browser.renew(account.subscriptions[0].number)

    page = browser.get("/cart")

    assert page.one_testid("cart-total").text == priced("USD", [("ACD", "annual", 2)], "DE")["total"]


@pytest.mark.parametrize(("country", "rate"), [("US", "7.25"), ("DE", "19"), ("GB", "20"), ("JP", "10"), ("CH", "8.1")])
def test_the_cart_names_the_tax_rate_of_the_csns_country(
    seed_account: SeedAccount, signed_in: SignedIn, country: str, rate: str
) -> None:
    account = seed_account(country=country, today=TODAY.isoformat(), subscriptions=[{"seats": 1}])
    browser = signed_in(account)
    browser.renew(account.subscriptions[0].number)

    tax_row = browser.get("/cart").main.one("tfoot").find_all("tr")[1]

    assert tax_row.one("th").text == f"Tax ({country}, {rate}%)", f"{country}'s rate is {TAX_RATES[country]}"


# --- checkout: payment method on file, Renew now for early renewals --------------------------------------------


def test_checkout_shows_the_payment_method_on_file(seed_account: SeedAccount, signed_in: SignedIn) -> None:
    account = seed_account(today=TODAY.isoformat(), subscriptions=[{"payment_method": "direct_debit"}])
    browser = signed_in(account)
    browser.renew(account.subscriptions[0].number)

    page = browser.get("/checkout")

    assert "Payment method on file: Direct debit" in page.main.text


def test_an_early_renewal_is_refused_without_renew_now_and_nothing_is_ordered(
    seed_account: SeedAccount, signed_in: SignedIn, admin: PortalAdmin, mailbox: Mailbox
) -> None:
    account = seed_account(today=TODAY.isoformat(), subscriptions=[{"renewal_in_days": 30}])
    number = account.subscriptions[0].number
    browser = signed_in(account)
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
    seed_account: SeedAccount, signed_in: SignedIn, admin: PortalAdmin, mailbox: Mailbox
) -> None:
    account = seed_account(today=TODAY.isoformat(), subscriptions=[{"renewal_in_days": 30}])
    number = account.subscriptions[0].number
    renewal = TODAY + timedelta(days=30)

    page = renew_and_check_out(signed_in(account), [number], renew_now=True)

    assert (page.status, page.path) == (200, "/checkout/confirmation")
    (order,) = admin.orders(account.id)
    assert order_numbers(page) == [order.number] and order.subscriptions == [number]
    assert page.one_testid("renewal-date").times() == [renewal]
    assert mailbox.count() == 1
    (message,) = mailbox.search(f'to:{account.users[0].email} subject:"Order confirmation"')
    assert order.number in message.subject


@pytest.mark.parametrize("renewal_in_days", [0, -45], ids=["on the date", "45 days late"])
def test_renewing_on_or_after_the_renewal_date_needs_no_renew_now(
    seed_account: SeedAccount, signed_in: SignedIn, admin: PortalAdmin, renewal_in_days: int
) -> None:
    account = seed_account(today=TODAY.isoformat(), subscriptions=[{"renewal_in_days": renewal_in_days}])
    browser = signed_in(account)
    browser.renew(account.subscriptions[0].number)
    assert not browser.get("/checkout").doc.find_all("label", text="Renew now")

    page = browser.place_order(renew_now=False)

    assert page.path == "/checkout/confirmation" and len(admin.orders(account.id)) == 1


def test_checkout_of_an_empty_cart_is_refused_clearly(seed_account: SeedAccount, signed_in: SignedIn) -> None:
    browser = signed_in(seed_account(today=TODAY.isoformat(), subscriptions=[{}]))

    refused = browser.place_order(renew_now=True)

    assert refused.status == 400 and any("cart is empty" in a for a in refused.alerts)


# --- the anniversary never moves (R2) ---------------------------------------------------------------------------


def renew_on(
    seed_account: SeedAccount, signed_in: SignedIn, days_after_renewal: int, term: str
) -> tuple[CreatedAccount, Browser, Page, date]:
    """An account whose one subscription is renewed `days_after_renewal` days after its date D (negative: early)."""
    account = seed_account(today=TODAY.isoformat(), subscriptions=[{"renewal_in_days": -days_after_renewal, "term": term}])
    browser = signed_in(account)
    page = renew_and_check_out(browser, [account.subscriptions[0].number], renew_now=days_after_renewal < 0)
    assert page.path == "/checkout/confirmation", page.alerts
    return account, browser, page, TODAY - timedelta(days=days_after_renewal)


PAID = [pytest.param(-90, id="90 days early"), pytest.param(0, id="on the date"), pytest.param(45, id="45 days late")]


@pytest.mark.parametrize("days_after_renewal", PAID)
def test_the_confirmation_page_and_email_keep_the_renewal_date_however_early_or_late_it_is_paid(
    seed_account: SeedAccount, signed_in: SignedIn, admin: PortalAdmin, mailbox: Mailbox, days_after_renewal: int
) -> None:
    account, _, page, renewal = renew_on(seed_account, signed_in, days_after_renewal, "annual")
    number = account.subscriptions[0].number

    (order_number,) = order_numbers(page)
    row = page.row_of(number)
    assert row.one(data_testid="renewal-date").times() == [renewal]
    assert add_years(renewal, "annual") in row.times()
    line = email_line(mailbox, order_number, number)
    assert f"renewal date {renewal.isoformat()}" in line, line
    assert f"through {add_years(renewal, 'annual').isoformat()}" in line, line
    assert mailbox.count() == 1


@pytest.mark.parametrize("days_after_renewal", PAID[:2])
def test_right_after_paying_on_time_or_early_the_list_and_detail_still_show_the_renewal_date(
    seed_account: SeedAccount, signed_in: SignedIn, days_after_renewal: int
) -> None:
    account, browser, _, renewal = renew_on(seed_account, signed_in, days_after_renewal, "annual")
    number = account.subscriptions[0].number
    through = add_years(renewal, "annual")

    listing, detail = browser.get("/subscriptions"), browser.get(f"/subscriptions/{number}")

    row = listing.row_of(number)
    assert row.one(data_testid="renewal-date").times() == [renewal]
    assert row.one(data_testid="renewal-reason").text.startswith("Already renewed through")
    assert row.one(data_testid="renewal-reason").times() == [through]
    assert detail.one_testid("renewal-date").times() == [renewal]
    assert through in detail.main.times()


def test_right_after_paying_late_the_next_renewal_date_is_the_old_one_plus_the_term(
    seed_account: SeedAccount, signed_in: SignedIn
) -> None:
    """Paid 45 days late, today is already past D: the date in force is D + term, never the payment date + term."""
    account, browser, _, renewal = renew_on(seed_account, signed_in, 45, "annual")
    number = account.subscriptions[0].number

    for page in (browser.get("/subscriptions"), browser.get(f"/subscriptions/{number}")):
        where = page.row_of(number) if page.path == "/subscriptions" else page.main
        assert where.one(data_testid="renewal-date").times() == [add_years(renewal, "annual")], page.path
        assert page.renew_form(where) == [], f"{page.path} offers Renew again for a term already paid"


@pytest.mark.parametrize("term", ["annual", "three_year"])
@pytest.mark.parametrize("days_after_renewal", PAID)
def test_once_today_passes_the_old_date_the_list_shows_it_plus_the_term_and_renewal_opens_again_in_its_window(
    seed_account: SeedAccount, signed_in: SignedIn, admin: PortalAdmin, days_after_renewal: int, term: str
) -> None:
    account, browser, _, renewal = renew_on(seed_account, signed_in, days_after_renewal, term)
    number = account.subscriptions[0].number
    paid_on = TODAY
    next_date = add_years(renewal, term)

    admin.set_clock(account.id, renewal + timedelta(days=46))
    row = browser.get("/subscriptions").row_of(number)
    shown = row.one(data_testid="renewal-date").times()
    assert shown == [next_date], f"paid on {paid_on}: the next renewal date must be D + term = {next_date}, not {shown}"

    admin.set_clock(account.id, next_date - timedelta(days=91))
    before = browser.get("/subscriptions")
    assert before.renew_form(before.row_of(number)) == [], "the next window opens at D + term − 90, not before"
    admin.set_clock(account.id, next_date - timedelta(days=90))
    again = renew_and_check_out(browser, [number], renew_now=True)

    assert again.path == "/checkout/confirmation", again.alerts
    assert again.row_of(number).one(data_testid="renewal-date").times() == [next_date]
    assert add_years(next_date, term) in again.row_of(number).times()


def test_the_order_history_lists_each_order(
    seed_account: SeedAccount, signed_in: SignedIn, admin: PortalAdmin
) -> None:
    account, browser, _, _ = renew_on(seed_account, signed_in, 0, "annual")
    (order,) = admin.orders(account.id)

    history = browser.get("/orders")

    assert history.doc.find_all("td", text=order.number)



# --- 29 February: the anniversary keeps its anchor day (reference, "29 February") ------------------------------

LEAP_RENEWALS = [date(2028, 2, 29), date(2029, 2, 28), date(2030, 2, 28), date(2031, 2, 28), date(2032, 2, 29)]


@pytest.mark.parametrize(
    "paid_offsets",
    [
        pytest.param([0, 0, 0, 0], id="each on its date"),
        pytest.param([-90, 45, -1, 30], id="early, late, early, late"),
    ],
)
def test_a_29_february_anniversary_renews_through_28_february_and_is_back_on_the_29th_in_2032(
    seed_account: SeedAccount, signed_in: SignedIn, admin: PortalAdmin, paid_offsets: list[int]
) -> None:
    first = LEAP_RENEWALS[0]
    account = seed_account(today=first.isoformat(), subscriptions=[{"renewal_date": first.isoformat(), "term": "annual"}])
    number = account.subscriptions[0].number
    browser = signed_in(account)

    for renewal, through, offset in zip(LEAP_RENEWALS, LEAP_RENEWALS[1:], paid_offsets, strict=False):
        admin.set_clock(account.id, renewal + timedelta(days=offset))
        row = browser.get("/subscriptions").row_of(number)
        assert row.one(data_testid="renewal-date").times() == [renewal], f"the date in force before paying {renewal}"

        page = renew_and_check_out(browser, [number], renew_now=offset < 0)

        assert page.path == "/checkout/confirmation", page.alerts
        assert page.row_of(number).times() == [renewal, through], f"renewing {renewal} must run through {through}"
        state = admin.subscription(account.id, number)
        in_force = (renewal, through) if offset <= 0 else (through, None)  # paid late: already rolled forward
        assert (state.renewal_date, state.renewed_through) == in_force
        assert state.anchor_day == 29

    admin.set_clock(account.id, LEAP_RENEWALS[-1] - timedelta(days=90))
    row = browser.get("/subscriptions").row_of(number)
    assert row.one(data_testid="renewal-date").times() == [LEAP_RENEWALS[-1]], "back on 29 February in 2032"


def test_a_konbini_renewal_paid_later_keeps_the_anchor_day(
    seed_account: SeedAccount, signed_in: SignedIn, admin: PortalAdmin
) -> None:
    account = seed_account(
        country="JP",
        today="2031-02-01",
        subscriptions=[{"renewal_date": "2031-02-28", "anchor_day": 29, "term": "annual", "payment_method": "konbini"}],
    )
    number = account.subscriptions[0].number

    page = renew_and_check_out(signed_in(account), [number], renew_now=True)
    assert page.path == "/checkout/confirmation", page.alerts
    (order,) = admin.orders(account.id)
    admin.record_payment(order.number)

    state = admin.subscription(account.id, number)
    assert (state.renewal_date, state.renewed_through, state.anchor_day) == (date(2031, 2, 28), date(2032, 2, 29), 29)


def test_a_three_year_term_from_a_clamped_28_february_ends_on_29_february(
    seed_account: SeedAccount, signed_in: SignedIn, admin: PortalAdmin
) -> None:
    account = seed_account(
        today="2029-02-28", subscriptions=[{"renewal_date": "2029-02-28", "anchor_day": 29, "term": "three_year"}]
    )
    number = account.subscriptions[0].number

    page = renew_and_check_out(signed_in(account), [number], renew_now=False)

    assert page.path == "/checkout/confirmation", page.alerts
    assert page.row_of(number).times() == [date(2029, 2, 28), date(2032, 2, 29)]
    assert admin.subscription(account.id, number).renewed_through == date(2032, 2, 29)
