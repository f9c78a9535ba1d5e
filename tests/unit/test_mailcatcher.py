"""The embedded mail catcher speaks Mailpit's API v1 over mail it really received by SMTP."""

from __future__ import annotations

import json
import smtplib
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage, Message
from typing import Any

import pytest

from mock_portal.mailcatcher import MailCatcher
from mock_portal.mailcatcher.search import split_args
from mock_portal.mailcatcher.smtp import stamp_envelope

SendMail = Callable[..., None]

SUMMARY_FIELDS = {
    "ID", "MessageID", "Read", "From", "To", "Cc", "Bcc", "ReplyTo", "Subject",
    "Created", "Username", "Tags", "Size", "Attachments", "Snippet",
}  # fmt: skip
MESSAGE_FIELDS = {
    "ID", "MessageID", "From", "To", "Cc", "Bcc", "ReplyTo", "ReturnPath", "Subject", "ListUnsubscribe",
    "Date", "Tags", "Username", "Text", "HTML", "Size", "Inline", "Attachments",
}  # fmt: skip
LIST_FIELDS = {"total", "unread", "count", "messages_count", "messages_unread", "start", "tags", "messages"}


@pytest.fixture
def send_mail(catcher: MailCatcher) -> SendMail:
    """Send one real message over SMTP to the catcher."""

    def send(
        subject: str,
        to: str = "Alice <alice@example.com>",
        text: str = "Hello there.",
        html: str | None = None,
        sender: str = "Shop <shop@example.com>",
        bcc: list[str] | None = None,
        attachment: tuple[str, bytes] | None = None,
    ) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = sender, to, subject
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
        if attachment is not None:
            name, data = attachment
            message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
        recipients = [a.addr_spec for a in message["To"].addresses] + (bcc or [])
        with smtplib.SMTP(catcher.host, catcher.smtp_port, timeout=5) as smtp:
            smtp.send_message(message, to_addrs=recipients)

    return send


