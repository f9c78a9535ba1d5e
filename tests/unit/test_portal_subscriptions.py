"""Billing and orders › Subscriptions and contracts: the list, the detail page, the window (R1) and the reasons shown."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from portal_browser import Browser, Element, Page, SeedAccount, SignedInBrowser

from mock_portal.rules.terms import add_term

TODAY = date(2027, 1, 1)


def cells(page: Page, number: str) -> dict[str, Element]:
    """A subscription's row on the list, cell by column heading."""
    row = page.row_of(number)
    table = row.ancestor("table")
    assert table is not None
    headings = [th.text for th in table.one("thead").find_all("th")]
    return dict(zip(headings, row.find_all("td"), strict=True))


def one_subscription(seed_account: SeedAccount, signed_in_browser: SignedInBrowser, **spec: Any) -> tuple[Browser, str]:
    account = seed_account(today=TODAY.isoformat(), subscriptions=[spec])
    return signed_in_browser(account), account.subscriptions[0].number


def test_billing_and_orders_navigation_leads_to_subscriptions_and_contracts(
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser
) -> None:
    browser = signed_in_browser(seed_account(today=TODAY.isoformat()))
    home = browser.get("/")

    navs = home.doc.find_all("nav", aria_labelledby=True)
    (nav,) = [n for n in navs if home.doc.one(id=n.attrs["aria-labelledby"]).text == "Billing and orders"]
    link = nav.one("a", text="Subscriptions and contracts")
    page = browser.get(link.attrs["href"])

    assert page.status == 200
    assert page.heading == "Subscriptions and contracts"


def test_a_row_shows_product_number_csn_term_seats_payment_method_renewal_date_and_status(
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser
) -> None:
    account = seed_account(
        today=TODAY.isoformat(),
        subscriptions=[{"product": "RVT", "term": "three_year", "seats": 7, "payment_method": "paypal", "renewal_in_days": 30}],
    )
    sub = account.subscriptions[0]

    row = cells(signed_in_browser(account).get("/subscriptions"), sub.number)

    assert row["Product"].text == "Revit"
    assert row["Subscription number"].text == sub.number
    assert row["CSN"].text == sub.csn
    assert row["Term"].text == "3-year"
    assert row["Seats"].text == "7"
    assert row["Payment method"].text == "PayPal"
    assert row["Renewal date"].get("data-testid") == "renewal-date"
    assert row["Renewal date"].times() == [TODAY + timedelta(days=30)]
    assert row["Status"].text == "Active"


def test_selecting_the_product_opens_its_detail_page_with_the_same_renew(
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser
) -> None:
    browser, number = one_subscription(seed_account, signed_in_browser, product="MAYA", renewal_in_days=10)
    listing = browser.get("/subscriptions")
    link = cells(listing, number)["Product"].one("a", text="Maya")

    detail = browser.get(link.attrs["href"])

    assert detail.heading == "Maya"
    assert detail.one_testid("renewal-date").times() == [TODAY + timedelta(days=10)]
    (form,) = detail.renew_form()
    assert form.one("input", name="subscription").attrs["value"] == number
    cart = browser.renew(number)
    assert cart.path == "/cart" and cart.doc.find_all("td", text=number)


def test_the_reminder_link_opens_the_subscription_ready_to_renew(
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser
) -> None:
    browser, number = one_subscription(seed_account, signed_in_browser, renewal_in_days=30)

    page = browser.get(f"/subscriptions/{number}/renew")

    assert page.status == 200 and len(page.renew_form()) == 1


