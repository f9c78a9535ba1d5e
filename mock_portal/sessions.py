"""Server-side sign-in sessions: the cookie holds a random token, the database a row (by the token's hash) saying
whose session it is and since when, so signing out or timing out ends every copy of the cookie."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from .db import new_session
from .models import User, UserSession

TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often, not on every request


def now() -> datetime:
    """The UTC wall clock sessions are judged by (tests replace this function)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session may sit unused, and how long it may live at all."""

    idle: timedelta
    lifetime: timedelta


def policy(config: Mapping[str, Any]) -> SessionPolicy:
    """The app's SESSION_IDLE_TIMEOUT and SESSION_LIFETIME (seconds)."""
    return SessionPolicy(
        idle=timedelta(seconds=int(config["SESSION_IDLE_TIMEOUT"])),
        lifetime=timedelta(seconds=int(config["SESSION_LIFETIME"])),
    )


def token_hash(token: str) -> str:
    """What the database keeps of a session token: its SHA-256, so a copy of the table signs no one in."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def has_expired(created_at: datetime, last_seen_at: datetime, at: datetime, rules: SessionPolicy) -> bool:
    """Whether a session is over at `at`: unused for the idle timeout, or older than its lifetime."""
    return at - last_seen_at >= rules.idle or at - created_at >= rules.lifetime


def needs_touch(last_seen_at: datetime, at: datetime, rules: SessionPolicy) -> bool:
    """Whether to record use at `at`: once a minute at most, but often enough for a short idle timeout."""
    return at - last_seen_at >= min(TOUCH_EVERY, rules.idle / 2)


def _utc_now() -> datetime:
    # Stored naive (SQLite keeps no offset) and always UTC.
    return now().astimezone(UTC).replace(tzinfo=None)


def start(db: Session, user_id: int, rules: SessionPolicy) -> str:
    """Open a session for the user (removing every expired one, whoever's: users who never come back leave none
    behind) and return the token for the cookie."""
    at = _utc_now()
    db.execute(
        delete(UserSession).where(
            or_(UserSession.last_seen_at <= at - rules.idle, UserSession.created_at <= at - rules.lifetime)
        )
    )
    token = secrets.token_urlsafe(32)
    db.add(UserSession(token_hash=token_hash(token), user_id=user_id, created_at=at, last_seen_at=at))
    db.commit()
    return token


def signed_in_user(db: Session, token: object, rules: SessionPolicy) -> User | None:
    """The user whose live session `token` is; None for no, an unknown, an ended or an expired session."""
    if not isinstance(token, str) or not token:
        return None
    row = db.scalar(select(UserSession).where(UserSession.token_hash == token_hash(token)))
    if row is None:
        return None
    at = _utc_now()
    if has_expired(row.created_at, row.last_seen_at, at, rules):
        _write(delete(UserSession).where(UserSession.id == row.id))
        return None
    if needs_touch(row.last_seen_at, at, rules):
        _write(update(UserSession).where(UserSession.id == row.id).values(last_seen_at=at))
    return db.get(User, row.user_id)


def end(db: Session, token: object) -> None:
    """End the session `token` names, for every copy of its cookie."""
    if isinstance(token, str) and token:
        db.execute(delete(UserSession).where(UserSession.token_hash == token_hash(token)))
        db.commit()


def _write(statement: Any) -> None:
    # Its own transaction: committing the request's session here would commit a view's unfinished work too.
    db = new_session()
    try:
        db.execute(statement)
        db.commit()
    finally:
        db.close()
