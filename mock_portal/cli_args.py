"""The flags of `python -m mock_portal`, each with a PORTAL_* environment twin checked by the same words."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import Any, NoReturn

from . import config as settings
from .config import ConfigError
from .i18n import LOCALES
from .mailcatcher.store import MAX_MESSAGES

ERRORS = "A bad flag or PORTAL_* variable exits 2 with one line naming it and the form it takes."


def env(name: str, default: str | None = None) -> str | None:
    """An environment variable's value, with blank meaning unset."""
    value = os.environ.get(name, "").strip()
    return value or default


class _Parser(argparse.ArgumentParser):
    """Command-line mistakes are one line on stderr and exit 2, like every other configuration error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number; use 0–65535 (0 picks a free port)") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number; use 0–65535 (0 picks a free port)")
    return port


def _message_count(text: str) -> int:
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a count; use 0 (keep every message) or more")
    return int(text)


def _rule(key: str) -> Callable[[str], Any]:
    """An argparse type from the config rule for `key`, so a flag is checked by the same words as its variable."""

    def parse(text: str) -> Any:
        try:
            return settings.RULES[key](text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = key.lower()
    return parse


def _env_default(name: str, default: Any, parse: Callable[[str], Any]) -> Any:
    """A flag's default from its environment twin, checked now, so a bad one is reported as the variable."""
    text = env(name)
    if text is None:
        return default
    try:
        return parse(text)
    except (ValueError, argparse.ArgumentTypeError) as exc:
        raise ConfigError(name, str(exc)) from None


def _option(
    parser: argparse.ArgumentParser,
    flag: str,
    variable: str,
    parse: Callable[[str], Any],
    metavar: str,
    about: str,
    default: Any = None,
    shown: str | None = None,
) -> None:
    """A flag taking a value, whose default comes from `variable`; the help names the variable and `shown` default."""
    parser.add_argument(
        flag,
        type=parse,
        metavar=metavar,
        default=_env_default(variable, default, parse),
        help=f"{about} [{variable}{'' if shown is None else f'; {shown}'}]",
    )


def _host_flag(parser: argparse.ArgumentParser, flag: str, variable: str, about: str) -> None:
    """A flag naming an address to listen on, checked like SMTP_HOST (whether it resolves is found on binding)."""
    _option(parser, flag, variable, _rule("SMTP_HOST"), "HOST", about, "127.0.0.1", "127.0.0.1")


def _switch(parser: argparse.ArgumentParser, flag: str, variable: str, about: str) -> None:
    """An on/off flag whose variable takes the config's on and off words (a typo is an error, not "off")."""
    default = _env_default(variable, False, _rule("TESTING"))
    parser.add_argument(flag, action="store_true", default=default, help=f"{about} [{variable}=1]")


def _add_common(parser: argparse.ArgumentParser) -> None:
    _host_flag(parser, "--host", "PORTAL_HOST", "portal address")
    _option(parser, "--port", "PORTAL_PORT", _port, "PORT", "portal port, 0 = any free", 5000, "5000")
    about = "port of the embedded SMTP catcher, or of --smtp-host"
    _option(parser, "--smtp-port", "PORTAL_SMTP_PORT", _port, "PORT", about, 1025, "1025")
    about = "send mail to this SMTP server (e.g. a real Mailpit) instead of the embedded catcher"
    _option(parser, "--smtp-host", "PORTAL_SMTP_HOST", _rule("SMTP_HOST"), "HOST", about)
    about, shown = "SQLAlchemy URL", "sqlite file instance/portal.db"
    _option(parser, "--database-url", "PORTAL_DATABASE_URL", _rule("DATABASE_URL"), "URL", about, shown=shown)


def _add_serve(serve: argparse.ArgumentParser) -> None:
    _add_common(serve)
    _host_flag(serve, "--mail-host", "PORTAL_MAIL_HOST", "mail API and SMTP catcher address")
    _option(serve, "--mail-port", "PORTAL_MAIL_PORT", _port, "PORT", "mail API and inbox port", 8025, "8025")
    about = "the catcher keeps the newest N emails, as Mailpit does; 0 keeps all"
    _option(serve, "--mail-max-messages", "PORTAL_MAIL_MAX_MESSAGES", _message_count, "N", about, MAX_MESSAGES, str(MAX_MESSAGES))
    serve.add_argument(
        "--demo-locale",
        choices=LOCALES,
        default=env("PORTAL_DEMO_LOCALE"),  # checked by PortalStack, whose error names the flag and the variable
        help="the language of the demo user's pages and emails [PORTAL_DEMO_LOCALE; the user's saved one, en]",
    )
    about = "with --smtp-host: that server's API URL, to print"
    _option(serve, "--mail-api-url", "PORTAL_MAIL_API_URL", _rule("PUBLIC_URL"), "URL", about)
    about = "comma-separated host names, besides loopback, that the test API and mail API answer to"
    _option(serve, "--allowed-hosts", "PORTAL_ALLOWED_HOSTS", _rule("ALLOWED_HOSTS"), "NAMES", about, [])
    _switch(serve, "--testing", "PORTAL_TESTING", "mount the test-control API under /__test__/")
    _switch(serve, "--keep-data", "PORTAL_KEEP_DATA", "keep the database instead of starting fresh")
    serve.add_argument("--force", action="store_true", help="allow --testing on a --host other machines can reach")


def build_parser(description: str | None = None) -> argparse.ArgumentParser:
    """The command line: `serve` (the default) and `reminders`; reads the flags' environment twins."""
    parser = _Parser(prog="python -m mock_portal", description=description)
    commands = parser.add_subparsers(dest="command", metavar="{serve,reminders}")

    about = "run the portal, SMTP catcher and mail API with the demo account"
    _add_serve(commands.add_parser("serve", help=about, description=f"{about[0].upper()}{about[1:]}. {ERRORS}"))

    about = "send the renewal reminders due today, once, and exit"
    reminders = commands.add_parser("reminders", help=about, description=f"{about[0].upper()}{about[1:]}. {ERRORS}")
    _add_common(reminders)
    about = "the portal's URL for the links in the emails"
    _option(reminders, "--base-url", "PORTAL_PUBLIC_URL", _rule("PUBLIC_URL"), "URL", about, shown="http://HOST:PORT")
    return parser
