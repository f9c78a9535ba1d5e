"""The outbox survives a restart: an email queued while SMTP was down is delivered once by the next portal process
that runs on the same database, and never again by the one after it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from portal_browser import Browser, order_numbers
from sqlalchemy import select
from stand_ins import closed_port

from automation.clients import Mailbox
from mock_portal import outbox
from mock_portal.db import new_session
from mock_portal.mailcatcher import MailCatcher
from mock_portal.models import OutboxEmail
from mock_portal.server import PortalStack
from mock_portal.testing.storage import create_account

DELIVERY_DEADLINE = 20.0  # seconds for the restarted worker to send what was queued (it polls every 0.5 s)


@pytest.fixture
def portal_on(tmp_path: Path, portal_env: None) -> Iterator[Any]:
    """Start portal processes (stacks) one after another on one database file, mailing the given SMTP port."""
    started: list[PortalStack] = []

    def start(smtp_port: int) -> PortalStack:
        stack = PortalStack(
            port=0, testing=True, database_url=f"sqlite:///{tmp_path}/portal.db", reset=not started,
            seed_demo=False, smtp_host="127.0.0.1", smtp_port=smtp_port,
        )  # fmt: skip
        started.append(stack.start())
        return stack

    yield start
    for stack in started:
        stack.stop()


def place_order(stack: PortalStack) -> str:
    """Create an account on the stack and renew its subscription through the pages; the order number."""
    assert stack.app is not None
    with stack.app.app_context():
        db = new_session(stack.app)
        try:
            account = create_account(db, {"today": "2027-01-01", "subscriptions": [{"renewal_in_days": 0}]})
        finally:
            db.close()
    browser = Browser(stack.app.test_client())
    assert browser.sign_in(account.users[0].email, account.users[0].password).status == 302
    browser.renew(account.subscriptions[0].number)
    page = browser.place_order()
    assert page.path == "/checkout/confirmation", page.alerts
    (number,) = order_numbers(page)
    return number


def queued(stack: PortalStack) -> list[OutboxEmail]:
    assert stack.app is not None
    db = new_session(stack.app)
    try:
        return list(db.scalars(select(OutboxEmail)))
    finally:
        db.close()


def test_an_email_queued_during_an_smtp_outage_is_delivered_exactly_once_after_a_restart(
    portal_on: Any, catcher: MailCatcher
) -> None:
    down = portal_on(smtp_port=closed_port())
    number = place_order(down)
    (row,) = queued(down)
    assert row.sent_at is None, "SMTP was down: the email must still be waiting"
    down.stop()

    restarted = portal_on(smtp_port=catcher.smtp_port)
    query = f'subject:"Order confirmation {number}"'
    # Exactly one within the deadline, and no second one in the second after it (else UnexpectedMessages).
    with Mailbox(catcher.api_url) as mailbox:  # the catcher these stacks mail (each test's own), not a module stack's
        mailbox.wait_for(query, 1, timeout=DELIVERY_DEADLINE, settle=1.0)
        restarted.stop()

        again = portal_on(smtp_port=catcher.smtp_port)
        assert again.app is not None
        assert outbox.deliver_pending(again.app) == 0, "a delivered email must not be sent by the next process"
        (row,) = queued(again)
        assert row.sent_at is not None and mailbox.count() == 1
