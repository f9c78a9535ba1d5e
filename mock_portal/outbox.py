"""A persistent outbox: emails are committed with the order and sent by SMTP, retried with backoff."""

from __future__ import annotations

import logging
import smtplib
import threading
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any, cast

from flask import Flask
from sqlalchemy import CursorResult, insert, or_, select, update
from sqlalchemy.orm import Session

from .addresses import AddressError, mailbox, recipient, sender
from .db import new_session
from .emails import Email
from .models import Account, OutboxEmail

log = logging.getLogger(__name__)
_send_lock = threading.Lock()  # one sender at a time, so no message goes out twice from this process
MAX_BACKOFF = timedelta(seconds=30)
CLAIM_LEASE = timedelta(seconds=60)  # a sender that dies mid-batch leaves its rows to others after this
SMTP_FAULT = "SMTP unavailable (fault injected)"  # last_error of an email held back by its account's SMTP fault
UNDELIVERABLE = "undeliverable"  # last_error's start for an email failed for good (its address); it is not retried
NEVER = datetime(9999, 12, 31)  # next_attempt_at of such an email


def enqueue(db: Session, *emails: Email) -> None:
    """Add emails to the outbox in the caller's transaction (one bulk insert)."""
    if emails:
        db.execute(
            insert(OutboxEmail),
            [{"account_id": e.account_id, "to_address": e.to, "subject": e.subject, "text": e.text, "html": ""} for e in emails],
        )


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 0.5 s, 1 s, 2 s … capped at 30 s."""
    doublings = min(max(attempts - 1, 0), 16)  # 2**16 half-seconds is past the cap; more would overflow timedelta
    return min(timedelta(seconds=0.5 * 2**doublings), MAX_BACKOFF)


def _message(app: Flask, row: OutboxEmail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender(app.config["MAIL_FROM"])
    message["To"] = recipient(row.to_address)  # built from the one mailbox, so no list can be read out of it
    message["Subject"] = row.subject
    message.set_content(row.text)
    return message


def _undeliverable(rows: list[OutboxEmail]) -> dict[int, str]:
    """The rows that must not be sent, with why: an address that isn't one mailbox (an old kept database may hold
    "x,victim@evil.example"), which sent as it is would reach whoever parses out of it."""
    refused: dict[int, str] = {}
    for row in rows:
        try:
            mailbox(row.to_address)
        except AddressError as exc:
            refused[row.id] = f"{UNDELIVERABLE}: {row.to_address[:300]!r} is not one email address ({exc})"
    return refused


def _send_batch(app: Flask, rows: list[OutboxEmail]) -> tuple[set[int], dict[int, str]]:
    """Send rows over one SMTP connection; returns the ids sent and an error per id not sent."""
    sent: set[int] = set()
    errors: dict[int, str] = {}
    envelope_from = sender(app.config["MAIL_FROM"]).addr_spec
    try:
        with smtplib.SMTP(app.config["SMTP_HOST"], int(app.config["SMTP_PORT"]), timeout=5) as smtp:
            for row in rows:
                try:
                    # The envelope names the one stored address, not whatever smtplib would parse out of the headers.
                    smtp.send_message(_message(app, row), from_addr=envelope_from, to_addrs=[row.to_address])
                except smtplib.SMTPResponseException as exc:  # this message refused; the connection still works
                    errors[row.id] = f"{type(exc).__name__}: {exc}"
                else:
                    sent.add(row.id)
    except (OSError, smtplib.SMTPException) as exc:  # the server is gone: every unsent row waits for a retry
        errors.update({row.id: f"{type(exc).__name__}: {exc}" for row in rows if row.id not in sent})
    return sent, errors


def _take(db: Session, row_id: int, seen_attempts: int, now: datetime) -> bool:
    """Compare-and-set one row: only the sender that still sees `seen_attempts` gets it."""
    result = db.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == row_id, OutboxEmail.attempts == seen_attempts, OutboxEmail.sent_at.is_(None))
        .values(attempts=seen_attempts + 1, next_attempt_at=now + CLAIM_LEASE)
    )
    return cast(CursorResult[Any], result).rowcount == 1


def _claim(db: Session, now: datetime, batch: int) -> list[OutboxEmail]:
    """Take due rows for this sender; the compare-and-set on `attempts` keeps other processes off them."""
    due = db.execute(
        select(OutboxEmail.id, OutboxEmail.attempts)
        .where(OutboxEmail.sent_at.is_(None))
        .where(or_(OutboxEmail.next_attempt_at.is_(None), OutboxEmail.next_attempt_at <= now))
        .order_by(OutboxEmail.id)
        .limit(batch)
    ).all()
    claimed = [row_id for row_id, attempts in due if _take(db, row_id, attempts, now)]
    db.commit()
    return list(db.scalars(select(OutboxEmail).where(OutboxEmail.id.in_(claimed)).order_by(OutboxEmail.id)))


def _smtp_faulted(db: Session, rows: list[OutboxEmail]) -> set[int]:
    """The accounts among these rows whose SMTP is made unavailable by an injected fault."""
    account_ids = {row.account_id for row in rows if row.account_id is not None}
    if not account_ids:
        return set()
    return set(db.scalars(select(Account.id).where(Account.id.in_(account_ids), Account.fault_smtp_unavailable)))


def deliver_pending(app: Flask, batch: int = 500) -> int:
    """Send every due email once; failures are kept for a later try with backoff. Returns how many were sent.

    Emails of an account with the SMTP fault are not sent: they count the try and wait like any failure."""
    total = 0
    with _send_lock:
        db = new_session(app)
        try:
            while rows := _claim(db, datetime.now(), batch):
                refused = _undeliverable(rows)
                faulted = _smtp_faulted(db, rows)
                sendable = [row for row in rows if row.account_id not in faulted and row.id not in refused]
                sent, errors = _send_batch(app, sendable) if sendable else (set(), {})
                smtp_failed = bool(errors)
                errors |= {row.id: SMTP_FAULT for row in rows if row.account_id in faulted}
                now = datetime.now()
                for row in rows:
                    if row.id in sent:
                        row.sent_at, row.last_error = now, None
                    elif row.id in refused:  # failed for good: no retry can make the address one mailbox
                        row.last_error, row.next_attempt_at = refused[row.id], NEVER
                        log.warning("email %s not sent, and not retried: %s", row.id, row.last_error)
                    else:
                        row.last_error = errors.get(row.id, "not sent")
                        row.next_attempt_at = now + backoff(row.attempts)
                        log.warning("email %s not sent (try %s): %s", row.id, row.attempts, row.last_error)
                db.commit()
                total += len(sent)
                if smtp_failed:  # the server is down or refusing: leave the rest for the next round
                    break
        finally:
            db.close()
    return total


def retry_now(db: Session, account_id: int) -> None:
    """Make the account's unsent emails due at once (its SMTP fault was lifted); commits.

    Under the send lock, so no row is made due while this process's sender holds it."""
    with _send_lock:
        db.execute(
            update(OutboxEmail)
            .where(OutboxEmail.account_id == account_id, OutboxEmail.sent_at.is_(None))
            .values(next_attempt_at=None)
        )
        db.commit()


def notify(app: Flask) -> None:
    """Mail was queued: wake the app's background sender, or send now when none runs (Flask's test client).

    A request then never waits on a slow or unreachable SMTP server."""
    worker = app.extensions.get("outbox_worker")
    if worker is not None:
        worker.wake()
    else:
        deliver_pending(app)


class OutboxWorker:
    """A background thread that retries unsent emails until stopped."""

    def __init__(self, app: Flask, interval: float = 0.5) -> None:
        self.app, self.interval = app, interval
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)

    def start(self) -> OutboxWorker:
        """Start sending in the background; the app's requests now only wake it."""
        self.app.extensions["outbox_worker"] = self
        self._thread.start()
        return self

    def wake(self) -> None:
        """Ask for a delivery round now (after a commit that queued mail)."""
        self._wake.set()

    def stop(self) -> None:
        """Stop after the current round; the app's requests send mail themselves again."""
        if self.app.extensions.get("outbox_worker") is self:
            del self.app.extensions["outbox_worker"]
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                deliver_pending(self.app)
            except Exception:  # keep the worker alive whatever one round hits
                log.exception("outbox round failed")
            self._wake.wait(self.interval)
            self._wake.clear()
