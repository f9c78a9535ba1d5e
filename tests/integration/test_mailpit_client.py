"""A third-party Mailpit client from PyPI, mailpit-api-client 1.0.0 (`mailpit.client.api.API`), against a running
MailCatcher: list, read a message, fetch an attachment, read headers, mark read, delete.

The client dates from Mailpit v1.7 (2023) and three of its calls no longer agree with Mailpit's API; the catcher follows
Mailpit, so those are done the way the client still can, and each test says which:
- `get_message` parses into a model that requires the `Read` field Mailpit dropped from the message JSON in v1.9; the
  client keeps the response, which its own model reads with `infer_missing`.
- `put_messages` and `delete_messages` send a form body where Mailpit reads JSON: Mailpit answers a PUT with 400 and
  treats a DELETE as "no IDs", deleting every message. Opening a message marks it read, as in Mailpit.
- `get_message_headers` parses into a model that requires a `Delivered-To` header, so the mail here carries one.
"""

from __future__ import annotations

import smtplib
import warnings
from collections.abc import Callable, Iterator
from datetime import datetime
from email.message import EmailMessage

import httpx
import mailpit.client.models as models
import pytest
from mailpit.client.api import API

from mock_portal.mailcatcher import MailCatcher

Send = Callable[[str], None]
PDF = b"%PDF-1.4\n\x00\xff binary\n%%EOF"
NOTES = "Seats: 5\nTerm: 1 year\n"
NOTES_AS_SENT = NOTES.replace("\n", "\r\n").encode()  # a 7bit text part travels with CRLF, which Mailpit keeps


@pytest.fixture
def mailpit_catcher() -> Iterator[MailCatcher]:
    """A running catcher on free ports."""
    with MailCatcher(smtp_port=0, http_port=0) as running:
        yield running


@pytest.fixture
def mailpit(mailpit_catcher: MailCatcher) -> API:
    """The third-party client pointed at the catcher."""
    return API(mailpit_catcher.api_url, timeout=5)


