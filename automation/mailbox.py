"""A client for Mailpit's API v1: works against the embedded catcher or a real Mailpit."""

from __future__ import annotations

import builtins
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

_PAGE = 200


class MailboxError(Exception):
    """The mail API answered, but not as expected."""


class MailboxUnavailable(MailboxError):
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
        return cls(
            id=data["ID"],
            subject=data.get("Subject", ""),
            from_address=_address(data.get("From")),
            to_addresses=tuple(_address(a) for a in data.get("To") or []),
            created=datetime.fromisoformat(data["Created"]),
        )


@dataclass(frozen=True)
class Message(MessageSummary):
    """One message with its bodies; `created` is Mailpit's `Date` (the Date header, else receipt time)."""

    text: str
    html: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Message:
        """Build from Mailpit's `GET /api/v1/message/{ID}` answer."""
        return cls(
            id=data["ID"],
            subject=data.get("Subject", ""),
            from_address=_address(data.get("From")),
            to_addresses=tuple(_address(a) for a in data.get("To") or []),
            created=datetime.fromisoformat(data["Date"]),
            text=data.get("Text", ""),
            html=data.get("HTML", ""),
        )


class Mailbox:
    """Reads and clears a Mailpit-compatible mailbox at `api_url` (e.g. http://127.0.0.1:8025)."""

    def __init__(self, api_url: str, request_timeout: float = 5.0) -> None:
        if not api_url.startswith(("http://", "https://")):
            raise ValueError(f"mail API URL {api_url!r} must start with http:// or https://")
        self.api_url = api_url.rstrip("/")
        self.request_timeout = request_timeout

    def list(self) -> builtins.list[MessageSummary]:
        """Return every message in the mailbox, newest first."""
        return self._collect("/api/v1/messages", {})

    def search(self, query: str) -> builtins.list[MessageSummary]:
        """Return every message matching a Mailpit search such as `to:a@b.c subject:"Order"`, newest first."""
        return self._collect("/api/v1/search", {"query": query})

    def get(self, id: str) -> Message:
        """Return one message with its text and HTML bodies; `latest` means the newest."""
        data = self._request("GET", f"/api/v1/message/{urllib.parse.quote(id, safe='')}")
        return Message.from_json(data)

    def delete(self, ids: Iterable[str]) -> None:
        """Delete these messages; an empty list deletes nothing (Mailpit would delete everything)."""
        wanted = builtins.list(ids)
        if wanted:
            self._request("DELETE", "/api/v1/messages", {"IDs": wanted})

    def delete_all(self) -> None:
        """Delete every message in the mailbox."""
        self._request("DELETE", "/api/v1/messages", {})

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
                    f"waited {timeout:g}s for {count} message(s) matching {query!r} at {self.api_url} "
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
                f"expected {count} message(s) matching {query!r} at {self.api_url} but {len(seen)} arrived: {_subjects(seen)}"
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

    def _request(self, method: str, path: str, body: Any = None, params: dict[str, str] | None = None) -> dict[str, Any]:
        url = self.api_url + path + ("?" + urllib.parse.urlencode(params) if params else "")
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.request_timeout) as response:
                payload = response.read()
                is_json = response.headers.get_content_type() == "application/json"
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace").strip()
            if error.code == 404 and path.startswith("/api/v1/message/"):
                raise MessageNotFound(f"no message {path.rsplit('/', 1)[-1]!r} at {self.api_url}") from error
            raise MailboxError(f"{method} {url} answered {error.code}: {detail}") from error
        except OSError as error:  # refused, reset, DNS failure, timeout
            reason = getattr(error, "reason", error)
            raise MailboxUnavailable(
                f"cannot reach the mail API at {url} ({reason}); the portal's mail catcher "
                "(`renewals serve` starts one) or Mailpit must be running there"
            ) from error
        return json.loads(payload) if is_json else {}


def _subjects(messages: Iterable[MessageSummary]) -> builtins.list[str]:
    return [m.subject for m in messages]
