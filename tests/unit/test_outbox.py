"""The outbox: an order is placed even when SMTP is down, and its email goes out exactly once when SMTP is back,
retried with a backoff that grows and is capped — over real SMTP into the catcher, on a controlled clock."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from flask import Flask
from portal_browser import SeedAccount, SignedInBrowser, order_numbers
from sqlalchemy import select
from sqlalchemy.orm import Session
from stand_ins import OutboxClock, closed_port

from automation.clients import Mailbox
from mock_portal import outbox
from mock_portal.emails import Email
from mock_portal.mailcatcher import MailCatcher
from mock_portal.models import OutboxEmail

TODAY = "2027-01-01"


@pytest.fixture
def smtp_down(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the portal at a port where no SMTP server listens (undone after the test)."""
    monkeypatch.setitem(app.config, "SMTP_PORT", closed_port())


def smtp_back(app: Flask, catcher: MailCatcher) -> None:
    app.config["SMTP_PORT"] = catcher.smtp_port


def rows(db: Session) -> list[OutboxEmail]:
    db.expire_all()
    return list(db.scalars(select(OutboxEmail).order_by(OutboxEmail.id)))


def enqueue(app: Flask, db: Session, count: int, tag: str) -> None:
    """Queue `count` emails, committed, as a checkout or the reminder job would."""
    outbox.enqueue(db, *(Email(f"user{i}@example.com", f"{tag} #{i}", f"Body {i}\n") for i in range(count)))
    db.commit()


@pytest.fixture
def placed_while_down(
    seed_account: SeedAccount, signed_in_browser: SignedInBrowser, smtp_down: None, outbox_clock: OutboxClock
) -> str:
    """An order placed through the pages while SMTP was down; its number."""
    account = seed_account(today=TODAY, subscriptions=[{"renewal_in_days": 0}])
    browser = signed_in_browser(account)
    browser.renew(account.subscriptions[0].number)
    page = browser.place_order()
    assert (page.status, page.path) == (200, "/checkout/confirmation"), page.alerts
    (number,) = order_numbers(page)
    return number


def test_checkout_succeeds_with_smtp_down_and_the_email_waits_in_the_outbox(
    placed_while_down: str, db: Session, mailbox: Mailbox
) -> None:
    (row,) = rows(db)

    assert placed_while_down in row.subject and row.sent_at is None
    assert row.attempts == 1 and row.last_error
    assert mailbox.count() == 0


def test_once_smtp_is_back_the_queued_email_is_delivered_exactly_once(
    placed_while_down: str, app: Flask, catcher: MailCatcher, outbox_clock: OutboxClock, db: Session, mailbox: Mailbox
) -> None:
    smtp_back(app, catcher)
    outbox_clock.advance(outbox.MAX_BACKOFF)

    assert outbox.deliver_pending(app) == 1
    assert outbox.deliver_pending(app) == 0, "a delivered email must not be sent again"

    (message,) = mailbox.search(f'subject:"{placed_while_down}"')
    assert "Order confirmation" in message.subject and mailbox.count() == 1
    (row,) = rows(db)
    assert row.sent_at is not None and row.last_error is None


def test_a_failed_email_is_not_retried_before_its_backoff_has_passed(
    placed_while_down: str, app: Flask, catcher: MailCatcher, outbox_clock: OutboxClock, mailbox: Mailbox
) -> None:
    smtp_back(app, catcher)

    outbox_clock.advance(outbox.backoff(1) - timedelta(milliseconds=1))
    assert outbox.deliver_pending(app) == 0 and mailbox.count() == 0
    outbox_clock.advance(timedelta(milliseconds=1))
    assert outbox.deliver_pending(app) == 1 and mailbox.count() == 1


def test_each_failed_try_waits_longer_up_to_the_cap(
    app: Flask, db: Session, smtp_down: None, outbox_clock: OutboxClock, mailbox: Mailbox
) -> None:
    enqueue(app, db, 1, "retry")
    waits = []

    for _ in range(9):
        assert outbox.deliver_pending(app) == 0
        (row,) = rows(db)
        assert row.next_attempt_at is not None
        waits.append((row.next_attempt_at - outbox_clock.now_value).total_seconds())
        outbox_clock.advance(row.next_attempt_at - outbox_clock.now_value)

    assert waits == [0.5, 1, 2, 4, 8, 16, 30, 30, 30]
    assert rows(db)[0].attempts == 9 and mailbox.count() == 0


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(1, 0.5), (2, 1), (3, 2), (6, 16), (7, 30), (8, 30), (48, 30), (49, 30), (100, 30), (10_000, 30)],
)
def test_backoff_doubles_from_half_a_second_and_stays_capped_at_30_seconds(attempts: int, seconds: float) -> None:
    """A long SMTP outage keeps counting attempts; the wait must stay at the cap, never overflow."""
    assert outbox.backoff(attempts) == timedelta(seconds=seconds)


def test_a_long_outage_is_retried_at_the_cap_without_errors(
    app: Flask, db: Session, smtp_down: None, outbox_clock: OutboxClock
) -> None:
    enqueue(app, db, 1, "outage")
    (row,) = rows(db)
    row.attempts = 60  # about half an hour of failed tries at the 30 s cap
    db.commit()

    assert outbox.deliver_pending(app) == 0

    (row,) = rows(db)
    assert row.attempts == 61 and row.next_attempt_at == outbox_clock.now_value + outbox.MAX_BACKOFF


def test_two_senders_at_once_send_each_email_once(app: Flask, db: Session, mailbox: Mailbox) -> None:
    enqueue(app, db, 40, "race")
    start = threading.Barrier(2)
    sent: list[int] = []

    def sender() -> None:
        start.wait()
        sent.append(outbox.deliver_pending(app, batch=5))

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(sent) == 40
    subjects = [m.subject for m in mailbox.search('subject:"race"')]
    assert len(subjects) == 40 and len(set(subjects)) == 40
    assert all(row.sent_at is not None for row in rows(db))


def test_checkout_still_confirms_the_order_during_a_long_smtp_outage(
    app: Flask,
    db: Session,
    seed_account: SeedAccount,
    signed_in_browser: SignedInBrowser,
    smtp_down: None,
    outbox_clock: OutboxClock,
) -> None:
    enqueue(app, db, 1, "queued long ago")
    (old,) = rows(db)
    old.attempts = 60  # retried at the cap for about half an hour
    db.commit()
    account = seed_account(today=TODAY, subscriptions=[{"renewal_in_days": 0}])
    browser = signed_in_browser(account)
    browser.renew(account.subscriptions[0].number)

    page = browser.place_order()

    assert (page.status, page.path) == (200, "/checkout/confirmation"), f"{page.status}: {page.alerts}"
    assert len(order_numbers(page)) == 1
