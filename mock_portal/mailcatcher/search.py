"""Mailpit's search syntax (`to:`, `from:`, `subject:"..."`, bare words, `-` negation) over stored mail."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from .message import Address, MailMessage

_HAS_WORD = re.compile(r"[a-zA-Z0-9]")


@dataclass(frozen=True)
class Term:
    """One search term: an optional `prefix:`, the value to look for, and whether it is negated."""

    prefix: str
    value: str
    negated: bool = False


def split_args(query: str) -> list[str]:
    """Split on spaces outside double quotes and drop the quotes, like Mailpit's ArgsParser."""
    args: list[str] = []
    current: list[str] = []
    quoted = False
    for char in query + " ":
        if char == '"':
            quoted = not quoted
        elif char == " " and not quoted:
            arg = "".join(current).strip()
            if arg:
                args.append(arg)
            current = []
        else:
            current.append(char)
    return args


_PREFIXES = ("to:", "from:", "cc:", "bcc:", "reply-to:", "subject:", "message-id:", "tag:", "after:", "before:")
_FLAGS = ("is:read", "is:unread", "is:tagged", "has:attachment", "has:attachments")


def parse_query(query: str) -> list[Term]:
    """Turn a Mailpit search string into terms that must all hold."""
    terms: list[Term] = []
    for arg in split_args(query):
        negated = len(arg) > 1 and arg[0] in "-!"
        word = arg[1:] if negated else arg
        if not _HAS_WORD.search(word):
            continue  # Mailpit ignores terms without a letter or digit
        lowered = word.lower()
        if lowered in _FLAGS:
            terms.append(Term(lowered, "", negated))
            continue
        prefix = next((p for p in _PREFIXES if lowered.startswith(p)), "")
        value = word[len(prefix) :].strip()
        if prefix in ("after:", "before:") and _parse_when(value) is None:
            continue  # Mailpit ignores dates it cannot read
        if value:
            terms.append(Term(prefix, value, negated))
    return terms


def _in_addresses(addresses: tuple[Address, ...], needle: str) -> bool:
    return any(needle in str(a).casefold() for a in addresses)


def _parse_when(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.astimezone()


def _after(message: MailMessage, value: str) -> bool:
    moment = _parse_when(value)
    return moment is not None and message.created >= moment


def _before(message: MailMessage, value: str) -> bool:
    moment = _parse_when(value)
    return moment is not None and message.created <= moment


_CHECKS: dict[str, Callable[[MailMessage, str], bool]] = {
    "to:": lambda m, v: _in_addresses(m.to, v.casefold()),
    "from:": lambda m, v: _in_addresses((m.sender,) if m.sender else (), v.casefold()),
    "cc:": lambda m, v: _in_addresses(m.cc, v.casefold()),
    "bcc:": lambda m, v: _in_addresses(m.bcc, v.casefold()),
    "reply-to:": lambda m, v: _in_addresses(m.reply_to, v.casefold()),
    "subject:": lambda m, v: v.casefold() in m.subject.casefold(),
    "message-id:": lambda m, v: v.casefold() in m.message_id.casefold(),
    "tag:": lambda m, v: False,  # the catcher does not tag messages
    "is:tagged": lambda m, v: False,
    "has:attachment": lambda m, v: m.attachment_count > 0,
    "has:attachments": lambda m, v: m.attachment_count > 0,
    "after:": _after,
    "before:": _before,
    "": lambda m, v: v.casefold() in m.search_text,
}


def matches(message: MailMessage, read: bool, terms: list[Term]) -> bool:
    """Tell whether a message satisfies every term."""
    for term in terms:
        if term.prefix in ("is:read", "is:unread"):
            hit = read == (term.prefix == "is:read")
        else:
            hit = _CHECKS[term.prefix](message, term.value)
        if hit == term.negated:
            return False
    return True
