"""A message's MIME parts numbered and sorted the way Mailpit's parser (enmime) does it.

PartIDs: the message itself is "0"; the parts of a top-level multipart are "1", "2", …; the parts of a nested
multipart "2" are "2.1", "2.2", … (and the nested multipart itself becomes "2.0"). Attachments are parts marked
`attachment` or typed application/octet-stream; inline parts are parts marked `inline`, plus the other non-text
parts nobody marked (e.g. an image with only a Content-ID). Mailpit's message JSON lists those that have a file
name or a Content-ID; `GET .../part/{PartID}` serves any of them.
"""

from __future__ import annotations

import codecs
from collections import deque
from dataclasses import dataclass
from email.message import Message
from urllib.parse import unquote_plus

from .headers import unescape_utf8

_BODY_TYPES = ("text/plain", "text/html")
_OCTET_STREAM = "application/octet-stream"


@dataclass(frozen=True)
class Part:
    """One MIME part with what Mailpit reports about it and its decoded content."""

    part_id: str
    content_type: str
    disposition: str
    file_name: str
    content_id: str
    content: bytes
    is_container: bool

    @property
    def listed(self) -> bool:
        """Whether Mailpit's message JSON shows this part: only those with a file name or a Content-ID."""
        return bool(self.file_name or self.content_id)


@dataclass(frozen=True)
class MessageParts:
    """A message's non-body parts in Mailpit's three groups, each in breadth-first order."""

    attachments: tuple[Part, ...]
    inlines: tuple[Part, ...]
    others: tuple[Part, ...]  # unmarked non-text parts; Mailpit shows them with the inline ones

    def find(self, part_id: str) -> Part | None:
        """The part `GET /api/v1/message/{ID}/part/{PartID}` serves, searched in Mailpit's order."""
        return next((p for p in (*self.inlines, *self.others, *self.attachments) if p.part_id == part_id), None)


def message_parts(msg: Message) -> MessageParts:
    """Number and sort `msg`'s parts as Mailpit does."""
    nodes = _breadth_first(msg)
    root = nodes[0]
    if not root.is_container:
        if not _binary_body(msg, root):
            return MessageParts((), (), ())
        inline = root.disposition == "inline"
        return MessageParts(() if inline else (root,), (root,) if inline else (), ())
    leaves = [p for p in nodes if not p.content_type.startswith("multipart/")]
    return MessageParts(
        attachments=tuple(p for p in nodes if p.disposition == "attachment" or p.content_type == _OCTET_STREAM),
        inlines=tuple(p for p in leaves if p.disposition == "inline"),
        others=tuple(p for p in leaves if not p.disposition and p.content_type not in (_OCTET_STREAM, *_BODY_TYPES)),
    )


def _breadth_first(msg: Message) -> list[Part]:
    found: list[Part] = []
    queue: deque[tuple[Message, str, bool]] = deque([(msg, "0", True)])
    while queue:
        part, number, is_root = queue.popleft()
        children = part.get_payload() if _is_container(part) else None
        if isinstance(children, list):
            prefix = "" if is_root else f"{number}."
            queue.extend((child, f"{prefix}{n}", False) for n, child in enumerate(children, start=1))
            number = number if is_root else f"{number}.0"  # a nested multipart's own ID, once its parts are named
        found.append(_describe(part, number, is_root, isinstance(children, list)))
    return found


def _is_container(part: Message) -> bool:
    # A message/rfc822 part is one leaf to enmime (its content is the whole inner message), not a subtree.
    return part.get_content_maintype() == "multipart" and isinstance(part.get_payload(), list)


def _describe(part: Message, part_id: str, is_root: bool, is_container: bool) -> Part:
    has_type = is_root or part.get("Content-Type") is not None
    content_id = str(part.get("Content-ID", "")).strip().lstrip("<").rstrip(">")
    file_name = part.get_filename() or part.get_param("file") or ""
    return Part(
        part_id=part_id,
        content_type=part.get_content_type() if has_type else "",  # enmime leaves an untyped part's type empty
        disposition=part.get_content_disposition() or "",
        file_name=unescape_utf8(str(file_name)),
        content_id=unescape_utf8(unquote_plus(content_id)),  # RFC 2392: a Content-ID is URL-encoded
        content=b"" if is_container else _content(part),
        is_container=is_container,
    )


def _content(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload(0)
        return inner.as_bytes() if isinstance(inner, Message) else b""
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    charset = part.get_content_charset()
    if not part.get_content_type().startswith("text/") or not charset:
        return data
    try:
        codecs.lookup(charset)
    except LookupError:
        return data  # enmime keeps the bytes of a charset it doesn't know
    return data.decode(charset, "replace").encode("utf-8")  # enmime hands out text parts as UTF-8


def _binary_body(msg: Message, root: Part) -> bool:
    """enmime's test for a single-part message that is an attachment rather than a text body."""
    if msg.get("Content-Type") is None or root.content_type in _BODY_TYPES:
        return root.disposition == "attachment"
    return True
