"""Stand-ins the unit tests share: a loopback port nothing listens on, and a clock for the outbox moved by hand."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class OutboxClock:
    """The outbox's `datetime.now()`, moved by hand, so retries and backoff are checked without waiting."""

    def __init__(self) -> None:
        self.now_value = datetime(2027, 1, 1, 9, 0, 0)

    def advance(self, delta: timedelta) -> None:
        self.now_value += delta
