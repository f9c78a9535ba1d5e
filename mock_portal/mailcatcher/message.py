"""Parse raw RFC 822 mail into the fields Mailpit's API reports."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from .headers import unescape_utf8
from .htmltext import html_to_text
from .parts import Part, message_parts

# Mailpit's IDs are shortuuids: 22 characters from this base57 alphabet.
_ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_SNIPPET_LIMIT = 200
_SPACES = re.compile(r"\s+")


def new_id() -> str:
    """Return a random 22-character, URL-safe ID in Mailpit's shortuuid style."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(22))


def rfc3339(moment: datetime) -> str:
    """Format an aware datetime the way Go's RFC3339Nano does (Mailpit's JSON dates)."""
    if moment.tzinfo is None:
        raise ValueError(f"{moment!r} has no timezone; Mailpit dates always carry one")
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    fraction = f"{moment.microsecond:06d}".rstrip("0")
    if fraction:
        text += "." + fraction
    offset = moment.strftime("%z")
    return text + ("Z" if offset == "+0000" else f"{offset[:3]}:{offset[3:]}")


@dataclass(frozen=True)
class Address:
    """One mailbox, as Mailpit's `{"Name", "Address"}` pair."""

    name: str
    address: str

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>" if self.name else self.address


@dataclass(frozen=True)
class Attachment:
    """A non-body MIME part: an attachment or an inline image."""

    part_id: str
    file_name: str
    content_type: str
    content_id: str
    size: int
    md5: str
    sha1: str
    sha256: str


@dataclass(frozen=True)
class MailMessage:
    """A received message with everything the API and inbox pages show."""

    id: str
    raw: bytes
    created: datetime
    message_id: str
    sender: Address | None
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    bcc: tuple[Address, ...]
    reply_to: tuple[Address, ...]
    return_path: str
    subject: str
    date: datetime
    text: str
    html: str
    snippet: str
    inline: tuple[Attachment, ...]
    attachments: tuple[Attachment, ...]
    attachment_count: int  # every attachment part, listed or not: the summary's count, as Mailpit stores it
    list_unsubscribe: str
    list_unsubscribe_post: str
    search_text: str

    @property
    def size(self) -> int:
        """Size of the raw message in bytes."""
        return len(self.raw)


def parse_message(raw: bytes, db_id: str, created: datetime) -> MailMessage:
    """Parse raw RFC 822 bytes, stored as `db_id` and received at `created`, into a MailMessage."""
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(msg, EmailMessage)  # policy.default always builds EmailMessage
    senders = _addresses(msg, "From")
    sender = senders[0] if senders else None
    text_part, html_part = msg.get_body(("plain",)), msg.get_body(("html",))
    html = _normalise(_content(html_part)) if html_part is not None else ""
    text = _normalise(_content(text_part)) if text_part is not None else html_to_text(html)
    parts = message_parts(msg)
    inline = tuple(_attachment(p) for p in (*parts.inlines, *parts.others) if p.listed)
    attachments = tuple(_attachment(p) for p in parts.attachments if p.listed)
    to, cc, bcc = _addresses(msg, "To"), _addresses(msg, "Cc"), _addresses(msg, "Bcc")
    reply_to = _addresses(msg, "Reply-To")
    subject = _header(msg, "Subject")
    return_path = _header(msg, "Return-Path").strip("<>") or (sender.address if sender else "")
    searchable = [subject, *map(str, (*senders, *to, *cc, *bcc, *reply_to)), text, html_to_text(html)]
    searchable += [a.file_name for a in (*inline, *attachments)]
    return MailMessage(
        id=db_id,
        raw=raw,
        created=created,
        message_id=_header(msg, "Message-ID").strip("<>"),
        sender=sender,
        to=to,
        cc=cc,
        bcc=bcc,
        reply_to=reply_to,
        return_path=return_path,
        subject=subject,
        date=_date(msg) or created,
        text=text,
        html=html,
        snippet=_snippet(text, html),
        inline=inline,
        attachments=attachments,
        attachment_count=len(parts.attachments),
        list_unsubscribe=_header(msg, "List-Unsubscribe"),
        list_unsubscribe_post=_header(msg, "List-Unsubscribe-Post"),
        search_text=" ".join(searchable).casefold(),
    )


def _header(msg: Message, name: str) -> str:
    value = msg.get(name)
    return "" if value is None else unescape_utf8(_SPACES.sub(" ", str(value)).strip())


def _addresses(msg: Message, name: str) -> tuple[Address, ...]:
    pairs: list[tuple[str, str]] = []
    for value in msg.get_all(name) or []:
        parsed = getattr(value, "addresses", ())  # policy.default's AddressHeader, names decoded
        if parsed:
            pairs += [(a.display_name, a.addr_spec) for a in parsed]
        else:
            pairs += getaddresses([str(value)])
    return tuple(Address(unescape_utf8(n), unescape_utf8(a)) for n, a in pairs if a or n)


def _date(msg: Message) -> datetime | None:
    value = _header(msg, "Date")
    try:
        parsed = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None
    if parsed is not None and parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)  # "-0000" means UTC with no claim about local time
    return parsed


def _content(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
    except (LookupError, ValueError):
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def _normalise(body: str) -> str:
    return body.replace("\r\n", "\n")


def _attachment(part: Part) -> Attachment:
    return Attachment(
        part_id=part.part_id,
        file_name=part.file_name or part.content_id,  # Mailpit names a part that has no file name by its Content-ID
        content_type=part.content_type,
        content_id=part.content_id,
        size=len(part.content),
        md5=hashlib.md5(part.content).hexdigest(),
        sha1=hashlib.sha1(part.content).hexdigest(),
        sha256=hashlib.sha256(part.content).hexdigest(),
    )


def _snippet(text: str, html: str) -> str:
    source = html_to_text(html) if html.strip() else text
    flat = _SPACES.sub(" ", source.replace("\ufeff", " ")).strip()
    return flat if len(flat) <= _SNIPPET_LIMIT else flat[:_SNIPPET_LIMIT] + "..."
