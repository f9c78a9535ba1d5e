"""One stored address is one recipient: the test API refuses anything but exactly one plain mailbox, and the outbox
sends each email to exactly the address it stored — over real HTTP and SMTP."""

from __future__ import annotations

import httpx
import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stand_ins import OutboxClock

from automation.clients import Mailbox, PortalAdmin
from mock_portal import outbox
from mock_portal.db import new_session
from mock_portal.emails import Email
from mock_portal.mailcatcher import MailCatcher
from mock_portal.models import OutboxEmail, User
from mock_portal.server import PortalStack

JSON = {"Content-Type": "application/json"}
NOT_ONE_MAILBOX = [
    pytest.param("x,victim@evil.example", id="a list hidden in the local part"),
    pytest.param("<script>alert(1)</script>@x.example", id="markup"),
    pytest.param("Bob <b@x.example>", id="a display name"),
    pytest.param("Bob<b@x.example>", id="a display name without a space"),
    pytest.param("a@x.example, b@x.example", id="a list"),
    pytest.param("a@x.example\nBcc: c@x.example", id="a header injection"),
    pytest.param("jürgen@x.example", id="non-ASCII, which not every SMTP server takes"),
]


def users_with(db: Session, email: str) -> int:
    return int(db.scalar(select(func.count()).select_from(User).where(User.email == email)) or 0)


@pytest.mark.parametrize("email", NOT_ONE_MAILBOX)
def test_the_test_api_refuses_an_email_that_is_not_exactly_one_mailbox(stack: PortalStack, email: str) -> None:
    response = httpx.post(f"{stack.base_url}/__test__/accounts", json={"users": [{"email": email}]}, headers=JSON)

    assert response.status_code == 400, response.text
    assert response.json()["error"].startswith("users[0].email: "), response.json()
    assert stack.app is not None
    db = new_session(stack.app)
    try:
        assert users_with(db, email) == 0, "a refused spec created a user"
    finally:
        db.close()


def test_an_email_goes_to_exactly_the_one_address_stored(stack: PortalStack, admin: PortalAdmin, mailbox: Mailbox) -> None:
    stored = "Renewer.One+tag@portal.test"  # the local part's case is kept as given
    account = admin.create_account([{"renewal_in_days": 10}], users=[{"email": stored}])
    assert account.user.email == stored

    assert admin.run_reminders() == 1
    (summary,) = mailbox.search(f"to:{stored}")
    message = httpx.get(f"{stack.mail_api_url}/api/v1/message/{summary.id}").json()  # as sent: To, Cc and Bcc
    recipients = [a["Address"] for field in ("To", "Cc", "Bcc") for a in message[field] or []]
    assert recipients == [stored], "the envelope and the headers name the stored address and nothing else"


def test_the_outbox_refuses_a_kept_row_whose_address_is_not_one_mailbox(
    app: Flask, db: Session, catcher: MailCatcher, outbox_clock: OutboxClock
) -> None:
    outbox.enqueue(db, Email("x,victim@evil.example", "Order confirmation", "Thanks\n"))  # as an old database holds
    db.commit()

    assert outbox.deliver_pending(app) == 0
    outbox_clock.advance(outbox.MAX_BACKOFF * 10)
    assert outbox.deliver_pending(app) == 0

    with Mailbox(catcher.api_url) as mailbox:  # the in-process app mails its own catcher, not the stack's
        assert mailbox.count() == 0, "nothing may go to victim@evil.example, nor to 'x'"
    db.expire_all()
    (row,) = db.scalars(select(OutboxEmail))
    assert row.sent_at is None and row.attempts == 1, "an address that can't be one mailbox is failed, not retried"
    assert row.last_error and "x,victim@evil.example" in row.last_error, row.last_error
