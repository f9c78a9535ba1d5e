"""Read status and application information as Mailpit's API v1 has them: `PUT /api/v1/messages` with `IDs`, a
`Search` or neither (every message), `Read` in summaries, `unread` counts, and `GET /api/v1/info`."""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterator
from email.message import EmailMessage

import httpx
import pytest

from mock_portal.mailcatcher import MailCatcher

Send = Callable[[str], str]
APP_INFORMATION = {"Version", "LatestVersion", "Database", "DatabaseSize", "Messages", "Unread", "Tags", "RuntimeStats"}
RUNTIME_STATS = {"Uptime", "Memory", "MessagesDeleted", "SMTPAccepted", "SMTPAcceptedSize", "SMTPRejected", "SMTPIgnored"}


@pytest.fixture
def api(catcher: MailCatcher) -> Iterator[httpx.Client]:
    """An HTTP client on the running catcher's API."""
    with httpx.Client(base_url=catcher.api_url, timeout=5) as client:
        yield client


@pytest.fixture
def send(catcher: MailCatcher, api: httpx.Client) -> Send:
    """Send one message with this subject over SMTP; return its ID."""

    def deliver(subject: str) -> str:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "shop@example.com", "alice@example.com", subject
        message.set_content(f"About: {subject}.")
        with smtplib.SMTP(catcher.host, catcher.smtp_port, timeout=5) as smtp:
            smtp.send_message(message)
        newest = api.get("/api/v1/messages", params={"limit": 1}).json()["messages"][0]
        assert newest["Subject"] == subject
        return str(newest["ID"])

    return deliver


def read_flags(api: httpx.Client) -> dict[str, bool]:
    """Each message's Read flag by subject, from the list."""
    return {m["Subject"]: m["Read"] for m in api.get("/api/v1/messages").json()["messages"]}


def put(api: httpx.Client, body: object) -> httpx.Response:
    """PUT /api/v1/messages with a JSON body."""
    return api.put("/api/v1/messages", json=body)


def test_ids_mark_only_those_messages_read_and_unread_again(api: httpx.Client, send: Send) -> None:
    invoice, receipt = send("Invoice"), send("Receipt")
    response = put(api, {"IDs": [invoice], "Read": True})
    assert (response.status_code, response.headers["Content-Type"], response.text) == (200, "text/plain; charset=utf-8", "ok")
    assert read_flags(api) == {"Invoice": True, "Receipt": False}
    listing = api.get("/api/v1/messages").json()
    assert (listing["unread"], listing["messages_unread"]) == (1, 1)
    assert put(api, {"IDs": [invoice, receipt], "Read": False}).text == "ok"
    assert read_flags(api) == {"Invoice": False, "Receipt": False}


def test_marking_unread_undoes_the_read_that_opening_a_message_does(api: httpx.Client, send: Send) -> None:
    invoice = send("Invoice")
    api.get(f"/api/v1/message/{invoice}")
    assert read_flags(api) == {"Invoice": True}
    put(api, {"IDs": [invoice], "Read": False})
    assert read_flags(api) == {"Invoice": False}


def test_a_search_marks_only_the_matching_messages(api: httpx.Client, send: Send) -> None:
    for subject in ("Invoice 1", "Invoice 2", "Reminder"):
        send(subject)
    assert put(api, {"Search": "subject:Invoice", "Read": True}).text == "ok"
    assert read_flags(api) == {"Invoice 1": True, "Invoice 2": True, "Reminder": False}
    found = api.get("/api/v1/search", params={"query": "is:unread"}).json()
    assert ([m["Subject"] for m in found["messages"]], found["messages_unread"], found["unread"]) == (["Reminder"], 1, 1)
    assert [m["Subject"] for m in api.get("/api/v1/search", params={"query": "is:read"}).json()["messages"]] == [
        "Invoice 2",
        "Invoice 1",
    ]


def test_neither_ids_nor_search_sets_every_message(api: httpx.Client, send: Send) -> None:
    send("One")
    send("Two")
    put(api, {"Read": True})
    assert read_flags(api) == {"One": True, "Two": True} and api.get("/api/v1/messages").json()["unread"] == 0
    put(api, {})  # Read defaults to false, as in Mailpit
    assert read_flags(api) == {"One": False, "Two": False} and api.get("/api/v1/messages").json()["unread"] == 2


