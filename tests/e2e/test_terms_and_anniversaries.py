"""The anniversary never moves (R2, R6, R8 and the reference's 29 February decision): a renewed term runs from the
unchanged renewal date D to D + term — three years for a three-year term, from D even when paid 30 days late, never
from the payment date — and an anniversary keeps its anchor day, so a 29 February one renewed on its clamped
28 February comes back to 29 February in a leap year.

Checked where each shows: the confirmation page, the confirmation email, the list, the subscription's page and the
test API, before and after the account's clock passes D. Expected dates come from the harness's oracle
(`automation.rules`), never from the portal."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from automation.clients import AccountData, Mailbox, Message, PortalAdmin
from automation.flows import renew_one
from automation.pages import ConfirmedLine, SubscriptionsPage
from automation.profile import PortalProfile
from automation.rules import Reason, date_in_force, term_end

RULE_TERM = "R2/R6 a renewed term runs from the unchanged renewal date D to D + term, never from the payment date"
RULE_ANCHOR = "29 February: the anniversary keeps its anchor day, clamped to each month's length"


def renew_on_pages(page: Page, base_url: str, profile: PortalProfile, number: str) -> tuple[str, ConfirmedLine]:
    """Renew from the list through the cart and checkout (Renew now when early); the order and its line."""
    checkout = SubscriptionsPage.visit(page, base_url, profile).renew(number).check_out()
    if checkout.needs_renew_now():
        checkout.tick_renew_now()
    [order] = checkout.place_order().orders()
    [line] = order.lines
    return order.number, line


def email_date(profile: PortalProfile, day: date) -> str:
    """A date as the portal's emails write it."""
    return day.isoformat() if profile.emails.dates == "iso" else profile.format_date(day)


def email_line(profile: PortalProfile, emails: list[Message], order: str, number: str) -> str:
    """The line of order `order`'s confirmation email that lists subscription `number`."""
    [email] = [e for e in emails if e.subject == profile.confirmation_subject(order)]
    lines = [line for line in email.text.splitlines() if number in line]
    assert len(lines) == 1, f"R8 the email {email.subject!r} should list {number} once:\n{email.text}"
    return lines[0]


def check_shown(
    page: Page, base_url: str, admin: PortalAdmin, profile: PortalProfile, account: AccountData, number: str,
    renewal_date: date, through: date, today: date, rule: str,
) -> None:
    """The list, the subscription's page and the test API show the anniversary in force on `today`: D marked as renewed
    through D + term until D passes, then D + term."""
    in_force = date_in_force(renewal_date, through, today)
    subscriptions = SubscriptionsPage.visit(page, base_url, profile)
    row = subscriptions.row(number)
    expect(
        row.get_by_test_id("renewal-date").get_by_role("time"),
        f"{rule}: on {today} the list shows renewal date {in_force} (D = {renewal_date}, renewed through {through})",
    ).to_have_attribute("datetime", in_force.isoformat())
    if in_force == renewal_date:
        reason = profile.reason_text(Reason.ALREADY_RENEWED, through)
        expect(row.get_by_test_id("renewal-reason"), f"{rule}: the list marks it renewed through {through}").to_have_text(
            reason
        )
    detail = subscriptions.open(number)
    expect(
        detail.renewal_date_value.get_by_role("time"), f"{rule}: on {today} its page shows renewal date {in_force}"
    ).to_have_attribute("datetime", in_force.isoformat())
    if in_force == renewal_date:
        expect(detail.reason_text, f"{rule}: its page marks it renewed through {through}").to_have_text(reason)

    [state] = [s for s in admin.subscriptions(account.id) if s.number == number]
    expected = (in_force, through if in_force == renewal_date else None)
    assert (state.renewal_date, state.renewed_through) == expected, (
        f"{rule}: on {today} the test API has renewal date {state.renewal_date} renewed through "
        f"{state.renewed_through}; expected {expected[0]} renewed through {expected[1]}"
    )


