"""A Flask app serving Mailpit's API v1 (the mailbox-wide endpoints here, one message's in message_api), plus a small
inbox page."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request

from ..api_guard import parse_hosts, refusal
from . import inbox, message_api
from .info import app_information
from .lookup import mailbox, plain, search
from .message import MailMessage
from .schema import summary_json
from .store import MessageStore

api = Blueprint("api", __name__, url_prefix="/api/v1")


def create_mail_app(store: MessageStore, allowed_hosts: Iterable[str] = ()) -> Flask:
    """Build the HTTP side of the catcher over `store`, answering to loopback names and `allowed_hosts` only."""
    app = Flask(__name__)
    app.extensions["mail_store"] = store
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep Mailpit's field order
    hosts = parse_hosts(list(allowed_hosts))

    @app.before_request
    def _guard() -> Response | None:
        # Mailpit's clients send DELETEs without a content type, so writes need no JSON here; a DELETE from another
        # site's page is preflighted (and never granted) anyway, and refused by its Origin besides.
        found = refusal(request, hosts, json_writes=False)
        return None if found is None else _refused(*found)

    @app.after_request
    def _no_store(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"  # mail holds sign-in links and payment numbers
        return response

    app.register_blueprint(api)
    app.register_blueprint(message_api.bp)
    inbox.init_app(app)
    return app


def _refused(status: int, message: str) -> Response:
    response = jsonify(error=message, status=status)
    response.status_code = status
    return response


def _page_bounds() -> tuple[int, int]:
    start = request.args.get("start", "0")
    limit = request.args.get("limit", "50")
    return (int(start) if start.isdigit() else 0, int(limit) if limit.isdigit() else 50)


def _summaries(found: list[MailMessage]) -> Response:
    box = mailbox()
    start, limit = _page_bounds()
    page = found[start : start + limit]
    read = {m.id: box.is_read(m.id) for m in found}
    return jsonify(
        {
            "total": len(box),
            "unread": box.unread_count(),
            "count": len(page),
            "messages_count": len(found),
            "messages_unread": sum(not r for r in read.values()),
            "start": start,
            "tags": [],
            "messages": [summary_json(m, read[m.id]) for m in page],
        }
    )


@api.get("/messages")
def list_messages() -> Response:
    """List messages, newest first, paginated with `start` and `limit`."""
    return _summaries(mailbox().messages())


@api.get("/search")
def search_messages() -> Response:
    """List messages matching a Mailpit search `query`, newest first."""
    query = request.args.get("query", "").strip()
    if not query:
        return plain("Error: no search query", 400)
    return _summaries(search(query))


@api.delete("/search")
def delete_search() -> Response:
    """Delete every message matching a Mailpit search `query`."""
    query = request.args.get("query", "").strip()
    if not query:
        return plain("Error: no search query", 400)
    mailbox().delete(m.id for m in search(query))
    return plain("ok")


@api.delete("/messages")
def delete_messages() -> Response:
    """Delete the messages listed in `{"IDs": [...]}`, or all of them when no IDs are given."""
    body = request.get_json(force=True, silent=True)
    ids = _field(body, "IDs") if isinstance(body, dict) else None
    if isinstance(ids, list) and ids:
        mailbox().delete(str(i) for i in ids)
    else:
        mailbox().clear()
    return plain("ok")


@dataclass(frozen=True)
class ReadStatus:
    """A `PUT /api/v1/messages` body: which messages (IDs, a search, or neither: all) become read or unread."""

    read: bool
    ids: list[str]
    search: str


READ_STATUS_FORM = 'send a JSON object such as {"IDs": ["<ID>"], "Read": true}, {"Search": "<query>", "Read": false}'


def _field(body: dict[str, Any], name: str) -> Any:
    # Mailpit's Go decoder matches field names exactly if it can, else ignoring case ("ids" fills IDs).
    if name in body:
        return body[name]
    return next((value for key, value in body.items() if key.lower() == name.lower()), None)


def parse_read_status(data: bytes) -> ReadStatus | str:
    """Read a `PUT /api/v1/messages` body as Mailpit does; a string says what is wrong with it."""
    try:
        body = json.loads(data)
    except ValueError:  # an empty body too: Mailpit's decoder refuses it
        body = []
    if body is None:
        body = {}  # JSON null decodes to nothing, as in Go: every message
    if not isinstance(body, dict):
        return f'Error: the body is not a JSON object; {READ_STATUS_FORM}, or {{"Read": true}} for every message'
    read, ids, query = _field(body, "Read"), _field(body, "IDs"), _field(body, "Search")
    if not isinstance(read, bool | None):
        return f"Error: Read must be true or false, not {json.dumps(read)[:40]}"
    if not isinstance(ids, list | None) or not all(isinstance(i, str) for i in ids or []):
        return f"Error: IDs must be a list of message IDs (strings), not {json.dumps(ids)[:60]}"
    if not isinstance(query, str | None):
        return f"Error: Search must be a search query (a string), not {json.dumps(query)[:60]}"
    return ReadStatus(bool(read), list(ids or []), (query or "").strip())


@api.put("/messages")
def set_read_status() -> Response:
    """Mark the messages with `IDs`, or those matching `Search`, or else all of them, read (`Read`: true) or not."""
    status = parse_read_status(request.get_data())
    if isinstance(status, str):
        return plain(status, 400)
    if status.ids and status.search:
        return plain("You may specify either IDs or a search query, not both", 400)
    if status.search:
        mailbox().set_read([m.id for m in search(status.search)], status.read)
    else:
        mailbox().set_read(status.ids or None, status.read)
    return plain("ok")


@api.get("/info")
def info() -> Response:
    """Mailpit's AppInformation: version, mailbox totals and runtime statistics."""
    return jsonify(app_information(mailbox()))
