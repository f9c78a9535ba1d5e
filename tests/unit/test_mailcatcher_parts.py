"""Attachments, inline parts and headers come out of the catcher as Mailpit's API v1 gives them: the message JSON's
`Attachments`/`Inline` lists, `GET /api/v1/message/{ID}/part/{PartID}` and `GET /api/v1/message/{ID}/headers`.

PartIDs follow Mailpit's parser (enmime): the message is "0", a top-level multipart's parts "1", "2", …, a nested
multipart "1"'s parts "1.1", "1.2", …; attachments are parts marked `attachment` (or typed octet-stream), inline parts
those marked `inline` followed by unmarked non-text parts; only parts with a file name or Content-ID are listed."""

from __future__ import annotations

import hashlib
import smtplib
from collections.abc import Iterator
from email.message import EmailMessage

import httpx
import pytest

from mock_portal.mailcatcher import MailCatcher

PDF = b"%PDF-1.4\n\x00\xff\xfe binary \x80\x81\n%%EOF"  # not UTF-8: the bytes must come back untouched
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR fake logo"
GIF = b"GIF89a\x01\x00\x01\x00\x00\xff\x00,"
PRICES_LATIN1 = b"prix;caf\xe9"  # "prix;café" in ISO-8859-1
ATTACHMENT_FIELDS = {"PartID", "FileName", "ContentType", "ContentID", "Size", "Checksums"}


@pytest.fixture
def api(catcher: MailCatcher) -> Iterator[httpx.Client]:
    """An HTTP client on the running catcher's API."""
    with httpx.Client(base_url=catcher.api_url, timeout=5) as client:
        yield client


def deliver(catcher: MailCatcher, message: EmailMessage | bytes, to: str = "alice@example.com") -> None:
    """Send one message over SMTP to the catcher, as the portal does."""
    with smtplib.SMTP(catcher.host, catcher.smtp_port, timeout=5) as smtp:
        if isinstance(message, bytes):
            smtp.sendmail("shop@example.com", [to], message)
        else:
            smtp.send_message(message)


def invoice() -> EmailMessage:
    """Text and HTML bodies, two logos in the HTML (one marked inline, one with only a Content-ID), a PDF, and a
    Latin-1 price list.

    mixed ─┬─ 1 alternative ─┬─ 1.1 text/plain
           │                 └─ 1.2 related ─┬─ 1.2.1 text/html
           │                                 ├─ 1.2.2 image/png  (inline, cid logo@shop)
           │                                 └─ 1.2.3 image/gif  (no disposition, cid badge@shop)
           ├─ 2 application/pdf  (attachment "Relevé 2024.pdf")
           └─ 3 text/csv; charset=iso-8859-1  (attachment "prices.csv")
    """
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "Shop <shop@example.com>", "alice@example.com", "Invoice"
    message.set_content("See attached.")
    message.add_alternative('<p><img src="cid:logo@shop"><img src="cid:badge@shop"> See attached.</p>', subtype="html")
    [_, html] = message.iter_parts()
    assert isinstance(html, EmailMessage)
    html.add_related(PNG, "image", "png", cid="<logo@shop>")
    html.add_related(GIF, "image", "gif", cid="<badge@shop>")
    *_, badge = html.iter_parts()
    del badge["Content-Disposition"]  # mail clients often send an embedded image like this
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="Relevé 2024.pdf")
    message.add_attachment(PRICES_LATIN1, "text", "csv", filename="prices.csv", params={"charset": "iso-8859-1"})
    return message


@pytest.fixture
def invoice_id(catcher: MailCatcher, api: httpx.Client) -> str:
    """The ID of one delivered invoice()."""
    deliver(catcher, invoice())
    return str(api.get("/api/v1/messages").json()["messages"][0]["ID"])


