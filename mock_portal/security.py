"""Security headers on every response, and the cost of the password hashes the portal stores and checks."""

from __future__ import annotations

from flask import Flask, Response, request

# werkzeug's generate_password_hash method for every stored password, and for the sign-in's stand-in hash of an unknown
# email (same cost, so both answers take as long). Salted and slow, yet fast enough to create hundreds of accounts in a
# test run: the portal's accounts come from the test API and the demo seed, with throwaway credentials.
PASSWORD_METHOD = "pbkdf2:sha256:50000"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def init_app(app: Flask) -> None:
    """Add CSP, anti-framing and no-sniff headers; nothing but static files may be stored by a browser or proxy."""

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint != "static":  # signed-in pages, forms with tokens, test-API answers: none for a cache
            response.headers["Cache-Control"] = "no-store"
        return response
