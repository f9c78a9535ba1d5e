"""A Flask app serving the subset of Mailpit's API v1 the automation uses, plus a small inbox page."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from ..api_guard import parse_hosts, refusal
from . import inbox
from .message import MailMessage
from .schema import message_json, summary_json
from .search import matches, parse_query
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
    inbox.init_app(app)
    return app


def _refused(status: int, message: str) -> Response:
    response = jsonify(error=message, status=status)
    response.status_code = status
    return response


def _store() -> MessageStore:
    store: MessageStore = current_app.extensions["mail_store"]
    return store


def _plain(text: str, status: int = 200) -> Response:
    return Response(text, status=status, content_type="text/plain; charset=utf-8")


def _page_bounds() -> tuple[int, int]:
    start = request.args.get("start", "0")
    limit = request.args.get("limit", "50")
    return (int(start) if start.isdigit() else 0, int(limit) if limit.isdigit() else 50)


def _summaries(found: list[MailMessage]) -> Response:
    store = _store()
    start, limit = _page_bounds()
    page = found[start : start + limit]
    read = {m.id: store.is_read(m.id) for m in found}
    return jsonify(
        {
            "total": len(store),
            "unread": store.unread_count(),
            "count": len(page),
            "messages_count": len(found),
            "messages_unread": sum(not r for r in read.values()),
            "start": start,
            "tags": [],
            "messages": [summary_json(m, read[m.id]) for m in page],
        }
    )


def _search(query: str) -> list[MailMessage]:
    store, terms = _store(), parse_query(query)
    return [m for m in store.messages() if matches(m, store.is_read(m.id), terms)]


@api.get("/messages")
def list_messages() -> Response:
    """List messages, newest first, paginated with `start` and `limit`."""
    return _summaries(_store().messages())


@api.get("/search")
def search_messages() -> Response:
    """List messages matching a Mailpit search `query`, newest first."""
    query = request.args.get("query", "").strip()
    if not query:
        return _plain("Error: no search query", 400)
    return _summaries(_search(query))


@api.delete("/search")
def delete_search() -> Response:
    """Delete every message matching a Mailpit search `query`."""
    query = request.args.get("query", "").strip()
    if not query:
        return _plain("Error: no search query", 400)
    _store().delete(m.id for m in _search(query))
    return _plain("ok")


@api.delete("/messages")
def delete_messages() -> Response:
    """Delete the messages listed in `{"IDs": [...]}`, or all of them when no IDs are given."""
    body = request.get_json(force=True, silent=True)
    ids = body.get("IDs") if isinstance(body, dict) else None
    if isinstance(ids, list) and ids:
        _store().delete(str(i) for i in ids)
    else:
        _store().clear()
    return _plain("ok")


def resolve(db_id: str) -> MailMessage | None:
    """Find a message by ID, where `latest` means the newest (matching `?query=` if given)."""
    if db_id != "latest":
        return _store().get(db_id)
    query = request.args.get("query", "").strip()
    found = _search(query) if query else _store().messages()
    return found[0] if found else None


@api.get("/message/<db_id>")
def get_message(db_id: str) -> Response:
    """Return one message with its bodies and mark it read."""
    message = resolve(db_id)
    if message is None:
        return _plain("404 page not found", 404)
    _store().mark_read(message.id)
    return jsonify(message_json(message))


@api.get("/message/<db_id>/raw")
def get_raw(db_id: str) -> Response:
    """Return the message source as received."""
    message = resolve(db_id)
    if message is None:
        return _plain("404 page not found", 404)
    return Response(message.raw, content_type="text/plain; charset=utf-8")
