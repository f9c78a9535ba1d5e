"""A thread-safe, in-memory mailbox shared by the SMTP server and the HTTP API."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from .message import MailMessage, new_id, parse_message


def _now() -> datetime:
    moment = datetime.now().astimezone()
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)  # Mailpit keeps milliseconds


MAX_MESSAGES = 500  # Mailpit's default: the oldest messages go beyond this, so a long run's memory stays flat


@dataclass(frozen=True)
class StoreStats:
    """What Mailpit's /api/v1/info reports about its mailbox and runtime, counted since the store was made."""

    messages: int
    unread: int
    size: int  # bytes of mail held
    uptime: float  # seconds
    accepted: int
    accepted_size: int
    deleted: int  # by the API or pruned past max_messages, as Mailpit counts them


class MessageStore:
    """Holds received messages in arrival order and tracks which ones were read; past `max_messages` (0: no limit)
    the oldest are dropped, as Mailpit prunes."""

    def __init__(self, max_messages: int = MAX_MESSAGES) -> None:
        if max_messages < 0:
            raise ValueError(f"max_messages must be 0 (keep all) or more, not {max_messages}")
        self.max_messages = max_messages
        self._lock = threading.Lock()
        self._messages: dict[str, MailMessage] = {}  # insertion order is arrival order
        self._read: set[str] = set()
        self._started = time.monotonic()
        self._accepted = self._accepted_size = self._deleted = 0

    def add(self, raw: bytes) -> MailMessage:
        """Parse and keep one raw RFC 822 message; return it with its new ID."""
        message = parse_message(raw, new_id(), _now())  # outside the lock: readers never wait on parsing
        with self._lock:
            while message.id in self._messages:
                message = replace(message, id=new_id())
            self._messages[message.id] = message
            self._accepted += 1
            self._accepted_size += len(raw)
            while self.max_messages and len(self._messages) > self.max_messages:
                oldest = next(iter(self._messages))
                del self._messages[oldest]
                self._read.discard(oldest)
                self._deleted += 1
        return message

    def get(self, db_id: str) -> MailMessage | None:
        """Return the message with this ID, or None."""
        with self._lock:
            return self._messages.get(db_id)

    def latest(self) -> MailMessage | None:
        """Return the most recently received message, or None when empty."""
        with self._lock:
            return next(reversed(self._messages.values()), None)

    def messages(self) -> list[MailMessage]:
        """Return a snapshot of all messages, newest first."""
        with self._lock:
            return list(reversed(self._messages.values()))

    def is_read(self, db_id: str) -> bool:
        """Tell whether the message was opened through the API or inbox page."""
        with self._lock:
            return db_id in self._read

    def mark_read(self, db_id: str) -> None:
        """Flag a message as read, as Mailpit does when it is fetched."""
        self.set_read([db_id], True)

    def set_read(self, ids: Iterable[str] | None, read: bool) -> int:
        """Flag these messages (None: every one) read or unread; unknown IDs are ignored. Return how many changed."""
        with self._lock:
            chosen = set(self._messages) if ids is None else {i for i in ids if i in self._messages}
            changed = chosen - self._read if read else chosen & self._read
            if read:
                self._read |= changed
            else:
                self._read -= changed
            return len(changed)

    def unread_count(self) -> int:
        """Count the messages nobody has opened yet."""
        with self._lock:
            return len(self._messages) - len(self._read)

    def delete(self, ids: Iterable[str]) -> int:
        """Delete the messages with these IDs (unknown IDs are ignored); return how many went."""
        with self._lock:
            gone = [db_id for db_id in set(ids) if self._messages.pop(db_id, None) is not None]
            self._read.difference_update(gone)
            self._deleted += len(gone)
            return len(gone)

    def clear(self) -> int:
        """Delete every message; return how many there were."""
        with self._lock:
            count = len(self._messages)
            self._messages.clear()
            self._read.clear()
            self._deleted += count
            return count

    def stats(self) -> StoreStats:
        """Counts for Mailpit's /api/v1/info, taken at one moment."""
        with self._lock:
            return StoreStats(
                messages=len(self._messages),
                unread=len(self._messages) - len(self._read),
                size=sum(m.size for m in self._messages.values()),
                uptime=time.monotonic() - self._started,
                accepted=self._accepted,
                accepted_size=self._accepted_size,
                deleted=self._deleted,
            )

    def __len__(self) -> int:
        with self._lock:
            return len(self._messages)
