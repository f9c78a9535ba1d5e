"""A mock of a software vendor's account portal for manual subscription renewals."""

from __future__ import annotations

from typing import Any

from flask import Flask

from . import config as settings


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the portal: defaults, then PORTAL_* environment variables, then `config`."""
    app = Flask(__name__, instance_relative_config=True)
    # "/subscriptions/%2F0" is no subscription: answer 404, not a 308 to a path merged from what the client sent.
    app.url_map.merge_slashes = False
    # Defaults, PORTAL_* variables, then `config`, each value checked: a bad one is a ConfigError naming it.
    settings.load(app, config)

    from . import csrf, db, faults, i18n, security, sign_in_limits, views
    from .blueprints import auth, bulk, cart, checkout, language, subscriptions

    db.init_app(app)
    i18n.init_app(app, language.choose_locale)
    csrf.init_app(app)
    security.init_app(app)
    views.init_app(app)
    sign_in_limits.init_app(app)
    for blueprint in (auth.bp, subscriptions.bp, cart.bp, checkout.bp, bulk.bp, language.bp):
        app.register_blueprint(blueprint)
    faults.init_app(app)  # testing mode only
    if app.config["TESTING"]:
        from . import api_guard
        from .blueprints import testing_api, testing_faults  # absent unless testing: every /__test__/ path is a 404

        api_guard.init_app(app)  # a known Host, no other site's page, JSON writes only
        app.register_blueprint(testing_api.bp)
        app.register_blueprint(testing_faults.bp)
    return app
