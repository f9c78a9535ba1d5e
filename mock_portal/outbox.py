"""A persistent outbox: emails are committed with the order and sent by SMTP, retried with backoff."""

from __future__ import annotations

import logging
import smtplib
import threading
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import Flask
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .db import new_session
from .emails import Email
from .models import OutboxEmail

log = logging.getLogger(__name__)
_send_lock = threading.Lock()  # one sender at a time, so no message goes out twice from this process
MAX_BACKOFF = timedelta(seconds=30)


def enqueue(db: Session, email: Email) -> None:
    """Add an email to the outbox in the caller's transaction."""
    db.add(OutboxEmail(to_address=email.to, subject=email.subject, text=email.text, html=""))


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 0.5 s, 1 s, 2 s … capped at 30 s."""
    return min(timedelta(seconds=0.5 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _smtp_send(app: Flask, row: OutboxEmail) -> None:
    message = EmailMessage()
    message["From"] = app.config["MAIL_FROM"]
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message.set_content(row.text)
    with smtplib.SMTP(app.config["SMTP_HOST"], int(app.config["SMTP_PORT"]), timeout=5) as smtp:
        smtp.send_message(message)


def deliver_pending(app: Flask) -> int:
    """Send every due email once; failures are kept for a later try. Returns how many were sent."""
    sent = 0
    with _send_lock:
        db = new_session(app)
        try:
            now = datetime.now()
            due = db.scalars(
                select(OutboxEmail)
                .where(OutboxEmail.sent_at.is_(None))
                .where(or_(OutboxEmail.attempts == 0, OutboxEmail.next_attempt_at <= now))
                .order_by(OutboxEmail.id)
            ).all()
            for row in due:
                row.attempts += 1
                try:
                    _smtp_send(app, row)
                except (OSError, smtplib.SMTPException) as exc:
                    row.last_error = f"{type(exc).__name__}: {exc}"
                    row.next_attempt_at = datetime.now() + backoff(row.attempts)
                    log.warning("email %s not sent (try %s): %s", row.id, row.attempts, row.last_error)
                else:
                    row.sent_at = datetime.now()
                    sent += 1
                db.commit()
        finally:
            db.close()
    return sent


class OutboxWorker:
    """A background thread that retries unsent emails until stopped."""

    def __init__(self, app: Flask, interval: float = 0.5) -> None:
        self.app, self.interval = app, interval
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)

    def start(self) -> OutboxWorker:
        """Start sending in the background."""
        self._thread.start()
        return self

    def wake(self) -> None:
        """Ask for a delivery round now (after a commit that queued mail)."""
        self._wake.set()

    def stop(self) -> None:
        """Stop after the current round."""
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
