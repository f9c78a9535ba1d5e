"""The SMTP side of the catcher: an aiosmtpd handler that files every message in a MessageStore."""

from __future__ import annotations

import asyncio
from email import policy
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from .headers import split_head, unescape_utf8
from .message import new_id
from .store import MessageStore


class StoreHandler:
    """aiosmtpd handler that stamps the envelope onto each message and keeps it."""

    def __init__(self, store: MessageStore) -> None:
        self.store = store

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Store the message and accept it."""
        content = envelope.original_content or envelope.content or b""
        raw = content if isinstance(content, bytes) else content.encode("utf-8")
        self.store.add(stamp_envelope(raw, envelope.mail_from or "", envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def stamp_envelope(raw: bytes, mail_from: str, rcpt_tos: list[str]) -> bytes:
    """Add what Mailpit adds on receipt: Return-Path, a missing Message-Id, and hidden recipients as Bcc."""
    head, body = split_head(raw)
    headers = BytesHeaderParser(policy=policy.default).parsebytes(head)

    def values(name: str) -> list[str]:
        return [str(v) for v in headers.get_all(name, [])]

    added: list[bytes] = []
    if (values("Return-Path") or [""])[0].strip().strip("<>") != mail_from:
        head = _drop(head, b"return-path")
        added.append(b"Return-Path: <" + mail_from.encode() + b">\r\n")
    if not any(v.strip() for v in values("Message-Id")):
        added.append(b"Message-Id: <" + new_id().encode() + b"@mailpit>\r\n")
    existing_bcc = values("Bcc")
    listed = {unescape_utf8(a).lower() for _, a in getaddresses(values("To") + values("Cc") + existing_bcc)}
    # Recipients only on the envelope (smtplib strips Bcc, so do many frameworks) show up as Bcc.
    hidden = [r for r in rcpt_tos if r.lower() not in listed]
    if hidden:
        head = _drop(head, b"bcc")
        added.append(b"Bcc: " + ", ".join(hidden + existing_bcc).encode("utf-8", "surrogateescape") + b"\r\n")
    return b"".join(added) + head + body


def _drop(head: bytes, name: bytes) -> bytes:
    kept: list[bytes] = []
    dropping = False
    for line in head.splitlines(keepends=True):
        if line[:1] not in (b" ", b"\t"):
            dropping = line.split(b":", 1)[0].strip().lower() == name
        if not dropping:
            kept.append(line)
    return b"".join(kept)


class _PortReportingController(Controller):
    """A Controller that learns its real port when asked to bind port 0."""

    def _trigger_server(self) -> None:
        # aiosmtpd connects to self.port to finish starting, so it must be the bound port by then.
        if self.port == 0 and isinstance(self.server, asyncio.Server):
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def start_smtp(store: MessageStore, host: str = "127.0.0.1", port: int = 1025, **smtp_options: Any) -> Controller:
    """Start an SMTP server filing mail into `store`; port 0 picks a free port, read it from `.port`."""
    smtp_options.setdefault("enable_SMTPUTF8", True)  # Mailpit accepts internationalised addresses too
    controller = _PortReportingController(StoreHandler(store), hostname=host, port=port, **smtp_options)
    controller.start()
    return controller
