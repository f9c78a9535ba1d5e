"""Mailpit's API v1 for one message: its JSON (which marks it read), source, headers and attachment parts."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from urllib.parse import quote

from flask import Blueprint, Response, jsonify

from .headers import header_map
from .lookup import mailbox, not_found, resolve
from .parts import message_parts
from .schema import message_json

bp = Blueprint("message_api", __name__, url_prefix="/api/v1/message")

# A part is the sender's content served from the catcher's own origin: never sniffed, never run as a page.
_PART_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
# Go's url.PathEscape keeps these besides letters, digits and -_.~ (Mailpit escapes the file name with it).
_PATH_SAFE = "$&+:=@"


@bp.get("/<db_id>")
def get_message(db_id: str) -> Response:
    """Return one message with its bodies and mark it read."""
    message = resolve(db_id)
    if message is None:
        return not_found()
    mailbox().mark_read(message.id)
    return jsonify(message_json(message))


@bp.get("/<db_id>/raw")
def get_raw(db_id: str) -> Response:
    """Return the message source as received."""
    message = resolve(db_id)
    if message is None:
        return not_found()
    return Response(message.raw, content_type="text/plain; charset=utf-8")


@bp.get("/<db_id>/headers")
def get_headers(db_id: str) -> Response:
    """Return the message's headers as Mailpit does: `{"Name": ["value", ...]}`, names in alphabetical order."""
    message = resolve(db_id)
    if message is None:
        return not_found()
    return jsonify(header_map(message.raw))


@bp.get("/<db_id>/part/<part_id>")
def get_part(db_id: str, part_id: str) -> Response:
    """Return an attachment or inline part's decoded bytes with its content type, by Mailpit's PartID."""
    message = resolve(db_id)
    if message is None:
        return not_found()
    # Parsed again on request, as Mailpit does: the store keeps each message's bytes once, in its source.
    part = message_parts(BytesParser(policy=policy.default).parsebytes(message.raw)).find(part_id)
    if part is None:
        return not_found()
    file_name = part.file_name or part.content_id
    response = Response(part.content)
    # Exactly the part's type, with no charset added: a client compares it with the message JSON's ContentType.
    response.headers["Content-Type"] = part.content_type or "application/octet-stream"
    response.headers["Content-Disposition"] = f'inline; filename="{quote(file_name, safe=_PATH_SAFE)}"'
    response.headers["Content-Security-Policy"] = _PART_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