def test_message_json_lists_attachments_and_inline_parts_with_mailpits_part_ids(api: httpx.Client, invoice_id: str) -> None:
    message = api.get(f"/api/v1/message/{invoice_id}").json()
    assert all(set(part) == ATTACHMENT_FIELDS for part in message["Attachments"] + message["Inline"])
    listed = [(p["PartID"], p["FileName"], p["ContentType"], p["ContentID"], p["Size"]) for p in message["Attachments"]]
    assert listed == [
        ("2", "Relevé 2024.pdf", "application/pdf", "", len(PDF)),
        ("3", "prices.csv", "text/csv", "", len("prix;café".encode())),  # text parts are counted as UTF-8
    ]
    inline = [(p["PartID"], p["FileName"], p["ContentType"], p["ContentID"], p["Size"]) for p in message["Inline"]]
    assert inline == [
        ("1.2.2", "logo@shop", "image/png", "logo@shop", len(PNG)),  # no file name: named by its Content-ID
        ("1.2.3", "badge@shop", "image/gif", "badge@shop", len(GIF)),  # unmarked non-text parts count as inline
    ]
    assert message["Attachments"][0]["Checksums"] == {
        "MD5": hashlib.md5(PDF).hexdigest(),
        "SHA1": hashlib.sha1(PDF).hexdigest(),
        "SHA256": hashlib.sha256(PDF).hexdigest(),
    }
    [summary] = api.get("/api/v1/messages").json()["messages"]
    assert summary["Attachments"] == 2, "the summary counts attachments, not inline images"


def test_part_serves_an_attachments_exact_bytes_with_its_content_type(api: httpx.Client, invoice_id: str) -> None:
    response = api.get(f"/api/v1/message/{invoice_id}/part/2")
    assert (response.status_code, response.content) == (200, PDF)
    assert response.headers["Content-Type"] == "application/pdf", "the part's own type, no charset added"
    # Mailpit escapes the name as a URL path segment (Go's url.PathEscape).
    assert response.headers["Content-Disposition"] == 'inline; filename="Relev%C3%A9%202024.pdf"'


def test_part_checksums_in_the_message_json_match_the_bytes_served(api: httpx.Client, invoice_id: str) -> None:
    message = api.get(f"/api/v1/message/{invoice_id}").json()
    for part in message["Attachments"] + message["Inline"]:
        served = api.get(f"/api/v1/message/{invoice_id}/part/{part['PartID']}").content
        assert (len(served), hashlib.sha256(served).hexdigest()) == (part["Size"], part["Checksums"]["SHA256"]), part


def test_part_serves_text_attachments_in_utf8_as_mailpit_does(api: httpx.Client, invoice_id: str) -> None:
    response = api.get(f"/api/v1/message/{invoice_id}/part/3")
    assert (response.headers["Content-Type"], response.content) == ("text/csv", "prix;café".encode())


def test_part_serves_inline_images_by_nested_part_id(api: httpx.Client, invoice_id: str) -> None:
    logo = api.get(f"/api/v1/message/{invoice_id}/part/1.2.2")
    assert (logo.status_code, logo.headers["Content-Type"], logo.content) == (200, "image/png", PNG)
    assert api.get("/api/v1/message/latest/part/1.2.3").content == GIF, "latest names the newest message"


@pytest.mark.parametrize(
    "part_id",
    ["1.1", "1.2.1", "1", "1.2", "4", "0", "2.1", "x"],
    ids=["text body", "html body", "multipart", "nested multipart", "past the end", "whole message", "below a leaf", "no number"],
)
def test_part_is_404_for_bodies_containers_and_unknown_ids(api: httpx.Client, invoice_id: str, part_id: str) -> None:
    response = api.get(f"/api/v1/message/{invoice_id}/part/{part_id}")
    assert (response.status_code, response.text) == (404, "404 page not found")


def test_part_of_an_unknown_message_is_404(api: httpx.Client) -> None:
    assert api.get("/api/v1/message/NoSuchMessageId/part/2").status_code == 404
    assert api.get("/api/v1/message/latest/part/2").status_code == 404, "empty mailbox"


def test_a_message_that_is_only_an_attachment_is_part_0(catcher: MailCatcher, api: httpx.Client) -> None:
    raw = (
        b"From: shop@example.com\r\nTo: alice@example.com\r\nSubject: Report\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: application/pdf; name="report.pdf"\r\nContent-Disposition: attachment; filename="report.pdf"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n"
    )
    deliver(catcher, raw)
    message = api.get("/api/v1/message/latest").json()
    assert [(a["PartID"], a["FileName"], a["Size"]) for a in message["Attachments"]] == [("0", "report.pdf", 9)]
    assert api.get(f"/api/v1/message/{message['ID']}/part/0").content == b"%PDF-1.4\n"


