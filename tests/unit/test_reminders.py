"""Renewal reminders (R3, R5): one per subscription per term inside the window, over real SMTP into the catcher."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from automation.clients import Mailbox
from mock_portal.db import new_session
from mock_portal.models import Account, User
from mock_portal.services.cart import add_to_cart
from mock_portal.services.orders import place_orders
from mock_portal.services.reminders import send_reminders
from mock_portal.services.subscriptions import owned_subscriptions
from mock_portal.testing.answers import CreatedAccount

TODAY = "2027-01-01"
RunJob = Callable[[], int]
SeedAccount = Callable[..., CreatedAccount]


@pytest.fixture
def run_job(app: Flask, db: Session, public_url: str) -> RunJob:
    """Run the reminder job once, as the CLI and the test API do."""

    def run() -> int:
        with app.app_context():
            return send_reminders(db, public_url)

    return run


def set_clock(db: Session, account: CreatedAccount, today: str) -> None:
    row = db.get(Account, account.id)
    assert row is not None
    row.today = date.fromisoformat(today)
    db.commit()


def test_each_eligible_subscription_gets_one_reminder_with_its_number_and_renewal_link(
    seed_account: SeedAccount, run_job: RunJob, mailbox: Mailbox, public_url: str
) -> None:
    account = seed_account(today=TODAY, subscriptions=[{"renewal_in_days": 30}, {"renewal_in_days": 90}, {}])
    to = account.users[0].email

    assert run_job() == 3

    for sub in account.subscriptions:
        (message,) = mailbox.search(f'to:{to} subject:"{sub.number}"')
        assert "Renewal reminder" in message.subject
        assert f"{public_url}/subscriptions/{sub.number}/renew" in mailbox.get(message.id).text


def test_reminders_go_to_the_accounts_first_user(seed_account: SeedAccount, run_job: RunJob, mailbox: Mailbox) -> None:
    account = seed_account(today=TODAY, users=[{}, {}], subscriptions=[{}])

    run_job()

    assert len(mailbox.search(f"to:{account.users[0].email}")) == 1
    assert mailbox.search(f"to:{account.users[1].email}") == []


@pytest.mark.parametrize("method", ["konbini", "atm_bank_transfer"])
def test_a_manual_only_payment_method_gets_the_instructions(
    seed_account: SeedAccount, run_job: RunJob, mailbox: Mailbox, method: str
) -> None:
    account = seed_account(country="JP", today=TODAY, subscriptions=[{"payment_method": method}])

    run_job()

    (message,) = mailbox.search(f"to:{account.users[0].email}")
    assert "cannot renew automatically" in mailbox.get(message.id).text


def test_running_the_job_twice_sends_nothing_twice(seed_account: SeedAccount, run_job: RunJob, mailbox: Mailbox) -> None:
    seed_account(today=TODAY, subscriptions=[{}, {}])
    assert run_job() == 2

    assert run_job() == 0
    assert mailbox.count() == 2


def test_concurrent_runs_send_each_reminder_once(
    app: Flask, seed_account: SeedAccount, mailbox: Mailbox, public_url: str
) -> None:
    seed_account(today=TODAY, subscriptions=[{} for _ in range(50)])
    counts: list[int] = []

    def run() -> None:
        session = new_session(app)
        try:
            with app.app_context():
                counts.append(send_reminders(session, public_url))
        finally:
            session.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(counts) == 50 and mailbox.count() == 50


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param({"renewal_in_days": 91}, id="window not open (D-91)"),
        pytest.param({"renewal_in_days": -46}, id="window closed (D+46)"),
        pytest.param({"term": "monthly"}, id="monthly renews automatically"),
        pytest.param({"status": "cancelled"}, id="cancelled"),
        pytest.param({"product": "ACDLT"}, id="no longer sold"),
        pytest.param({"renewed": True}, id="already renewed"),
    ],
)
def test_no_reminder_for_a_subscription_that_cannot_be_renewed(
    seed_account: SeedAccount, run_job: RunJob, mailbox: Mailbox, spec: dict[str, object]
) -> None:
    seed_account(today=TODAY, subscriptions=[spec])

    assert run_job() == 0
    assert mailbox.count() == 0


def test_the_next_term_gets_its_own_reminder_once_its_window_opens(
    app: Flask, db: Session, seed_account: SeedAccount, run_job: RunJob, mailbox: Mailbox
) -> None:
    account = seed_account(today=TODAY, subscriptions=[{"renewal_date": "2027-01-31", "term": "annual"}])
    number = account.subscriptions[0].number
    assert run_job() == 1
    row = db.get(Account, account.id)
    user = db.query(User).filter_by(account_id=account.id).one()
    assert row is not None
    with app.app_context():
        add_to_cart(db, account.id, owned_subscriptions(db, account.id, [number]))
        place_orders(db, row, user, renew_now=True)

    set_clock(db, account, "2027-11-01")  # D+1y − 91: the next window is not open yet
    assert run_job() == 0
    set_clock(db, account, "2027-11-02")  # D+1y − 90
    assert run_job() == 1

    reminders = mailbox.search(f'subject:"Renewal reminder" subject:"{number}"')
    assert sorted(m.subject.rsplit(" ", 1)[-1] for m in reminders) == ["2027-01-31", "2028-01-31"]
