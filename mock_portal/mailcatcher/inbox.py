"""The human inbox: a list of caught mail at `/` and one message at `/view/<ID>`."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, current_app, render_template
from jinja2 import DictLoader

from .message import MailMessage, rfc3339
from .store import MessageStore

bp = Blueprint("inbox", __name__)

# Templates live in code, not files, so the package needs no package-data entry to ship them.
TEMPLATES = {
    "mailcatcher/layout.html": """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %} · Mail catcher</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; line-height: 1.4; }
  table { border-collapse: collapse; width: 100%; }
  caption { text-align: left; font-weight: 600; padding: 0 0 .5rem; }
  th, td { text-align: left; vertical-align: top; padding: .4rem .6rem; border-bottom: 1px solid #ccc; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
  dt { font-weight: 600; }
  dd { margin: 0; }
  pre { white-space: pre-wrap; background: #f4f4f4; padding: 1rem; }
  iframe { width: 100%; min-height: 30rem; border: 1px solid #ccc; }
</style>
</head>
<body>
<main>
{% block main %}{% endblock %}
</main>
</body>
</html>
""",
    "mailcatcher/inbox.html": """{% extends "mailcatcher/layout.html" %}
{% block title %}Inbox{% endblock %}
{% block main %}
<h1>Inbox</h1>
<table>
  <caption>{{ messages|length }} message{{ "" if messages|length == 1 else "s" }}, newest first</caption>
  <thead>
    <tr><th scope="col">From</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Received</th></tr>
  </thead>
  <tbody>
  {% for m in messages %}
    <tr>
      <td>{{ m.sender or "" }}</td>
      <td>{{ m.to|join(", ") }}</td>
      <td><a href="{{ url_for('inbox.view', db_id=m.id) }}">{{ m.subject or "(no subject)" }}</a></td>
      <td><time datetime="{{ rfc3339(m.created) }}">{{ m.created.strftime("%Y-%m-%d %H:%M:%S") }}</time></td>
    </tr>
  {% else %}
    <tr><td colspan="4">No mail yet.</td></tr>
  {% endfor %}
  </tbody>
</table>
{% endblock %}
""",
    "mailcatcher/view.html": """{% extends "mailcatcher/layout.html" %}
{% block title %}{{ m.subject or "(no subject)" }}{% endblock %}
{% block main %}
<p><a href="{{ url_for('inbox.index') }}">Back to the inbox</a></p>
<h1>{{ m.subject or "(no subject)" }}</h1>
<dl>
  <dt>From</dt><dd>{{ m.sender or "" }}</dd>
  <dt>To</dt><dd>{{ m.to|join(", ") }}</dd>
  {% if m.cc %}<dt>Cc</dt><dd>{{ m.cc|join(", ") }}</dd>{% endif %}
  {% if m.bcc %}<dt>Bcc</dt><dd>{{ m.bcc|join(", ") }}</dd>{% endif %}
  {% if m.reply_to %}<dt>Reply-To</dt><dd>{{ m.reply_to|join(", ") }}</dd>{% endif %}
  <dt>Date</dt><dd><time datetime="{{ rfc3339(m.date) }}">{{ m.date.strftime("%Y-%m-%d %H:%M:%S %z") }}</time></dd>
  <dt>Received</dt>
  <dd><time datetime="{{ rfc3339(m.created) }}">{{ m.created.strftime("%Y-%m-%d %H:%M:%S") }}</time></dd>
  <dt>Message-ID</dt><dd>{{ m.message_id }}</dd>
</dl>
<section aria-labelledby="text-body-h">
<h2 id="text-body-h">Text body</h2>
<pre>{{ m.text }}</pre>
</section>
{% if m.html %}
<h2>HTML body</h2>
<iframe src="{{ url_for('inbox.html_body', db_id=m.id) }}" sandbox title="HTML body of the message"></iframe>
{% endif %}
{% if m.attachments %}
<h2>Attachments</h2>
<ul>
  {% for a in m.attachments %}<li>{{ a.file_name }} ({{ a.content_type }}, {{ a.size }} bytes)</li>{% endfor %}
</ul>
{% endif %}
{% endblock %}
""",
}

# The pages run no script at all; a mail's HTML additionally gets an opaque-origin sandbox.
_PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; frame-ancestors 'self'"
_MAIL_HTML_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def init_app(app: Flask) -> None:
    """Register the inbox pages and their templates on `app`."""
    app.jinja_loader = DictLoader(TEMPLATES)
    app.jinja_env.trim_blocks = True  # keep the served markup tidy around {% %} tags
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["rfc3339"] = rfc3339
    app.register_blueprint(bp)


def _message(db_id: str) -> MailMessage:
    store: MessageStore = current_app.extensions["mail_store"]
    message = store.latest() if db_id == "latest" else store.get(db_id)
    if message is None:
        abort(404, f"No message with ID {db_id!r}; it may have been deleted.")
    return message


def _secured(body: str, content_type: str, policy: str) -> Response:
    response = Response(body, content_type=content_type)
    response.headers["Content-Security-Policy"] = policy
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/")
def index() -> Response:
    """List every caught message, newest first."""
    store: MessageStore = current_app.extensions["mail_store"]
    page = render_template("mailcatcher/inbox.html", messages=store.messages())
    return _secured(page, "text/html; charset=utf-8", _PAGE_POLICY)


@bp.get("/view/<db_id>")
def view(db_id: str) -> Response:
    """Show one message's headers and bodies, and mark it read."""
    message = _message(db_id)
    current_app.extensions["mail_store"].mark_read(message.id)
    page = render_template("mailcatcher/view.html", m=message)
    return _secured(page, "text/html; charset=utf-8", _PAGE_POLICY)


@bp.get("/view/<db_id>.html")
def html_body(db_id: str) -> Response:
    """Serve a message's HTML part alone (as Mailpit's /view/{ID}.html), sandboxed."""
    message = _message(db_id)
    if not message.html:
        abort(404, "This message has no HTML part.")
    return _secured(message.html, "text/html; charset=utf-8", _MAIL_HTML_POLICY)


@bp.get("/view/<db_id>.txt")
def text_body(db_id: str) -> Response:
    """Serve a message's text part alone (as Mailpit's /view/{ID}.txt)."""
    return _secured(_message(db_id).text, "text/plain; charset=utf-8", _MAIL_HTML_POLICY)