def test_an_untyped_octet_stream_is_an_attachment_and_an_unnamed_one_is_served_but_not_listed(
    catcher: MailCatcher, api: httpx.Client
) -> None:
    raw = (
        b"From: shop@example.com\r\nTo: alice@example.com\r\nSubject: Data\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nTwo files.\r\n"
        b'--b\r\nContent-Type: application/octet-stream; name="data.bin"\r\n\r\nDATA\r\n'
        b"--b\r\nContent-Type: application/octet-stream\r\n\r\nANON\r\n--b--\r\n"
    )
    deliver(catcher, raw)
    [summary] = api.get("/api/v1/messages").json()["messages"]
    message = api.get(f"/api/v1/message/{summary['ID']}").json()
    assert [(a["PartID"], a["FileName"]) for a in message["Attachments"]] == [("2", "data.bin")]
    assert summary["Attachments"] == 2, "Mailpit's count includes the part it doesn't list"
    assert api.get(f"/api/v1/message/{summary['ID']}/part/3").content == b"ANON"


def test_an_html_attachment_is_served_sandboxed_and_never_sniffed(catcher: MailCatcher, api: httpx.Client) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "shop@example.com", "alice@example.com", "Page"
    message.set_content("See the page.")
    message.add_attachment("<script>fetch('/api/v1/messages')</script>", subtype="html", filename="page.html")
    deliver(catcher, message)
    response = api.get("/api/v1/message/latest/part/2")
    assert response.headers["Content-Type"] == "text/html"
    assert response.headers["Content-Security-Policy"].startswith("sandbox"), "a sender's HTML runs in no origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_headers_are_a_map_of_canonical_names_to_lists_of_raw_values(catcher: MailCatcher, api: httpx.Client) -> None:
    raw = (
        b"From: Shop <shop@example.com>\r\nTo: alice@example.com\r\nSubject: =?utf-8?q?Caf=C3=A9?=\r\n"
        b"x-campaign-id: spring\r\nX-Trace: first\r\nX-Trace: second\r\n"
        b"X-Folded: one\r\n\t two  \r\n  three\r\nMIME-Version: 1.0\r\n\r\nBody.\r\n"
    )
    deliver(catcher, raw)
    response = api.get("/api/v1/message/latest/headers")
    assert (response.status_code, response.headers["Content-Type"]) == (200, "application/json")
    headers = response.json()
    assert list(headers) == sorted(headers), "Mailpit returns the names in alphabetical order"
    assert headers["Subject"] == ["=?utf-8?q?Caf=C3=A9?="], "values are not decoded"
    assert headers["X-Campaign-Id"] == ["spring"], "names are canonicalised as Go does"
    assert headers["X-Trace"] == ["first", "second"], "a repeated header keeps every value, in order"
    assert headers["X-Folded"] == ["one two three"], "folded lines are joined by one space"
    assert headers["Mime-Version"] == ["1.0"]
    assert headers["Return-Path"] == ["<shop@example.com>"], "the envelope sender, added on receipt"
    assert all(isinstance(v, list) and all(isinstance(s, str) for s in v) for v in headers.values())


def test_headers_of_an_unknown_message_are_404(api: httpx.Client) -> None:
    response = api.get("/api/v1/message/NoSuchMessageId/headers")
    assert (response.status_code, response.text) == (404, "404 page not found")


def test_headers_and_parts_leave_a_message_unread(api: httpx.Client, invoice_id: str) -> None:
    api.get(f"/api/v1/message/{invoice_id}/headers")
    api.get(f"/api/v1/message/{invoice_id}/part/2")
    api.get(f"/api/v1/message/{invoice_id}/raw")
    assert api.get("/api/v1/messages").json()["unread"] == 1, "only the message JSON marks it read, as in Mailpit"