@pytest.mark.parametrize(
    ("renewal_in_days", "renewable", "reason", "reason_date"),
    [
        pytest.param(91, False, "Renewal opens on", -90, id="D-91 not yet"),
        pytest.param(90, True, None, None, id="D-90 opens"),
        pytest.param(-45, True, None, None, id="D+45 still open"),
        pytest.param(-46, False, "Renewal closed on", 45, id="D+46 closed"),
    ],
)
def test_renewal_is_offered_from_90_days_before_to_45_days_after_the_renewal_date(
    seed_account: SeedAccount,
    signed_in_browser: SignedInBrowser,
    renewal_in_days: int,
    renewable: bool,
    reason: str | None,
    reason_date: int | None,
) -> None:
    browser, number = one_subscription(seed_account, signed_in_browser, renewal_in_days=renewal_in_days)
    renewal = TODAY + timedelta(days=renewal_in_days)

    for page in (browser.get("/subscriptions"), browser.get(f"/subscriptions/{number}")):
        where = page.row_of(number) if page.path == "/subscriptions" else page.main
        assert len(page.renew_form(where)) == (1 if renewable else 0), f"{page.path}: Renew offered={not renewable}"
        if reason is not None and reason_date is not None:
            shown = where.one(data_testid="renewal-reason")
            assert shown.text.startswith(reason), f"{page.path}: {shown.text!r}"
            assert shown.times() == [renewal + timedelta(days=reason_date)]


@pytest.mark.parametrize(
    ("spec", "reason", "reason_date"),
    [
        pytest.param({"term": "monthly", "auto_renew": True}, "Renews automatically", None, id="monthly"),
        pytest.param({"status": "cancelled"}, "Cancelled", None, id="cancelled"),
        pytest.param({"product": "ACDLT"}, "No longer sold", None, id="no longer sold"),
        pytest.param({"renewed": True, "term": "annual"}, "Already renewed through", "annual", id="already renewed"),
    ],
)
def test_an_ineligible_subscription_has_no_renew_and_says_why(
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser, spec: dict[str, Any], reason: str, reason_date: str | None
) -> None:
    browser, number = one_subscription(seed_account, signed_in_browser, renewal_in_days=30, **spec)
    renewal = TODAY + timedelta(days=30)

    for page in (browser.get("/subscriptions"), browser.get(f"/subscriptions/{number}")):
        where = page.row_of(number) if page.path == "/subscriptions" else page.main
        assert page.renew_form(where) == [], f"{page.path} offers Renew on a subscription that is {reason!r}"
        shown = where.one(data_testid="renewal-reason")
        assert shown.text.startswith(reason), f"{page.path}: {shown.text!r}"
        assert shown.times() == ([add_term(renewal, reason_date)] if reason_date else [])


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param({"renewal_in_days": 91}, id="D-91"),
        pytest.param({"renewal_in_days": -46}, id="D+46"),
        pytest.param({"term": "monthly"}, id="monthly"),
        pytest.param({"status": "cancelled"}, id="cancelled"),
        pytest.param({"product": "ACDLT"}, id="no longer sold"),
        pytest.param({"renewed": True}, id="already renewed"),
    ],
)
def test_the_server_refuses_to_put_an_ineligible_subscription_in_the_cart(
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser, spec: dict[str, Any]
) -> None:
    browser, number = one_subscription(seed_account, signed_in_browser, **spec)

    refused = browser.post_form("/cart", {"subscription": number})

    assert refused.status == 409
    assert number in " ".join(refused.alerts) and "can't be renewed" in " ".join(refused.alerts)
    assert browser.get("/cart").doc.find_all("td", text=number) == []


def test_every_date_on_the_list_is_a_machine_readable_time(seed_account: SeedAccount, signed_in_browser: SignedInBrowser) -> None:
    browser, number = one_subscription(seed_account, signed_in_browser, renewal_in_days=200)

    page = browser.get("/subscriptions")

    assert TODAY in page.main.times()
    assert cells(page, number)["Renewal"].times() == [TODAY + timedelta(days=110)]  # Renewal opens on D − 90
    for time in page.doc.find_all("time"):
        assert date.fromisoformat(time.attrs["datetime"]).isoformat() == time.attrs["datetime"]