def test_field_names_match_ignoring_case_as_mailpits_decoder_does(api: httpx.Client, send: Send) -> None:
    invoice = send("Invoice")
    send("Receipt")
    assert put(api, {"ids": [invoice], "read": True}).status_code == 200
    assert read_flags(api) == {"Invoice": True, "Receipt": False}


def test_unknown_ids_are_ignored(api: httpx.Client, send: Send) -> None:
    send("Invoice")
    assert put(api, {"IDs": ["NoSuchMessageId"], "Read": True}).text == "ok"
    assert read_flags(api) == {"Invoice": False}


def test_ids_and_a_search_together_are_refused(api: httpx.Client, send: Send) -> None:
    invoice = send("Invoice")
    response = put(api, {"IDs": [invoice], "Search": "Invoice", "Read": True})
    assert (response.status_code, response.text) == (400, "You may specify either IDs or a search query, not both")
    assert read_flags(api) == {"Invoice": False}


@pytest.mark.parametrize(
    "content",
    [b"", b"IDs=x&Read=true", b"[]", b'{"Read": "yes"}', b'{"IDs": "abc"}', b'{"IDs": [1]}', b'{"Search": 5}'],
    ids=["empty", "form", "array", "read not boolean", "ids not a list", "ids not strings", "search not text"],
)
def test_a_body_mailpit_cannot_decode_is_400_and_changes_nothing(api: httpx.Client, send: Send, content: bytes) -> None:
    send("Invoice")
    response = api.put("/api/v1/messages", content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.text.startswith("Error: "), "the answer says what was wrong"
    assert read_flags(api) == {"Invoice": False}


def test_a_read_status_change_from_another_sites_page_is_refused(api: httpx.Client, send: Send) -> None:
    send("Invoice")
    response = api.put("/api/v1/messages", json={"Read": True}, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert read_flags(api) == {"Invoice": False}


def test_delete_reads_ids_ignoring_case_too(api: httpx.Client, send: Send) -> None:
    drop = send("Drop")
    send("Keep")
    assert api.request("DELETE", "/api/v1/messages", json={"ids": [drop]}).text == "ok"
    assert read_flags(api) == {"Keep": False}, "lower-case ids delete those messages only, not the whole mailbox"


def test_info_has_mailpits_app_information_shape(api: httpx.Client) -> None:
    response = api.get("/api/v1/info")
    assert (response.status_code, response.headers["Content-Type"]) == (200, "application/json")
    info = response.json()
    assert set(info) == APP_INFORMATION and set(info["RuntimeStats"]) == RUNTIME_STATS
    assert info["Version"] and info["LatestVersion"] == "disabled", "the catcher never looks for releases"
    assert (info["Messages"], info["Unread"], info["DatabaseSize"], info["Tags"]) == (0, 0, 0, {})
    assert all(isinstance(v, int) and v >= 0 for v in info["RuntimeStats"].values())
    assert info["RuntimeStats"]["Memory"] > 0


def test_info_counts_follow_the_mailbox(api: httpx.Client, send: Send) -> None:
    first, second = send("First"), send("Second")
    sizes = [m["Size"] for m in api.get("/api/v1/messages").json()["messages"]]
    api.get(f"/api/v1/message/{first}")
    info = api.get("/api/v1/info").json()
    assert (info["Messages"], info["Unread"], info["DatabaseSize"]) == (2, 1, sum(sizes))
    stats = info["RuntimeStats"]
    assert (stats["SMTPAccepted"], stats["SMTPAcceptedSize"], stats["MessagesDeleted"]) == (2, sum(sizes), 0)
    api.request("DELETE", "/api/v1/messages", json={"IDs": [second]})
    info = api.get("/api/v1/info").json()
    assert (info["Messages"], info["Unread"], info["RuntimeStats"]["MessagesDeleted"]) == (1, 0, 1)
    assert info["RuntimeStats"]["SMTPAccepted"] == 2, "accepted counts what arrived, not what is left"
