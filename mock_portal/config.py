"""The portal's configuration: its defaults, and the rules a value must pass, wherever it comes from.

create_app takes defaults, then PORTAL_* environment variables, then the caller's mapping; a value that breaks a rule
is a ConfigError naming the key as the person wrote it (PORTAL_TODAY, or TODAY in a mapping) and the form it takes,
so `python -m mock_portal` can print one line and exit 2 instead of a traceback from deep in a request."""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from .addresses import AddressError, sender
from .api_guard import parse_hosts

PREFIX = "PORTAL"
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "off"})
# Dates far from today would overflow the window arithmetic (D − 90, D + 3 years): PORTAL_TODAY and every date the
# test API takes stay in this span.
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2099, 12, 31)
DATE_FORM = f"YYYY-MM-DD between {EARLIEST_DATE} and {LATEST_DATE}"
SAMESITE = ("Lax", "Strict", "None")
MIN_SECRET_KEY = 16
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DIGITS = re.compile(r"[0-9]+")
# A DNS label, with underscores inside too: Docker Compose services are often named like "mail_server".
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?"
_HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?")


class ConfigError(ValueError):
    """A configuration value that can't be used; `name` is the key as written (PORTAL_TODAY, --base-url, TODAY)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name, self.message = name, message


def defaults(instance_path: str) -> dict[str, Any]:
    """The portal's settings before the environment and the caller have their say."""
    return {
        "SECRET_KEY": None,  # generated per process unless given
        "DATABASE_URL": f"sqlite:///{instance_path}/portal.db",
        "RESET_DATABASE": False,
        "TESTING": False,
        "PROPAGATE_EXCEPTIONS": False,  # testing mode mounts the test API; errors still render as pages or JSON
        "MAX_FORM_PARTS": 20_000,  # a bulk page can tick thousands of boxes; the 100 rule refuses them with a message
        "MAX_FORM_MEMORY_SIZE": 64 * 1024,  # per multipart text field; no portal field comes near (sign-in caps its own)
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,  # room for 10,000 subscriptions in one test-API call; larger get a 413
        "TODAY": None,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": 1025,
        "MAIL_FROM": "Account portal <no-reply@portal.example>",
        "PUBLIC_URL": None,
        "ALLOWED_HOSTS": [],  # names besides loopback and PUBLIC_URL's that the test and mail APIs answer to
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "LOGIN_ATTEMPTS_PER_MINUTE": 10,  # failed sign-ins per (client address, email)
        "LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE": 20,  # per client address, failed sign-ins only
        "SESSION_IDLE_TIMEOUT": 8 * 3600,  # seconds unused before a sign-in session ends
        "SESSION_LIFETIME": 24 * 3600,  # seconds after sign-in when a session ends however busy
    }


# --- the rules: each takes what was given and returns the value to use, or raises ValueError saying what to give ---


def calendar_date(value: Any) -> date | None:
    """`value` as a date if it is YYYY-MM-DD text of a real day from EARLIEST_DATE to LATEST_DATE, else None."""
    if not (isinstance(value, str) and _DATE.fullmatch(value)):
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return None
    return parsed if EARLIEST_DATE <= parsed <= LATEST_DATE else None


def today(value: Any) -> str | None:
    """A fixed "today" for the whole portal: YYYY-MM-DD (kept as that text), or nothing for the real date."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        value = value.isoformat()
    if calendar_date(value) is None:
        raise ValueError(f"{value!r} is not a date; use {DATE_FORM}, e.g. 2027-01-31")
    return str(value)


def whole_number(low: int, high: int | None, unit: str, example: int) -> Callable[[Any], int]:
    """A rule for a whole number (of `unit`) from `low` (to `high`), given as a number or as digits."""
    span = f"from {low} to {high}" if high is not None else f"greater than {low - 1}"
    unit = f" of {unit}" if unit else ""

    def rule(value: Any) -> int:
        number = value if isinstance(value, int) and not isinstance(value, bool) else None
        if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
            number = int(value)
        if number is None or number < low or (high is not None and number > high):
            raise ValueError(f"{value!r} is not allowed; use a whole number{unit} {span}, e.g. {example}")
        return number

    return rule


def port(value: Any) -> int:
    """A port to connect to: 1–65535."""
    return whole_number(1, 65535, "", 1025)(value)


def host(value: Any) -> str:
    """A host name or IP address (no scheme, port or path)."""
    if isinstance(value, str) and (_HOST.fullmatch(value) or _is_ip(value.strip("[]"))):
        return value
    raise ValueError(f"{value!r} is not a host name; use a host name or IP address, e.g. 127.0.0.1 or mail.example")


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def hosts(value: Any) -> list[str]:
    """Host names, as a list or as comma-separated text ("portal.test,localhost")."""
    if not (value is None or isinstance(value, str | list | tuple)):
        raise ValueError(f"{value!r} is not a list of host names; use names separated by commas, e.g. portal.test,lab")
    names = parse_hosts(value)
    for name in names:
        try:
            host(name)
        except ValueError:
            raise ValueError(
                f"{name!r} is not a host name; use host names separated by commas, e.g. portal.test,lab.example"
            ) from None
    return names


def public_url(value: Any) -> str | None:
    """The portal's URL as people open it, for links in emails: http(s)://host[:port][/path], or nothing."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - raises ValueError for a port out of range
        except ValueError:
            parts = None
        if parts and parts.scheme in ("http", "https") and parts.hostname and not (parts.query or parts.fragment):
            return value
    raise ValueError(f"{value!r} is not an http(s) URL; use the portal's address, e.g. http://127.0.0.1:5000")