@pytest.mark.parametrize(
    ("term", "days_late"),
    [
        pytest.param("three_year", -90, id="three-year paid 90 days early"),
        pytest.param("three_year", 0, id="three-year paid on its renewal date"),
        pytest.param("three_year", 30, id="three-year paid 30 days late"),
        pytest.param("three_year", 45, id="three-year paid on the last day, 45 days late"),
        pytest.param("annual", 30, id="annual paid 30 days late"),
    ],
)
def test_a_renewed_term_runs_from_the_unchanged_date_however_early_or_late_it_is_paid(
    page: Page, base_url: str, mailbox: Mailbox, admin: PortalAdmin, make_account, storage_state: Path,
    confirmation_emails, profile: PortalProfile, today: date, term: str, days_late: int,
) -> None:
    renewal_date = today - timedelta(days=days_late)
    account = make_account(subscriptions=[{"renewal_date": renewal_date, "term": term}])
    number = account.numbers[0]
    through = term_end(renewal_date, term)
    paid_on_plus_term = term_end(today, term)

    result = renew_one(page, base_url, mailbox, number, account.user, storage_state=storage_state, profile=profile)

    renewed = result.subscription(number)
    assert renewed.date_after == renewal_date, f"{RULE_TERM}: the confirmation shows D = {renewed.date_after}"
    assert renewed.renewed_through == through, (
        f"{RULE_TERM}: the {term} term from D = {renewal_date} paid on {today} runs through {through}"
        + (f", not {paid_on_plus_term} (payment date + term)" if days_late else "")
        + f"; the confirmation page says {renewed.renewed_through}"
    )
    [email] = confirmation_emails(account, 1)
    line = email_line(profile, [email], result.orders[0], number)
    assert email_date(profile, renewal_date) in line and email_date(profile, through) in line, (
        f"{RULE_TERM}: the email should list {number} with renewal date {renewal_date} renewed through {through}: {line!r}"
    )
    check_shown(page, base_url, admin, profile, account, number, renewal_date, through, today, RULE_TERM)

    later = max(today, renewal_date) + timedelta(days=1)
    admin.set_clock(account.id, later)
    check_shown(page, base_url, admin, profile, account, number, renewal_date, through, later, RULE_TERM)


@pytest.mark.parametrize(
    ("term", "anchor_day"),
    [
        pytest.param("annual", 29, id="annual, anchored on the 29th"),
        pytest.param("three_year", 29, id="three-year, anchored on the 29th"),
        pytest.param("annual", None, id="annual, anchored on the 28th (stays there)"),
    ],
)
def test_a_29_february_anniversary_renewed_on_its_clamped_date_comes_back_to_the_29th(
    page: Page, base_url: str, admin: PortalAdmin, make_account, sign_in_as, confirmation_emails, profile: PortalProfile,
    today: date, term: str, anchor_day: int | None,
) -> None:
    renewal_date = date(2030, 2, 28)  # the 29th clamped to a common year's February: one day before today
    spec = {"renewal_date": renewal_date, "term": term} | ({"anchor_day": anchor_day} if anchor_day else {})
    account = make_account(subscriptions=[spec])
    number = account.numbers[0]
    kept = anchor_day or renewal_date.day
    assert account.subscriptions[0].anchor_day == kept, (
        f"{RULE_ANCHOR}: the test API created {number} with anchor day {account.subscriptions[0].anchor_day}, not {kept}"
    )
    sign_in_as(account)

    # First term: from the clamped 28 February, one term on, on the anchor day clamped again.
    first = term_end(renewal_date, term, anchor_day)
    order, line = renew_on_pages(page, base_url, profile, number)
    assert (line.renewal_date, line.renewed_through) == (renewal_date, first), (
        f"{RULE_ANCHOR}: renewing {renewal_date} (anchor day {kept}) for the {term} term runs through {first}; the "
        f"confirmation shows {line.renewal_date} through {line.renewed_through}"
    )
    assert email_date(profile, first) in email_line(profile, confirmation_emails(account, 1), order, number), (
        f"{RULE_ANCHOR}: the email says renewed through {first}"
    )
    check_shown(page, base_url, admin, profile, account, number, renewal_date, first, today, RULE_ANCHOR)

    # Second term, paid early once the first has begun: back on the anchor day where the month has it.
    before_first_ends = first - timedelta(days=30)
    admin.set_clock(account.id, before_first_ends)
    second = term_end(first, term, anchor_day)
    order, line = renew_on_pages(page, base_url, profile, number)
    assert (line.renewal_date, line.renewed_through) == (first, second), (
        f"{RULE_ANCHOR}: renewing {first} (anchor day {kept}) for the {term} term runs through {second}, never drifting "
        f"to the 28th for good; the confirmation shows {line.renewal_date} through {line.renewed_through}"
    )
    assert email_date(profile, second) in email_line(profile, confirmation_emails(account, 2), order, number), (
        f"{RULE_ANCHOR}: the second email says renewed through {second}"
    )
    check_shown(page, base_url, admin, profile, account, number, first, second, before_first_ends, RULE_ANCHOR)

    after_first_ends = first + timedelta(days=1)
    admin.set_clock(account.id, after_first_ends)
    check_shown(page, base_url, admin, profile, account, number, first, second, after_first_ends, RULE_ANCHOR)
    [state] = admin.subscriptions(account.id)
    assert state.anchor_day == kept, f"{RULE_ANCHOR}: after two renewals the anchor day is {state.anchor_day}"
