"""The client of a Mailpit-compatible mail API (v1): the portal's embedded catcher or a real Mailpit."""

from __future__ import annotations

import builtins
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx

from .base import ClientError, JsonClient, ServiceUnavailable

_PAGE = 200
MAILBOX_HINT = "the portal's mail catcher (`renewals serve` starts one) or Mailpit must be running there"


class MailboxError(ClientError):
    """The mail API answered, but not as expected."""


class MailboxUnavailable(MailboxError, ServiceUnavailable):
    """The mail API could not be reached at all."""


class MessageNotFound(MailboxError, LookupError):
    """No message has the requested ID."""


class MailboxTimeout(MailboxError, TimeoutError):
    """Fewer messages than expected arrived before the deadline."""


class WaitCancelled(MailboxError):
    """A wait_for ended early because its caller set the cancel event."""


class UnexpectedMessages(MailboxError):
    """More messages than expected matched the query."""


def _address(data: dict[str, Any] | None) -> str:
    return str((data or {}).get("Address") or "")


def _envelope(data: dict[str, Any]) -> dict[str, Any]:
    """The fields a listed message and a read one share, from Mailpit's JSON."""
    return {
        "id": data["ID"],
        "subject": data.get("Subject", ""),
        "from_address": _address(data.get("From")),
        "to_addresses": tuple(_address(a) for a in data.get("To") or []),
    }


@dataclass(frozen=True)
class MessageSummary:
    """One message as listed by the API."""

    id: str
    subject: str
    from_address: str
    to_addresses: tuple[str, ...]
    created: datetime

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MessageSummary:
        """Build from one entry of Mailpit's `messages` list."""
        return cls(**_envelope(data), created=datetime.fromisoformat(data["Created"]))


@dataclass(frozen=True)
class Message(MessageSummary):
    """One message with its bodies; `created` is Mailpit's `Date` (the Date header, else receipt time)."""

    text: str
    html: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Message:
        """Build from Mailpit's `GET /api/v1/message/{ID}` answer."""
        return cls(
            **_envelope(data),
            created=datetime.fromisoformat(data["Date"]),
            text=data.get("Text", ""),
            html=data.get("HTML", ""),
        )


class Mailbox(JsonClient):
    """Reads and clears a Mailpit-compatible mailbox at `base_url` (e.g. http://127.0.0.1:8025)."""

    service = "the mail API"
    url_name = "mail API URL"
    start_hint = MAILBOX_HINT
    error = MailboxError
    unavailable = MailboxUnavailable
    default_timeout = 5.0

    def list(self, limit: int | None = None) -> builtins.list[MessageSummary]:
        """Every message in the mailbox (or the newest `limit`), newest first."""
        if limit is not None:
            page = self._request("GET", "/api/v1/messages", params={"start": "0", "limit": str(limit)})
            return [MessageSummary.from_json(m) for m in (page.get("messages") or [])[:limit]]
        return self._collect("/api/v1/messages", {})

    def count(self) -> int:
        """How many messages the mailbox holds."""
        return int(self._request("GET", "/api/v1/messages", params={"limit": "1"})["total"])

    def search(self, query: str) -> builtins.list[MessageSummary]:
        """Return every message matching a Mailpit search such as `to:a@b.c subject:"Order"`, newest first."""
        return self._collect("/api/v1/search", {"query": query})

    def get(self, id: str) -> Message:
        """Return one message with its text and HTML bodies; `latest` means the newest."""
        return Message.from_json(self._request("GET", f"/api/v1/message/{quote(id, safe='')}"))

    def headers(self, id: str) -> dict[str, builtins.list[str]]:
        """One message's headers, each name with every value it has (Mailpit's `GET /api/v1/message/{ID}/headers`)."""
        data = self._request("GET", f"/api/v1/message/{quote(id, safe='')}/headers")
        return {str(name): [str(v) for v in values] for name, values in data.items()}

    def mark_read(self, ids: Iterable[str], read: bool = True) -> None:
        """Mark these messages read (or unread); an empty list marks nothing (Mailpit would mark every message)."""
        wanted = builtins.list(ids)
        if wanted:
            self._request("PUT", "/api/v1/messages", {"IDs": wanted, "Read": read}, json_answer=False)

    def delete(self, ids: Iterable[str]) -> None:
        """Delete these messages; an empty list deletes nothing (Mailpit would delete everything)."""
        wanted = builtins.list(ids)
        if wanted:
            self._request("DELETE", "/api/v1/messages", {"IDs": wanted}, json_answer=False)

    def delete_all(self) -> None:
        """Delete every message in the mailbox."""
        self._request("DELETE", "/api/v1/messages", {}, json_answer=False)

    def wait_for(
        self,
        query: str,
        count: int,
        timeout: float = 10.0,
        settle: float = 0.5,
        poll: float = 0.05,
        cancel: threading.Event | None = None,
    ) -> builtins.list[MessageSummary]:
        """Wait until exactly `count` messages match `query` and no more arrive for `settle` seconds; setting
        `cancel` (from another thread) ends the wait early with WaitCancelled."""
        if count < 0:
            raise ValueError(f"count must be 0 or more, not {count}")
        cancel = cancel or threading.Event()
        deadline = time.monotonic() + timeout
        seen = self.search(query)
        while len(seen) < count:
            if time.monotonic() >= deadline:
                raise MailboxTimeout(
                    f"waited {timeout:g}s for {count} message(s) matching {query!r} at {self.base_url} "
                    f"but saw {len(seen)}: {_subjects(seen)}"
                )
            if cancel.wait(min(poll, max(0.0, deadline - time.monotonic()))):
                raise WaitCancelled(f"stopped waiting for {query!r}: the caller no longer needs it")
            seen = self.search(query)
        if len(seen) == count and settle > 0:
            # A second message is only looked for once the quiet time is over: polling through it would find one
            # no sooner than the end, and would take CPU from the browser and the portal meanwhile.
            if cancel.wait(settle):
                raise WaitCancelled(f"stopped waiting for {query!r}: the caller no longer needs it")
            seen = self.search(query)
        if len(seen) > count:
            raise UnexpectedMessages(
                f"expected {count} message(s) matching {query!r} at {self.base_url} but {len(seen)} arrived: "
                f"{_subjects(seen)}"
            )
        return seen

    def _collect(self, path: str, params: dict[str, str]) -> builtins.list[MessageSummary]:
        found: builtins.list[MessageSummary] = []
        while True:
            page = self._request("GET", path, params={**params, "start": str(len(found)), "limit": str(_PAGE)})
            entries = page.get("messages") or []
            found += [MessageSummary.from_json(m) for m in entries]
            if not entries or len(found) >= int(page.get("messages_count", 0)):
                return found

    def _refusal(self, method: str, response: httpx.Response) -> ClientError:
        path = response.request.url.path
        if response.status_code == 404 and path.startswith("/api/v1/message/"):
            return MessageNotFound(f"no message {path.split('/')[4]!r} at {self.base_url}", 404, str(response.request.url))
        return super()._refusal(method, response)


def _subjects(messages: Iterable[MessageSummary]) -> builtins.list[str]:
    return [m.subject for m in messages]
