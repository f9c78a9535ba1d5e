"""Mailpit's AppInformation (`GET /api/v1/info`) for the catcher: its version, mailbox totals and runtime counts."""

from __future__ import annotations

import os
from importlib import metadata
from typing import Any

from .store import MessageStore

DATABASE = ":memory:"  # where Mailpit names its database file: the catcher keeps mail in memory only


def version() -> str:
    """The catcher's own version (the project's), not a Mailpit release it would claim to be."""
    try:
        return metadata.version("renewal-harness")
    except metadata.PackageNotFoundError:
        return "dev"  # run from a checkout that was never installed


def memory_in_use() -> int:
    """Bytes of memory the process holds now (resident set), or 0 where the system doesn't say."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def app_information(store: MessageStore) -> dict[str, Any]:
    """Mailpit's AppInformation, field for field, over `store`."""
    stats = store.stats()
    return {
        "Version": version(),
        "LatestVersion": "disabled",  # what Mailpit reports when it doesn't look for releases; the catcher never does
        "Database": DATABASE,
        "DatabaseSize": stats.size,
        "Messages": stats.messages,
        "Unread": stats.unread,
        "Tags": {},  # the catcher doesn't tag messages
        "RuntimeStats": {
            "Uptime": int(stats.uptime),
            "Memory": memory_in_use(),
            "MessagesDeleted": stats.deleted,
            "SMTPAccepted": stats.accepted,
            "SMTPAcceptedSize": stats.accepted_size,
            "SMTPRejected": 0,  # the catcher takes every message it is sent
            "SMTPIgnored": 0,  # Mailpit ignores duplicates only when told to; the catcher never does
        },
    }
