"""The catcher keeps at most its limit of messages, oldest dropped first, as Mailpit prunes: a long run's memory is flat."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_portal.__main__ import build_parser
from mock_portal.mailcatcher import MessageStore
from mock_portal.server import PortalStack


def raw(number: int) -> bytes:
    return f"From: a@x.example\r\nTo: b@x.example\r\nSubject: message {number}\r\n\r\nbody {number}\r\n".encode()


def test_past_the_limit_the_oldest_messages_are_dropped() -> None:
    store = MessageStore(max_messages=3)
    received = [store.add(raw(n)) for n in range(5)]

    assert [m.subject for m in store.messages()] == ["message 4", "message 3", "message 2"]
    assert store.get(received[0].id) is None and len(store) == 3


def test_a_dropped_message_no_longer_counts_as_read_or_unread() -> None:
    store = MessageStore(max_messages=2)
    first = store.add(raw(0))
    store.mark_read(first.id)
    store.add(raw(1))
    store.add(raw(2))

    assert store.unread_count() == 2 and not store.is_read(first.id)


def test_a_limit_of_zero_keeps_every_message() -> None:
    store = MessageStore(max_messages=0)
    for n in range(600):
        store.add(raw(n))

    assert len(store) == 600


def test_the_default_limit_is_mailpits_500() -> None:
    store = MessageStore()
    for n in range(510):
        store.add(raw(n))

    assert len(store) == 500 and store.messages()[-1].subject == "message 10"


def test_a_negative_limit_is_refused_with_what_to_give() -> None:
    with pytest.raises(ValueError, match="0 \\(keep all\\) or more"):
        MessageStore(max_messages=-1)


def test_the_served_catcher_keeps_the_limit_given_on_the_command_line(tmp_path: Path, portal_env: None) -> None:
    args = build_parser().parse_args(["serve", "--mail-max-messages", "7"])
    stack = PortalStack(
        port=0, smtp_port=0, mail_port=0, database_url=f"sqlite:///{tmp_path}/p.db", seed_demo=False,
        mail_max_messages=args.mail_max_messages,
    )  # fmt: skip
    with stack:
        assert stack.catcher is not None and stack.catcher.store.max_messages == 7
