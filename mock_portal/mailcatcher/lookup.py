"""What the API's views share: the app's mailbox, Mailpit searches, `latest`, and Mailpit's plain-text answers."""

from __future__ import annotations

from flask import Response, current_app, request

from .message import MailMessage
from .search import matches, parse_query
from .store import MessageStore


def mailbox() -> MessageStore:
    """The mailbox the running mail app serves."""
    found: MessageStore = current_app.extensions["mail_store"]
    return found


def plain(text: str, status: int = 200) -> Response:
    """A text/plain answer, as Mailpit gives `ok` and its errors."""
    return Response(text, status=status, content_type="text/plain; charset=utf-8")


def not_found() -> Response:
    """Mailpit's 404 for an unknown message or part."""
    return plain("404 page not found", 404)


def search(query: str) -> list[MailMessage]:
    """The messages matching a Mailpit search, newest first."""
    box, terms = mailbox(), parse_query(query)
    return [m for m in box.messages() if matches(m, box.is_read(m.id), terms)]


def resolve(db_id: str) -> MailMessage | None:
    """Find a message by ID, where `latest` means the newest (matching `?query=` if given)."""
    if db_id != "latest":
        return mailbox().get(db_id)
    query = request.args.get("query", "").strip()
    found = search(query) if query else mailbox().messages()
    return found[0] if found else None