@pytest.fixture
def send(mailpit_catcher: MailCatcher) -> Send:
    """Send a renewal confirmation with a PDF and a text attachment over SMTP."""

    def deliver(subject: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "Shop <shop@example.com>", "alice@example.com", subject
        message["Delivered-To"] = "alice@example.com"  # as the receiving server adds it; the client's model needs it
        message["Message-ID"] = f"<{subject.replace(' ', '-')}@shop.example>"
        message["Date"] = "Tue, 02 Jan 2024 10:30:00 +0100"
        message.set_content("Your renewal is confirmed.")
        message.add_attachment(PDF, maintype="application", subtype="pdf", filename="invoice.pdf")
        message.add_attachment(NOTES, filename="notes.txt")
        with smtplib.SMTP(mailpit_catcher.host, mailpit_catcher.smtp_port, timeout=5) as smtp:
            smtp.send_message(message)

    return deliver


def read_message(mailpit: API, message_id: str) -> models.Message:
    """The message through the client: its call, then its own model over the response it kept (see the module doc)."""
    with pytest.raises(KeyError, match="read"):  # Mailpit's message JSON has had no "Read" since v1.9
        mailpit.get_message(message_id)
    assert mailpit.last_response is not None and mailpit.last_response.status_code == 200
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Missing value of non-optional type read", RuntimeWarning)
        return models.Message.from_json(mailpit.last_response.text, infer_missing=True)


def test_client_lists_messages_newest_first_with_counts_and_read_flags(mailpit: API, send: Send) -> None:
    send("Renewal one")
    send("Renewal two")
    listing = mailpit.get_messages()
    assert (listing.total, listing.unread, listing.count, listing.start) == (2, 2, 2, 0)
    assert [m.subject for m in listing.messages] == ["Renewal two", "Renewal one"]
    assert [m.read for m in listing.messages] == [False, False]
    assert listing.messages[0].from_ == models.Contact(name="Shop", address="shop@example.com")
    assert listing.messages[0].attachments == 2
    assert isinstance(listing.messages[0].created, datetime) and listing.messages[0].created.tzinfo is not None
    assert [m.subject for m in mailpit.get_messages(limit=1, start=1).messages] == ["Renewal one"]


def test_client_reads_a_message_and_opening_it_marks_it_read(mailpit: API, send: Send) -> None:
    send("Renewal")
    [summary] = mailpit.get_messages().messages
    message = read_message(mailpit, summary.id)
    assert (message.id, message.message_id, message.subject) == (summary.id, "Renewal@shop.example", "Renewal")
    assert message.text == "Your renewal is confirmed.\n"
    assert message.date == datetime.fromisoformat("2024-01-02T10:30:00+01:00")
    assert message.to == [models.Contact(name="", address="alice@example.com")]
    assert [(a.part_id, a.file_name, a.content_type, a.size) for a in message.attachments] == [
        ("2", "invoice.pdf", "application/pdf", len(PDF)),
        ("3", "notes.txt", "text/plain", len(NOTES_AS_SENT)),
    ]
    after = mailpit.get_messages()
    assert (after.unread, after.messages[0].read) == (0, True), "GET /api/v1/message/{ID} marks it read"


def test_client_fetches_attachments_by_part_id(mailpit: API, send: Send) -> None:
    send("Renewal")
    [summary] = mailpit.get_messages().messages
    parts = {a.file_name: a.part_id for a in read_message(mailpit, summary.id).attachments}
    assert mailpit.get_message_attachment(summary.id, parts["notes.txt"]) == NOTES_AS_SENT.decode()
    mailpit.get_message_attachment(summary.id, parts["invoice.pdf"])  # the client returns text; its response has bytes
    assert mailpit.last_response is not None
    assert (mailpit.last_response.headers["Content-Type"], mailpit.last_response.content) == ("application/pdf", PDF)
    with pytest.raises(httpx.HTTPStatusError) as missing:
        mailpit.get_message_attachment(summary.id, "9")
    assert missing.value.response.status_code == 404


def test_client_reads_headers(mailpit: API, send: Send) -> None:
    send("Renewal")
    [summary] = mailpit.get_messages().messages
    headers = mailpit.get_message_headers(summary.id)
    assert headers.delivered_to == ["alice@example.com"]
    assert headers.from_ == ["Shop <shop@example.com>"]
    assert headers.message_id == ["<Renewal@shop.example>"]
    assert headers.date == [datetime.fromisoformat("2024-01-02T10:30:00+01:00")]
    assert headers.content_type[0].startswith("multipart/mixed;")
    assert headers.additional["Subject"] == ["Renewal"]
    assert headers.additional["Return-Path"] == ["<shop@example.com>"], "added on receipt, as Mailpit does"


def test_client_put_messages_form_body_is_refused_as_mailpit_refuses_it(mailpit: API, send: Send) -> None:
    send("Renewal")
    [summary] = mailpit.get_messages().messages
    with pytest.raises(httpx.HTTPStatusError) as refused:
        mailpit.put_messages([summary.id], "Read", True)
    assert refused.value.response.status_code == 400
    assert mailpit.get_messages().messages[0].read is False, "a refused change changes nothing"


def test_client_deletes_every_message(mailpit: API, send: Send) -> None:
    send("Renewal one")
    send("Renewal two")
    mailpit.delete_messages([])
    assert mailpit.get_messages().total == 0


def test_client_delete_with_ids_deletes_everything_because_its_form_body_names_none(mailpit: API, send: Send) -> None:
    send("Renewal one")
    send("Renewal two")
    newest = mailpit.get_messages().messages[0].id
    mailpit.delete_messages([newest])
    assert mailpit.get_messages().total == 0, "Mailpit can't read the form's IDs, so it deletes all; so does the catcher"
