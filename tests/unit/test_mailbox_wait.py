"""The harness's mailbox client (automation.clients.Mailbox) against the embedded catcher (conftest's `catcher` and
`mailbox`): it waits for exactly the expected mail, lists, counts, reads and deletes, and names the URL when it fails."""

from __future__ import annotations

import smtplib
import threading
from collections.abc import Callable, Iterator
from email.message import EmailMessage

import httpx
import pytest
from stand_ins import closed_port

from automation.clients import (
    Mailbox,
    MailboxError,
    MailboxTimeout,
    MailboxUnavailable,
    MessageNotFound,
    UnexpectedMessages,
    WaitCancelled,
)
from mock_portal.mailcatcher import MailCatcher

SendMail = Callable[..., None]
SendLater = Callable[..., None]


@pytest.fixture
def send_mail(catcher: MailCatcher) -> SendMail:
    """Send one real message over SMTP to the catcher."""

    def send(subject: str, to: str = "buyer@example.com", text: str = "Hello.", html: str | None = None) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "Portal <no-reply@portal.example>", to, subject
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
        with smtplib.SMTP(catcher.host, catcher.smtp_port, timeout=5) as smtp:
            smtp.send_message(message)

    return send


@pytest.fixture
def send_later(send_mail: SendMail) -> Iterator[SendLater]:
    """Send a message from a timer thread shortly after the call; timers are joined at teardown."""
    timers: list[threading.Timer] = []

    def later(delay: float, subject: str, to: str = "buyer@example.com") -> None:
        timer = threading.Timer(delay, send_mail, args=(subject,), kwargs={"to": to})
        timers.append(timer)
        timer.start()

    yield later
    for timer in timers:
        timer.join(timeout=5)


def test_wait_for_returns_the_expected_messages_once_they_are_there(mailbox: Mailbox, send_mail: SendMail) -> None:
    send_mail("Order confirmation", to="alice@example.com")
    send_mail("Renewal reminder", to="alice@example.com")
    send_mail("Order confirmation", to="bob@example.com")
    found = mailbox.wait_for("to:alice@example.com", 2, timeout=2, settle=0.2)
    assert [m.subject for m in found] == ["Renewal reminder", "Order confirmation"]
    assert all(m.to_addresses == ("alice@example.com",) for m in found)
    assert all(m.from_address == "no-reply@portal.example" for m in found)


def test_wait_for_keeps_polling_until_late_mail_arrives(mailbox: Mailbox, send_later: SendLater) -> None:
    send_later(0.2, "Order confirmation")
    found = mailbox.wait_for('subject:"Order confirmation"', 1, timeout=5, settle=0.1)
    assert [m.subject for m in found] == ["Order confirmation"]


def test_wait_for_times_out_naming_query_expected_and_seen(mailbox: Mailbox, send_mail: SendMail) -> None:
    send_mail("Order confirmation")
    with pytest.raises(MailboxTimeout) as caught:
        mailbox.wait_for("subject:Order", 2, timeout=0.3, settle=0.1)
    message = str(caught.value)
    assert "'subject:Order'" in message and "2 message(s)" in message
    assert "saw 1" in message and "Order confirmation" in message


def test_wait_for_rejects_an_extra_message_arriving_while_settling(
    mailbox: Mailbox, send_mail: SendMail, send_later: SendLater
) -> None:
    send_mail("Order confirmation")
    send_later(0.1, "Order confirmation (duplicate)")
    with pytest.raises(UnexpectedMessages) as caught:
        mailbox.wait_for("subject:order", 1, timeout=5, settle=1.0)
    message = str(caught.value)
    assert "expected 1" in message and "but 2 arrived" in message and "'subject:order'" in message
    assert "Order confirmation (duplicate)" in message


def test_wait_for_rejects_more_messages_than_expected_already_there(mailbox: Mailbox, send_mail: SendMail) -> None:
    for subject in ("Reminder 1", "Reminder 2", "Reminder 3"):
        send_mail(subject)
    with pytest.raises(UnexpectedMessages, match=r"expected 2 .* but 3 arrived"):
        mailbox.wait_for("subject:reminder", 2, timeout=2, settle=0.1)


