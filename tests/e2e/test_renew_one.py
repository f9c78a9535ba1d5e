"""Single renewal (R6): Renew now for an early renewal, the last day of the window, and the anniversary that never
moves (R2) — in the list, on the detail page, on the confirmation page, in the email, and once the old date passes."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from automation.clients import Mailbox, PortalAdmin
from automation.flows import RULE_DATES, RULE_EMAIL_LISTS, RULE_RENEW_NOW, FlowError, renew_one
from automation.pages import CheckoutPage, SubscriptionsPage
from automation.profile import PortalProfile
from automation.rules import is_early, term_end


@pytest.fixture
def account_spec(today: date) -> dict:
    """An annual subscription 60 days before its renewal date: an early renewal."""
    return {"subscriptions": [{"renewal_date": today + timedelta(days=60), "term": "annual"}]}


@pytest.mark.locales
def test_early_renewal_needs_renew_now_and_without_it_nothing_is_ordered(
    page: Page, base_url: str, mailbox: Mailbox, admin: PortalAdmin, make_account, storage_state: Path,
    confirmation_emails, today: date, profile: PortalProfile,
) -> None:
    renewal_date = today + timedelta(days=30)
    account = make_account(subscriptions=[{"renewal_date": renewal_date, "payment_method": "credit_card"}])
    number = account.numbers[0]

    # The flow raises RuleBroken (R6) itself if the portal orders an early renewal without Renew now.
    with pytest.raises(FlowError, match="Renew now was not allowed"):
        renew_one(page, base_url, mailbox, number, account.user, renew_now=False, storage_state=storage_state, profile=profile)

    checkout = CheckoutPage(page, profile)
    expect(checkout.alerts, "R6 an early renewal refused without Renew now says why").to_contain_text(profile.checkout.renew_now)
    assert admin.orders(account.id) == [], "R6 an early renewal without Renew now must not place an order"
    confirmation_emails(account, 0)

    checkout.tick_renew_now()
    confirmation = checkout.place_order()
    expect(confirmation.order_number_values, "R6 with Renew now ticked the renewal is ordered").to_have_count(1)
    orders = admin.orders(account.id)
    assert [o.subscriptions for o in orders] == [[number]], f"R6 one order renewing {number}, got {orders}"
    confirmation_emails(account, 1)


def test_renewal_on_the_last_day_of_the_window_needs_no_renew_now_and_keeps_the_anniversary(
    page: Page, base_url: str, mailbox: Mailbox, admin: PortalAdmin, make_account, storage_state: Path, today: date,
    profile: PortalProfile,
) -> None:
    renewal_date = today - timedelta(days=45)  # D + 45: paid late, on the last renewable day
    account = make_account(subscriptions=[{"renewal_date": renewal_date, "term": "annual"}])
    number = account.numbers[0]

    result = renew_one(
        page, base_url, mailbox, number, account.user, renew_now=False, storage_state=storage_state, profile=profile,
    )

    renewed = result.subscription(number)
    assert renewed.date_after == renewal_date, f"{RULE_DATES}: confirmation shows {renewed.date_after}, not {renewal_date}"
    assert renewed.renewed_through == term_end(renewal_date, "annual"), (
        f"{RULE_DATES}: a late renewal runs from the old date {renewal_date} for one term, "
        f"not from the payment date; it runs through {renewed.renewed_through}"
    )
    assert renewed.listed_after == term_end(renewal_date, "annual"), (
        f"{RULE_DATES}: today ({today}) is past {renewal_date}, so the next renewal date is one term after it, "
        f"but the list shows {renewed.listed_after}"
    )
    assert [o.status for o in admin.orders(account.id)] == ["complete"]


@pytest.mark.parametrize("days_before", [1, 0], ids=["the day before", "on the renewal date"])
def test_only_a_renewal_paid_before_its_date_is_early_and_asks_for_renew_now(
    make_account, sign_in_as, today: date, days_before: int,
) -> None:
    renewal_date = today + timedelta(days=days_before)
    account = make_account(subscriptions=[{"renewal_date": renewal_date, "term": "annual"}])

    checkout = sign_in_as(account).go_to(SubscriptionsPage).renew(account.numbers[0]).check_out()

    early = is_early(renewal_date, today)
    assert checkout.needs_renew_now() == early, (
        f"{RULE_RENEW_NOW}: paid {days_before} day(s) before {renewal_date} is {'early' if early else 'not early'}, "
        f"so the checkout should {'' if early else 'not '}offer Renew now"
    )


def test_renewal_date_is_unchanged_in_the_list_detail_confirmation_and_email(
    subscriptions_page: SubscriptionsPage, account, confirmation_emails, today: date, profile: PortalProfile,
) -> None:
    number = account.numbers[0]
    renewal_date = account.subscriptions[0].renewal_date
    shown = renewal_date.isoformat()

    def list_date():  # type: ignore[no-untyped-def]
        return subscriptions_page.row(number).get_by_test_id("renewal-date").get_by_role("time")

    expect(list_date()).to_have_attribute("datetime", shown)
    checkout = subscriptions_page.renew(number).check_out()
    checkout.tick_renew_now()
    confirmation = checkout.place_order()

    confirmed = confirmation.main.get_by_test_id("renewal-date").get_by_role("time")
    expect(confirmed, f"{RULE_DATES}: the confirmation page shows the renewal date").to_have_attribute("datetime", shown)
    [email] = confirmation_emails(account, 1)
    listed = [line for line in email.text.splitlines() if number in line]
    assert any(profile.emails.renewal_date.format(date=shown) in line for line in listed), (
        f"{RULE_EMAIL_LISTS}: {email.subject!r} should list {number} with renewal date {shown}; its lines: {listed}"
    )

    subscriptions = confirmation.go_to(SubscriptionsPage)
    expect(
        subscriptions.row(number).get_by_test_id("renewal-date").get_by_role("time"),
        f"{RULE_DATES}: after paying early the list still shows the old renewal date",
    ).to_have_attribute("datetime", shown)
    detail = subscriptions.open(number)
    expect(
        detail.renewal_date_value.get_by_role("time"), f"{RULE_DATES}: the detail page shows the unchanged renewal date"
    ).to_have_attribute("datetime", shown)


@pytest.mark.parametrize(
    ("term", "days_before"),
    [
        pytest.param("annual", 60, id="annual paid 60 days early"),
        pytest.param("three_year", 90, id="three-year paid 90 days early"),
        pytest.param("annual", -30, id="annual paid 30 days late"),
    ],
)
def test_once_the_old_date_passes_the_next_renewal_date_is_the_old_date_plus_one_term(
    page: Page, base_url: str, mailbox: Mailbox, admin: PortalAdmin, make_account, storage_state: Path, today: date,
    term: str, days_before: int, profile: PortalProfile,
) -> None:
    renewal_date = today + timedelta(days=days_before)
    account = make_account(subscriptions=[{"renewal_date": renewal_date, "term": term}])
    number = account.numbers[0]
    renew_one(page, base_url, mailbox, number, account.user, storage_state=storage_state, profile=profile)

    later = max(today, renewal_date) + timedelta(days=1)
    admin.set_clock(account.id, later)
    subscriptions = SubscriptionsPage.visit(page, base_url, profile)
    expected = term_end(renewal_date, term).isoformat()
    expect(
        subscriptions.row(number).get_by_test_id("renewal-date").get_by_role("time"),
        f"{RULE_DATES}: on {later}, after {renewal_date} passed, the next renewal date is {expected} "
        f"(old date + {term}), never the payment date ({today}) + term",
    ).to_have_attribute("datetime", expected)
    detail = subscriptions.open(number)
    expect(
        detail.renewal_date_value.get_by_role("time"), f"{RULE_DATES}: the detail page agrees with the list"
    ).to_have_attribute("datetime", expected)