def database_url(value: Any) -> str:
    """A SQLAlchemy URL whose database kind this Python can speak."""
    form = "use a SQLAlchemy URL, e.g. sqlite:///instance/portal.db or postgresql+psycopg://user@host/portal"
    if not isinstance(value, str) or not value:
        raise ValueError(f"{value!r} is not a database URL; {form}")
    try:
        url = make_url(value)
    except ArgumentError:
        raise ValueError(f"{value!r} is not a database URL; {form}") from None
    try:
        url.get_dialect()
    except Exception:  # NoSuchModuleError, or a plugin that fails to load: either way, not a database we can open
        raise ValueError(f"{url.drivername!r} is no database kind this portal knows; {form}") from None
    return value


def secret_key(value: Any) -> str | None:
    """The key that signs sessions: text of at least MIN_SECRET_KEY characters, or nothing to generate one."""
    if value is None or value == "":
        return None
    if isinstance(value, str | int) and not isinstance(value, bool) and len(str(value)) >= MIN_SECRET_KEY:
        return str(value)
    shown = f"{len(value)} characters" if isinstance(value, str) else repr(value)
    raise ValueError(
        f"{shown} is too short to sign sessions; use at least {MIN_SECRET_KEY} random characters, e.g. from "
        "python -c 'import secrets; print(secrets.token_hex(32))', or leave it unset to generate one"
    )


def mail_from(value: Any) -> str:
    """The From of every email: one address, with an optional display name."""
    if isinstance(value, str):
        try:
            sender(value)
        except AddressError as exc:
            reason = str(exc).rstrip(".")
        else:
            return value
    else:
        reason = "not text"
    raise ValueError(f"{value!r} is not one address ({reason}); use one address, e.g. Portal <no-reply@portal.example>")


def flag(value: Any) -> bool:
    """On (1/true/yes/on) or off (0/false/no/off, or nothing), as text from the environment or a bool."""
    if not isinstance(value, str):
        return bool(value)
    word = value.strip().lower()
    if word in TRUE_WORDS or word in FALSE_WORDS:
        return word in TRUE_WORDS
    raise ValueError(f"{value!r} is neither on nor off; use 1, true, yes or on, or 0, false, no or off")


def same_site(value: Any) -> str | None:
    """The session cookie's SameSite: Lax, Strict or None (any case), or no attribute at all (None, not text)."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip().title() in SAMESITE:
        return value.strip().title()
    raise ValueError(f"{value!r} is not a SameSite value; use one of {', '.join(SAMESITE)}, e.g. Lax")


RULES: dict[str, Callable[[Any], Any]] = {
    "TODAY": today,
    "RESET_DATABASE": flag,
    "PROPAGATE_EXCEPTIONS": flag,
    "MAX_FORM_PARTS": whole_number(1, None, "parts", 20_000),
    "MAX_FORM_MEMORY_SIZE": whole_number(1024, None, "bytes", 65536),
    "MAX_CONTENT_LENGTH": whole_number(1024, None, "bytes", 16777216),
    "SESSION_COOKIE_HTTPONLY": flag,
    "SESSION_COOKIE_SAMESITE": same_site,
    "SMTP_HOST": host,
    "SMTP_PORT": port,
    "PUBLIC_URL": public_url,
    "DATABASE_URL": database_url,
    "SECRET_KEY": secret_key,
    "MAIL_FROM": mail_from,
    "ALLOWED_HOSTS": hosts,
    "TESTING": flag,
    "LOGIN_ATTEMPTS_PER_MINUTE": whole_number(1, None, "attempts", 10),
    "LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE": whole_number(1, None, "failures", 20),
    "SESSION_IDLE_TIMEOUT": whole_number(1, None, "seconds", 28800),
    "SESSION_LIFETIME": whole_number(1, None, "seconds", 86400),
}


def checked(key: str, value: Any, name: str | None = None) -> Any:
    """`value` made ready for config key `key`, or a ConfigError naming it `name` (default: the key)."""
    try:
        return RULES[key](value)
    except ValueError as exc:
        raise ConfigError(name or key, str(exc)) from None


def setting(key: str, overrides: Mapping[str, Any], default: Any = None) -> Any:
    """The checked value ruled key `key` takes: from `overrides`, else its PORTAL_ variable (blank is unset, as for
    the CLI's flags), else `default`. PortalStack asks before the app exists (ALLOWED_HOSTS for the mail API)."""
    if key in overrides:
        return checked(key, overrides[key])
    text = os.environ.get(f"{PREFIX}_{key}", "").strip()
    return checked(key, text, f"{PREFIX}_{key}") if text else default


def load(app: Flask, overrides: Mapping[str, Any] | None = None) -> None:
    """Fill app.config: defaults, then PORTAL_* variables, then `overrides`; every ruled value is checked."""
    overrides = overrides or {}
    base = defaults(app.instance_path)
    app.config.from_mapping(base)
    # Other PORTAL_* variables (Flask's own keys; the CLI's PORTAL_HOST, PORTAL_MAIL_PORT…, which share the prefix)
    # pass as before. from_prefixed_env reads text as JSON ("20270131" becomes a number, "off" is truthy text), so
    # every ruled key is set again from the text itself.
    app.config.from_prefixed_env(PREFIX)
    for key in RULES:
        app.config[key] = setting(key, overrides, base[key])
    app.config.update({key: value for key, value in overrides.items() if key not in RULES})
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = secrets.token_hex(32)
