"""Renewal reminders over time (R3, R5): the reminder job, run again and again while the account's clock crosses a
renewal window and the next term, sends exactly one "Renewal reminder" per subscription per term, and its link
lands on that subscription's renewal.

Which reading of R3 ("an email is sent before the renewal date") this checks: the portal reminds a subscription once
its renewal window opens — on D − 90, the first day Renew is offered (R1) — so the reminder arrives before the
renewal date, and never earlier than the day it can be acted on. Nothing is sent on D − 91; nothing again for the same
term on any later run (before D, on D, or late in the window); once renewed and past the old date, the next term
(D + term, from the oracle) is reminded once its own window opens."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from automation.clients import AccountData, Mailbox, Message, PortalAdmin
from automation.flows import renew_one
from automation.pages import SubscriptionDetailPage
from automation.profile import PortalProfile
from automation.rules import renewal_window, term_end

RULE_ONCE = "R3 one renewal reminder per subscription per term, once its window opens (D - 90), before the renewal date"
RULE_LINK = "R5 the reminder's link opens that subscription's renewal"


def reminders(mailbox: Mailbox, profile: PortalProfile, account: AccountData, count: int) -> list[Message]:
    """Exactly `count` reminders to the account's user (none more arrive in the settle time), oldest first."""
    query = f'to:{account.user.email} subject:"{profile.reminder_subject_prefix()}"'
    found = mailbox.wait_for(query, count, timeout=10, settle=0.5)
    return [mailbox.get(summary.id) for summary in reversed(found)]


def run_on(admin: PortalAdmin, account: AccountData, day: date, times: int = 2) -> None:
    """Move the account's clock to `day` and run the reminder job `times` times (a re-run must send nothing)."""
    admin.set_clock(account.id, day)
    for _ in range(times):
        admin.run_reminders()


def subjects(messages: list[Message]) -> list[str]:
    """The subjects, sorted: what a failure shows and the checks compare."""
    return sorted(m.subject for m in messages)


def test_one_reminder_per_subscription_per_term_however_often_the_job_runs(
    page: Page, base_url: str, admin: PortalAdmin, mailbox: Mailbox, make_account, storage_state: Path,
    profile: PortalProfile, today: date,
) -> None:
    renewal_date = today + timedelta(days=120)
    account = make_account(
        subscriptions=[{"renewal_date": renewal_date, "term": "annual"}, {"renewal_date": renewal_date, "term": "annual"}]
    )
    renewed, left = account.numbers  # `renewed` is renewed during its window; `left` never is
    opens, closes = renewal_window(renewal_date)
    first_term = {profile.reminder_subject(n, renewal_date) for n in (renewed, left)}

    run_on(admin, account, opens - timedelta(days=1))
    assert reminders(mailbox, profile, account, 0) == [], f"{RULE_ONCE}: nothing is due on D - 91 ({opens - timedelta(1)})"

    run_on(admin, account, opens)
    sent = reminders(mailbox, profile, account, 2)
    assert set(subjects(sent)) == first_term, (
        f"{RULE_ONCE}: on D - 90 ({opens}) each subscription gets one reminder naming its renewal date; got {subjects(sent)}"
    )

    for day in (opens + timedelta(days=30), renewal_date - timedelta(days=1)):
        run_on(admin, account, day)
        again = reminders(mailbox, profile, account, 2)
        assert subjects(again) == subjects(sent), f"{RULE_ONCE}: on {day} the job sent again: {subjects(again)}"

    admin.set_clock(account.id, renewal_date - timedelta(days=30))
    renew_one(page, base_url, mailbox, renewed, account.user, storage_state=storage_state, profile=profile)
    for day in (renewal_date, renewal_date + timedelta(days=1), closes, closes + timedelta(days=1)):
        run_on(admin, account, day)
        again = reminders(mailbox, profile, account, 2)
        assert subjects(again) == subjects(sent), (
            f"{RULE_ONCE}: on {day} (D = {renewal_date}; {renewed} renewed, {left} not) nothing more is due: {subjects(again)}"
        )

    next_date = term_end(renewal_date, "annual")
    next_opens, _ = renewal_window(next_date)
    run_on(admin, account, next_opens - timedelta(days=1))
    reminders(mailbox, profile, account, 2)
    run_on(admin, account, next_opens)
    before = {m.id for m in sent}
    sent = reminders(mailbox, profile, account, 3)
    [new] = [m for m in sent if m.id not in before]
    assert new.subject == profile.reminder_subject(renewed, next_date), (
        f"{RULE_ONCE}: once renewed and past {renewal_date}, {renewed} is reminded of its next renewal date {next_date} "
        f"on {next_opens} (D + term - 90), and {left} (closed) is not; the reminders: {subjects(sent)}"
    )
    run_on(admin, account, next_date)
    again = reminders(mailbox, profile, account, 3)
    assert subjects(again) == subjects(sent), f"{RULE_ONCE}: the next term's reminder came twice: {subjects(again)}"

    link = re.search(rf"https?://\S+/subscriptions/{renewed}/renew\b", new.text)
    assert link is not None, f"{RULE_LINK}: no link to {renewed}'s renewal in {new.subject!r}:\n{new.text}"
    page.goto(link[0])  # the page is signed in (renew_one signed it in)
    detail = SubscriptionDetailPage(page, profile)
    expect(detail.heading, f"{RULE_LINK}: the link opens a subscription's page").to_be_visible()
    assert detail.number() == renewed, f"{RULE_LINK}: the link of {renewed}'s reminder opened {detail.number()}"
    expect(
        detail.renewal_date_value.get_by_role("time"), f"{RULE_LINK}: the page shows the renewal date reminded of"
    ).to_have_attribute("datetime", next_date.isoformat())
    expect(detail.renew_button, f"{RULE_LINK}: the page offers Renew").to_be_visible()
