"""A mock of a software vendor's account portal for manual subscription renewals."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the portal: defaults, then PORTAL_* environment variables, then `config`."""
    app = Flask(__name__, instance_relative_config=True)
    # "/subscriptions/%2F0" is no subscription: answer 404, not a 308 to a path merged from what the client sent.
    app.url_map.merge_slashes = False
    app.config.from_mapping(
        SECRET_KEY=None,
        DATABASE_URL=f"sqlite:///{app.instance_path}/portal.db",
        RESET_DATABASE=False,
        TESTING=False,
        PROPAGATE_EXCEPTIONS=False,  # testing mode mounts the test API; errors still render as pages or JSON
        MAX_FORM_PARTS=20_000,  # a bulk page can tick thousands of boxes; the 100 rule refuses them with a message
        MAX_FORM_MEMORY_SIZE=64 * 1024,  # per multipart text field; no portal field comes near (sign-in caps its own)
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,  # room for 10,000 subscriptions in one test-API call; larger bodies get a 413
        TODAY=None,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=1025,
        MAIL_FROM="Account portal <no-reply@portal.example>",
        PUBLIC_URL=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        LOGIN_ATTEMPTS_PER_MINUTE=10,  # per (client address, email), every attempt
        LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE=20,  # per client address, failed sign-ins only
        SESSION_IDLE_TIMEOUT=8 * 3600,  # seconds unused before a sign-in session ends
        SESSION_LIFETIME=24 * 3600,  # seconds after sign-in when a session ends however busy
    )
    app.config.from_prefixed_env("PORTAL")
    # The environment holds text, which from_prefixed_env reads as JSON: a key of digits became a number (every page
    # a 500), and "off", "no" or "False" are not JSON, so they stayed truthy text and mounted the test API.
    if app.config["SECRET_KEY"] is not None:
        app.config["SECRET_KEY"] = str(app.config["SECRET_KEY"])
    if isinstance(app.config["TESTING"], str):
        app.config["TESTING"] = app.config["TESTING"].strip().lower() in ("1", "true", "yes", "on")
    if config:
        app.config.update(config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = secrets.token_hex(32)

    from . import csrf, db, faults, security, sign_in_limits, views
    from .blueprints import auth, bulk, cart, checkout, subscriptions

    db.init_app(app)
    csrf.init_app(app)
    security.init_app(app)
    views.init_app(app)
    sign_in_limits.init_app(app)
    for blueprint in (auth.bp, subscriptions.bp, cart.bp, checkout.bp, bulk.bp):
        app.register_blueprint(blueprint)
    faults.init_app(app)  # testing mode only
    if app.config["TESTING"]:
        from . import api_guard
        from .blueprints import testing_api, testing_faults  # absent unless testing: every /__test__/ path is a 404

        api_guard.init_app(app)  # a known Host, no other site's page, JSON writes only
        app.register_blueprint(testing_api.bp)
        app.register_blueprint(testing_faults.bp)
    return app