def call(catcher: MailCatcher, path: str, method: str = "GET", body: Any = None) -> tuple[int, Message, str]:
    """Make one HTTP request; return status, headers and body text."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(catcher.api_url + path, data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def get_json(catcher: MailCatcher, path: str) -> Any:
    """GET a JSON document, insisting on 200 and a JSON content type."""
    status, headers, text = call(catcher, path)
    assert (status, headers.get_content_type()) == (200, "application/json"), f"GET {path} -> {status} {text}"
    return json.loads(text)


def subjects(listing: dict[str, Any]) -> list[str]:
    """Subjects of a Mailpit message list, in the order given."""
    return [m["Subject"] for m in listing["messages"]]


def test_port_zero_binds_free_ports_and_reports_them(catcher: MailCatcher) -> None:
    assert catcher.smtp_port > 0 and catcher.http_port > 0
    assert catcher.api_url == f"http://127.0.0.1:{catcher.http_port}"
    with socket.create_connection((catcher.host, catcher.smtp_port), timeout=5) as conn:
        assert conn.recv(1024).startswith(b"220")


def test_stop_releases_both_ports() -> None:
    catcher = MailCatcher(smtp_port=0, http_port=0).start()
    ports = (catcher.smtp_port, catcher.http_port)
    catcher.stop()
    for port in ports:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=5).close()


def test_list_uses_mailpit_field_names_and_values(catcher: MailCatcher, send_mail: SendMail) -> None:
    send_mail("Order confirmation", text="Thanks for your order.", bcc=["audit@example.com"])
    listing = get_json(catcher, "/api/v1/messages")
    assert set(listing) == LIST_FIELDS
    assert (listing["total"], listing["unread"], listing["count"], listing["start"]) == (1, 1, 1, 0)
    [summary] = listing["messages"]
    assert set(summary) == SUMMARY_FIELDS
    assert summary["From"] == {"Name": "Shop", "Address": "shop@example.com"}
    assert summary["To"] == [{"Name": "Alice", "Address": "alice@example.com"}]
    assert summary["Bcc"] == [{"Name": "", "Address": "audit@example.com"}], "envelope-only recipients are Bcc"
    assert (summary["Cc"], summary["ReplyTo"], summary["Tags"]) == ([], [], [])
    assert (summary["Subject"], summary["Read"], summary["Attachments"]) == ("Order confirmation", False, 0)
    assert summary["Snippet"] == "Thanks for your order."
    assert summary["Size"] > 0 and summary["MessageID"]
    assert len(summary["ID"]) == 22 and summary["ID"].isalnum()
    assert datetime.fromisoformat(summary["Created"]).tzinfo is not None, "Created is RFC 3339 with a zone"


def test_internationalised_mail_keeps_its_characters(catcher: MailCatcher, send_mail: SendMail) -> None:
    send_mail("Größe ✓ bestätigt", to="Zoë <zoë@exämple.com>", sender="Jürgen <jürgen@example.com>", text="Grüße")
    [summary] = get_json(catcher, "/api/v1/messages")["messages"]
    assert summary["From"] == {"Name": "Jürgen", "Address": "jürgen@example.com"}
    assert summary["To"] == [{"Name": "Zoë", "Address": "zoë@exämple.com"}]
    assert (summary["Subject"], summary["Snippet"], summary["Bcc"]) == ("Größe ✓ bestätigt", "Grüße", [])


def test_envelope_sender_replaces_a_forged_return_path() -> None:
    raw = b"Return-Path: <forged@evil.test>\r\nFrom: a@b.test\r\nTo: c@d.test\r\nMessage-Id: <m@x>\r\n\r\nbody\r\n"
    stamped = stamp_envelope(raw, "bounce@b.test", ["c@d.test"])
    assert stamped == raw.replace(b"forged@evil.test", b"bounce@b.test"), "only Return-Path changes"


def test_list_is_newest_first_and_paginates(catcher: MailCatcher, send_mail: SendMail) -> None:
    for subject in ("first", "second", "third"):
        send_mail(subject)
    assert subjects(get_json(catcher, "/api/v1/messages")) == ["third", "second", "first"]
    page = get_json(catcher, "/api/v1/messages?start=1&limit=1")
    assert subjects(page) == ["second"]
    assert (page["start"], page["count"], page["messages_count"], page["total"]) == (1, 1, 3, 3)


def test_message_has_mailpit_fields_bodies_and_envelope_sender(catcher: MailCatcher, send_mail: SendMail) -> None:
    send_mail("Your invoice", text="See attached.", html="<p>See <b>attached</b>.</p>", attachment=("inv.pdf", b"%PDF"))
    summary_id = get_json(catcher, "/api/v1/messages")["messages"][0]["ID"]
    message = get_json(catcher, f"/api/v1/message/{summary_id}")
    assert set(message) == MESSAGE_FIELDS
    assert (message["ID"], message["Subject"], message["ReturnPath"]) == (summary_id, "Your invoice", "shop@example.com")
    assert message["Text"] == "See attached.\n"
    assert message["HTML"] == "<p>See <b>attached</b>.</p>\n"
    [attachment] = message["Attachments"]
    assert {k: attachment[k] for k in ("FileName", "ContentType", "Size")} == {
        "FileName": "inv.pdf", "ContentType": "application/pdf", "Size": 4,
    }  # fmt: skip
    assert message["Inline"] == []
    assert datetime.fromisoformat(message["Date"]).tzinfo is not None


def test_fetching_a_message_marks_it_read(catcher: MailCatcher, send_mail: SendMail) -> None:
    send_mail("unread until opened")
    get_json(catcher, "/api/v1/message/latest")
    listing = get_json(catcher, "/api/v1/messages")
    assert listing["unread"] == 0 and listing["messages"][0]["Read"] is True


def test_latest_is_the_newest_message(catcher: MailCatcher, send_mail: SendMail) -> None:
    send_mail("older")
    send_mail("newer")
    assert get_json(catcher, "/api/v1/message/latest")["Subject"] == "newer"


def test_unknown_message_id_is_404(catcher: MailCatcher, send_mail: SendMail) -> None:
    send_mail("exists")
    status, headers, text = call(catcher, "/api/v1/message/NoSuchMessageId")
    assert (status, headers.get_content_type(), text) == (404, "text/plain", "404 page not found")


def test_latest_on_an_empty_mailbox_is_404(catcher: MailCatcher) -> None:
    assert call(catcher, "/api/v1/message/latest")[0] == 404


@pytest.fixture
def varied_mail(send_mail: SendMail) -> None:
    """Three messages differing in recipient, subject and body."""
    send_mail("Order confirmation", to="Alice <alice@example.com>", text="Order 1001 is complete.")
    send_mail("Order shipped", to="Bob <bob@example.com>", text="Parcel TRACK-77 is on its way.")
    send_mail("Renewal reminder", to="alice@example.com", text="Renew before it lapses.", sender="billing@vendor.test")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("to:alice@example.com", ["Renewal reminder", "Order confirmation"]),
        ("to:Bob", ["Order shipped"]),
        ('subject:"Order confirmation"', ["Order confirmation"]),
        ("subject:order", ["Order shipped", "Order confirmation"]),
        ("from:billing@vendor.test", ["Renewal reminder"]),
        ("track-77", ["Order shipped"]),
        ("to:alice subject:order", ["Order confirmation"]),
        ("to:alice -subject:renewal", ["Order confirmation"]),
        ("!subject:order", ["Renewal reminder"]),
        ('subject:"order shipped" to:alice', []),
    ],
)
def test_search_applies_mailpit_terms(catcher: MailCatcher, varied_mail: None, query: str, expected: list[str]) -> None:
    result = get_json(catcher, "/api/v1/search?" + urllib.parse.urlencode({"query": query}))
    assert subjects(result) == expected, f"search {query!r}"
    assert (result["messages_count"], result["total"]) == (len(expected), 3)


def test_search_without_a_query_is_400(catcher: MailCatcher) -> None:
    status, _, text = call(catcher, "/api/v1/search?query=")
    assert (status, text) == (400, "Error: no search query")


@pytest.mark.parametrize(
    ("query", "args"),
    [
        ('subject:"Order confirmation" to:a@b.c', ["subject:Order confirmation", "to:a@b.c"]),
        ('  "two words"   -x ', ["two words", "-x"]),
    ],
)
def test_quoted_phrases_stay_one_search_term(query: str, args: list[str]) -> None:
    assert split_args(query) == args


def test_delete_with_ids_removes_only_those(catcher: MailCatcher, send_mail: SendMail) -> None:
    for subject in ("keep", "drop"):
        send_mail(subject)
    drop_id = get_json(catcher, "/api/v1/messages")["messages"][0]["ID"]
    status, headers, text = call(catcher, "/api/v1/messages", "DELETE", {"IDs": [drop_id]})
    assert (status, headers.get_content_type(), text) == (200, "text/plain", "ok")
    assert subjects(get_json(catcher, "/api/v1/messages")) == ["keep"]


def test_delete_without_ids_empties_the_mailbox(catcher: MailCatcher, send_mail: SendMail) -> None:
    for subject in ("one", "two"):
        send_mail(subject)
    status, _, text = call(catcher, "/api/v1/messages", "DELETE")
    assert (status, text) == (200, "ok")
    listing = get_json(catcher, "/api/v1/messages")
    assert (listing["total"], listing["messages"]) == (0, [])


def test_inbox_page_lists_subjects_newest_first_as_links(catcher: MailCatcher, send_mail: SendMail) -> None:
    send_mail("Older <b>news</b>")
    send_mail("Order confirmation")
    newest_id = get_json(catcher, "/api/v1/messages")["messages"][0]["ID"]
    status, _, page = call(catcher, "/")
    assert status == 200
    assert "<h1>Inbox</h1>" in page and "<caption>" in page
    assert f'<a href="/view/{newest_id}">Order confirmation</a>' in page
    assert page.index("Order confirmation") < page.index("Older &lt;b&gt;news&lt;/b&gt;"), "escaped, newest first"
    assert "<script" not in page


def test_view_page_shows_headers_text_and_sandboxed_html(catcher: MailCatcher, send_mail: SendMail) -> None:
    send_mail("Receipt", text="Paid in full.", html="<p>Paid <em>in full</em>.</p>")
    message_id = get_json(catcher, "/api/v1/messages")["messages"][0]["ID"]
    status, _, page = call(catcher, f"/view/{message_id}")
    assert status == 200
    assert "<h1>Receipt</h1>" in page and "alice@example.com" in page
    assert "<pre>Paid in full.\n</pre>" in page
    assert f'<iframe src="/view/{message_id}.html" sandbox' in page
    status, headers, html = call(catcher, f"/view/{message_id}.html")
    assert (status, headers.get_content_type(), html) == (200, "text/html", "<p>Paid <em>in full</em>.</p>\n")
    assert headers["Content-Security-Policy"].startswith("sandbox"), "mail HTML must run in an opaque sandbox"


def test_view_of_a_deleted_message_is_404(catcher: MailCatcher) -> None:
    assert call(catcher, "/view/NoSuchMessageId")[0] == 404