def test_wait_for_zero_passes_when_no_mail_comes(mailbox: Mailbox, send_mail: SendMail) -> None:
    send_mail("Unrelated", to="someone-else@example.com")
    assert mailbox.wait_for("to:buyer@example.com", 0, timeout=1, settle=0.2) == []


def test_unreachable_api_raises_mailbox_unavailable_naming_the_url() -> None:
    port = closed_port()
    mailbox = Mailbox(f"http://127.0.0.1:{port}")
    with pytest.raises(MailboxUnavailable, match=rf"http://127\.0\.0\.1:{port}/api/v1/search.*must be running"):
        mailbox.wait_for("to:anyone", 1, timeout=5)


def test_get_returns_bodies_and_latest_is_newest(mailbox: Mailbox, send_mail: SendMail) -> None:
    send_mail("Older")
    send_mail("Receipt", text="Paid in full.", html="<p>Paid in full.</p>")
    [summary, _] = mailbox.list()
    message = mailbox.get(summary.id)
    assert (message.subject, message.text, message.html) == ("Receipt", "Paid in full.\n", "<p>Paid in full.</p>\n")
    assert mailbox.get("latest") == message


def test_get_unknown_id_raises_message_not_found(mailbox: Mailbox) -> None:
    with pytest.raises(MessageNotFound, match="NoSuchId"):
        mailbox.get("NoSuchId")


def test_delete_removes_only_given_ids_and_delete_all_empties(mailbox: Mailbox, send_mail: SendMail) -> None:
    for subject in ("keep", "drop"):
        send_mail(subject)
    drop = next(m for m in mailbox.list() if m.subject == "drop")
    mailbox.delete([drop.id])
    assert [m.subject for m in mailbox.list()] == ["keep"]
    mailbox.delete([])  # must not turn into Mailpit's "delete everything"
    assert len(mailbox.list()) == 1
    mailbox.delete_all()
    assert mailbox.list() == []


@pytest.mark.parametrize("waiting_for", ["a message that never comes", "the settle time after it came"])
def test_a_wait_ends_early_when_its_caller_cancels_it(
    mailbox: Mailbox, send_mail: SendMail, waiting_for: str
) -> None:
    if waiting_for != "a message that never comes":
        send_mail("Order confirmation")
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    with pytest.raises(WaitCancelled, match="subject:order"):
        mailbox.wait_for("subject:order", 1, timeout=60, settle=60, cancel=cancel)


def test_count_and_a_limited_list_see_the_newest_first(mailbox: Mailbox, send_mail: SendMail) -> None:
    for subject in ("first", "second", "third"):
        send_mail(subject)

    assert mailbox.count() == 3
    assert [m.subject for m in mailbox.list(limit=2)] == ["third", "second"]
    assert [m.subject for m in mailbox.list()] == ["third", "second", "first"]


def test_a_server_error_names_the_request_and_its_status() -> None:
    broken = httpx.MockTransport(lambda request: httpx.Response(500, text="database is locked"))

    with Mailbox("http://mail.test", transport=broken) as mailbox, pytest.raises(MailboxError) as failed:
        mailbox.count()

    assert failed.value.status == 500 and failed.value.message == "database is locked"
    assert str(failed.value).endswith("(HTTP 500 from http://mail.test/api/v1/messages?limit=1)")


def test_headers_and_read_status_follow_mailpits_api_and_an_empty_list_marks_nothing(
    mailbox: Mailbox, send_mail: SendMail, catcher: MailCatcher
) -> None:
    send_mail("Order confirmation 7001", to="alice@example.com")
    send_mail("Order confirmation 7002", to="bob@example.com")
    alice, bob = (m.id for m in mailbox.search("to:alice@example.com") + mailbox.search("to:bob@example.com"))

    headers = mailbox.headers(alice)
    mailbox.mark_read([])  # Mailpit would take no IDs as every message
    unread_after_nothing = _unread(catcher)
    mailbox.mark_read([alice, bob])
    mailbox.mark_read([bob], read=False)

    assert headers["Subject"] == ["Order confirmation 7001"] and headers["To"] == ["alice@example.com"]
    assert unread_after_nothing == 2
    assert _unread(catcher) == 1, "bob's message was marked unread again"


def _unread(catcher: MailCatcher) -> int:
    return int(httpx.get(f"{catcher.api_url}/api/v1/messages").json()["unread"])
