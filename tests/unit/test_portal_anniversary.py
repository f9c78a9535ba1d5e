"""The anniversary never moves (R2): however early or late a renewal is paid, the confirmation, its email, the list,
the detail page and the order history keep the renewal date, and the next one is the old date plus the term; a
29 February anniversary keeps its anchor day (reference, "29 February") — through the pages, emails read back from
the catcher."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from portal_browser import Browser, Page, SeedAccount, SignedInBrowser, order_numbers
from portal_renewing import TODAY, renew_and_check_out

from automation.clients import Mailbox, PortalAdmin
from mock_portal.testing.answers import CreatedAccount


def add_years(day: date, term: str) -> date:
    """D + term, as the reference means it (the same day of the month, Feb 29 → Feb 28)."""
    years = {"annual": 1, "three_year": 3}[term]
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def email_line(mail: Mailbox, order_number: str, subscription: str) -> str:
    """The line of an order's one confirmation email that names a subscription."""
    (message,) = mail.search(f'subject:"{order_number}"')
    return next(line for line in mail.get(message.id).text.splitlines() if subscription in line)


# --- the anniversary never moves (R2) ---------------------------------------------------------------------------


def renew_on(
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser, days_after_renewal: int, term: str
) -> tuple[CreatedAccount, Browser, Page, date]:
    """An account whose one subscription is renewed `days_after_renewal` days after its date D (negative: early)."""
    account = seed_account(today=TODAY.isoformat(), subscriptions=[{"renewal_in_days": -days_after_renewal, "term": term}])
    browser = signed_in_browser(account)
    page = renew_and_check_out(browser, [account.subscriptions[0].number], renew_now=days_after_renewal < 0)
    assert page.path == "/checkout/confirmation", page.alerts
    return account, browser, page, TODAY - timedelta(days=days_after_renewal)


PAID = [pytest.param(-90, id="90 days early"), pytest.param(0, id="on the date"), pytest.param(45, id="45 days late")]


@pytest.mark.parametrize("days_after_renewal", PAID)
def test_the_confirmation_page_and_email_keep_the_renewal_date_however_early_or_late_it_is_paid(
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser, admin: PortalAdmin, mailbox: Mailbox, days_after_renewal: int
) -> None:
    account, _, page, renewal = renew_on(seed_account, signed_in_browser, days_after_renewal, "annual")
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
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser, days_after_renewal: int
) -> None:
    account, browser, _, renewal = renew_on(seed_account, signed_in_browser, days_after_renewal, "annual")
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
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser
) -> None:
    """Paid 45 days late, today is already past D: the date in force is D + term, never the payment date + term."""
    account, browser, _, renewal = renew_on(seed_account, signed_in_browser, 45, "annual")
    number = account.subscriptions[0].number

    for page in (browser.get("/subscriptions"), browser.get(f"/subscriptions/{number}")):
        where = page.row_of(number) if page.path == "/subscriptions" else page.main
        assert where.one(data_testid="renewal-date").times() == [add_years(renewal, "annual")], page.path
        assert page.renew_form(where) == [], f"{page.path} offers Renew again for a term already paid"


@pytest.mark.parametrize("term", ["annual", "three_year"])
@pytest.mark.parametrize("days_after_renewal", PAID)
def test_once_today_passes_the_old_date_the_list_shows_it_plus_the_term_and_renewal_opens_again_in_its_window(
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser, admin: PortalAdmin, days_after_renewal: int, term: str
) -> None:
    account, browser, _, renewal = renew_on(seed_account, signed_in_browser, days_after_renewal, term)
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
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser, admin: PortalAdmin
) -> None:
    account, browser, _, _ = renew_on(seed_account, signed_in_browser, 0, "annual")
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
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser, admin: PortalAdmin, paid_offsets: list[int]
) -> None:
    first = LEAP_RENEWALS[0]
    account = seed_account(today=first.isoformat(), subscriptions=[{"renewal_date": first.isoformat(), "term": "annual"}])
    number = account.subscriptions[0].number
    browser = signed_in_browser(account)

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
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser, admin: PortalAdmin
) -> None:
    account = seed_account(
        country="JP",
        today="2031-02-01",
        subscriptions=[{"renewal_date": "2031-02-28", "anchor_day": 29, "term": "annual", "payment_method": "konbini"}],
    )
    number = account.subscriptions[0].number

    page = renew_and_check_out(signed_in_browser(account), [number], renew_now=True)
    assert page.path == "/checkout/confirmation", page.alerts
    (order,) = admin.orders(account.id)
    admin.record_payment(order.number)

    state = admin.subscription(account.id, number)
    assert (state.renewal_date, state.renewed_through, state.anchor_day) == (date(2031, 2, 28), date(2032, 2, 29), 29)


def test_a_three_year_term_from_a_clamped_28_february_ends_on_29_february(
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser, admin: PortalAdmin
) -> None:
    account = seed_account(
        today="2029-02-28", subscriptions=[{"renewal_date": "2029-02-28", "anchor_day": 29, "term": "three_year"}]
    )
    number = account.subscriptions[0].number

    page = renew_and_check_out(signed_in_browser(account), [number], renew_now=False)

    assert page.path == "/checkout/confirmation", page.alerts
    assert page.row_of(number).times() == [date(2029, 2, 28), date(2032, 2, 29)]
    assert admin.subscription(account.id, number).renewed_through == date(2032, 2, 29)
