"""`python -m mock_portal [serve]` runs the portal with its mail catcher; `... reminders` runs the reminder job once."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from types import FrameType
from typing import Any, NoReturn

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from . import config as settings
from . import create_app
from .config import ConfigError
from .db import new_session
from .i18n import LOCALES
from .mailcatcher import MailCatcherError
from .mailcatcher.store import MAX_MESSAGES
from .models import OutboxEmail
from .server import PortalStack, PortalStackError, url_host
from .services.reminders import send_reminders

ERRORS = "A bad flag or PORTAL_* variable exits 2 with one line naming it and the form it takes."


def _env(name: str, default: str | None = None) -> str | None:
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
    text = _env(name)
    if text is None:
        return default
    try:
        return parse(text)
    except (ValueError, argparse.ArgumentTypeError) as exc:
        raise ConfigError(name, str(exc)) from None


def _host_flag(parser: argparse.ArgumentParser, flag: str, variable: str, about: str) -> None:
    """A flag naming an address to listen on, checked like SMTP_HOST (whether it resolves is found on binding)."""
    parser.add_argument(
        flag,
        type=_rule("SMTP_HOST"),
        metavar="HOST",
        default=_env_default(variable, "127.0.0.1", _rule("SMTP_HOST")),
        help=f"{about} [{variable}; 127.0.0.1]",
    )


def _switch(parser: argparse.ArgumentParser, flag: str, variable: str, about: str) -> None:
    """An on/off flag whose variable takes the config's on and off words (a typo is an error, not "off")."""
    default = _env_default(variable, False, _rule("TESTING"))
    parser.add_argument(flag, action="store_true", default=default, help=f"{about} [{variable}=1]")


def _add_common(parser: argparse.ArgumentParser) -> None:
    _host_flag(parser, "--host", "PORTAL_HOST", "portal address")
    parser.add_argument(
        "--port",
        type=_port,
        metavar="PORT",
        default=_env_default("PORTAL_PORT", 5000, _port),
        help="portal port, 0 = any free [PORTAL_PORT; 5000]",
    )
    parser.add_argument(
        "--smtp-port",
        type=_port,
        metavar="PORT",
        default=_env_default("PORTAL_SMTP_PORT", 1025, _port),
        help="port of the embedded SMTP catcher, or of --smtp-host [PORTAL_SMTP_PORT; 1025]",
    )
    parser.add_argument(
        "--smtp-host",
        type=_rule("SMTP_HOST"),
        metavar="HOST",
        default=_env_default("PORTAL_SMTP_HOST", None, _rule("SMTP_HOST")),
        help="send mail to this SMTP server (e.g. a real Mailpit) instead of the embedded catcher [PORTAL_SMTP_HOST]",
    )
    parser.add_argument(
        "--database-url",
        type=_rule("DATABASE_URL"),
        metavar="URL",
        default=_env_default("PORTAL_DATABASE_URL", None, _rule("DATABASE_URL")),
        help="SQLAlchemy URL [PORTAL_DATABASE_URL; sqlite file instance/portal.db]",
    )


def build_parser() -> argparse.ArgumentParser:
    """The command line: `serve` (the default) and `reminders`."""
    parser = _Parser(prog="python -m mock_portal", description=__doc__)
    commands = parser.add_subparsers(dest="command", metavar="{serve,reminders}")

    about = "run the portal, SMTP catcher and mail API with the demo account"
    serve = commands.add_parser("serve", help=about, description=f"{about[0].upper()}{about[1:]}. {ERRORS}")
    _add_common(serve)
    _host_flag(serve, "--mail-host", "PORTAL_MAIL_HOST", "mail API and SMTP catcher address")
    serve.add_argument(
        "--mail-port",
        type=_port,
        metavar="PORT",
        default=_env_default("PORTAL_MAIL_PORT", 8025, _port),
        help="mail API and inbox port [PORTAL_MAIL_PORT; 8025]",
    )
    serve.add_argument(
        "--mail-max-messages",
        type=_message_count,
        metavar="N",
        default=_env_default("PORTAL_MAIL_MAX_MESSAGES", MAX_MESSAGES, _message_count),
        help=f"the catcher keeps the newest N emails, as Mailpit does; 0 keeps all [PORTAL_MAIL_MAX_MESSAGES; {MAX_MESSAGES}]",
    )
    serve.add_argument(
        "--demo-locale",
        choices=LOCALES,
        default=_env("PORTAL_DEMO_LOCALE"),
        help="the language of the demo user's pages and emails [PORTAL_DEMO_LOCALE; the user's saved one, en]",
    )
    serve.add_argument(
        "--mail-api-url",
        type=_rule("PUBLIC_URL"),
        metavar="URL",
        default=_env_default("PORTAL_MAIL_API_URL", None, _rule("PUBLIC_URL")),
        help="with --smtp-host: that server's API URL, to print [PORTAL_MAIL_API_URL]",
    )
    serve.add_argument(
        "--allowed-hosts",
        type=_rule("ALLOWED_HOSTS"),
        default=_env_default("PORTAL_ALLOWED_HOSTS", [], _rule("ALLOWED_HOSTS")),
        metavar="NAMES",
        help="comma-separated host names, besides loopback, that the test API and mail API answer to "
        "[PORTAL_ALLOWED_HOSTS]",
    )
    _switch(serve, "--testing", "PORTAL_TESTING", "mount the test-control API under /__test__/")
    _switch(serve, "--keep-data", "PORTAL_KEEP_DATA", "keep the database instead of starting fresh")
    serve.add_argument("--force", action="store_true", help="allow --testing on a --host other machines can reach")

    about = "send the renewal reminders due today, once, and exit"
    reminders = commands.add_parser("reminders", help=about, description=f"{about[0].upper()}{about[1:]}. {ERRORS}")
    _add_common(reminders)
    reminders.add_argument(
        "--base-url",
        type=_rule("PUBLIC_URL"),
        metavar="URL",
        default=_env_default("PORTAL_PUBLIC_URL", None, _rule("PUBLIC_URL")),
        help="the portal's URL for the links in the emails [PORTAL_PUBLIC_URL; http://HOST:PORT]",
    )
    return parser


def serve(args: argparse.Namespace) -> int:
    """Run until Ctrl-C or SIGTERM, then stop cleanly."""
    try:
        stack = PortalStack(
            args.host,
            args.port,
            args.smtp_port,
            args.mail_port,
            testing=args.testing,
            database_url=args.database_url,
            reset=not args.keep_data,
            seed_demo=True,
            smtp_host=args.smtp_host,
            mail_api_url=args.mail_api_url,
            force=args.force,
            config={"ALLOWED_HOSTS": args.allowed_hosts},
            mail_host=args.mail_host,
            mail_max_messages=args.mail_max_messages,
            demo_locale=args.demo_locale,
        )
        stack.start()
    except PortalStackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except MailCatcherError as exc:
        print(f"error: {exc} (--smtp-port / PORTAL_SMTP_PORT, --mail-port / PORTAL_MAIL_PORT)", file=sys.stderr)
        return 2
    except (ConfigError, SQLAlchemyError, OSError) as exc:
        return _configuration_error(exc, args, SERVE_FLAGS)

    stopping = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        _print_summary(stack)
        stopping.wait()
        print("Stopping…", flush=True)
    finally:
        stack.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def _print_summary(stack: PortalStack) -> None:
    assert stack.app is not None
    lines = ["Mock account portal is running.", f"  Portal:           {stack.base_url}"]
    if stack.mail_api_url:
        if stack.catcher is not None:
            lines.append(f"  Inbox:            {stack.mail_api_url}/")
        lines.append(f"  Mail API:         {stack.mail_api_url}/api/v1/")
    lines.append(f"  SMTP:             {stack.smtp_host}:{stack.smtp_port}")
    if stack.demo is not None:
        lines.append(f"  Demo sign-in:     {stack.demo.email} / {stack.demo.password}")
    if stack.testing:
        lines.append(f"  Test-control API: {stack.base_url}/__test__/ (testing mode)")
    database = stack.app.config["DATABASE_URL"]
    lines.append(f"  Database:         {database}{' (kept)' if not stack.reset else ' (fresh)'}")
    lines.append("Press Ctrl-C to stop.")
    print("\n".join(lines), flush=True)


def _configuration_error(exc: BaseException, args: argparse.Namespace, flags: Mapping[str, str]) -> int:
    """Say in one line what to change, naming the flag or variable; 2 is the exit code of a configuration error."""
    if isinstance(exc, ConfigError):
        line = f"{flags.get(exc.name, exc.name)}: {exc.message}"  # a key the command set from a flag is that flag
    else:  # the database: an engine that can't connect, a file that can't be made, a driver not installed
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        url = args.database_url or "sqlite:///instance/portal.db (the default)"
        line = f"--database-url / PORTAL_DATABASE_URL: cannot open {url}: {reason}"
    print(f"error: {line}", file=sys.stderr)
    return 2


SERVE_FLAGS = {
    "SMTP_HOST": "--smtp-host", "SMTP_PORT": "--smtp-port", "DATABASE_URL": "--database-url", "ALLOWED_HOSTS": "--allowed-hosts",
}  # fmt: skip
REMINDER_FLAGS = {
    "SMTP_HOST": "--smtp-host", "SMTP_PORT": "--smtp-port", "DATABASE_URL": "--database-url", "PUBLIC_URL": "--base-url",
}  # fmt: skip


def reminders(args: argparse.Namespace) -> int:
    """Send the reminders due today and say how many went out."""
    base_url = args.base_url or f"http://{url_host(args.host)}:{args.port}"
    config = {
        "RESET_DATABASE": False,
        "SMTP_HOST": args.smtp_host or "127.0.0.1",
        "SMTP_PORT": args.smtp_port,
        "PUBLIC_URL": base_url,
    }
    if args.database_url:
        config["DATABASE_URL"] = args.database_url
    try:
        app = create_app(config)
    except (ConfigError, SQLAlchemyError, OSError) as exc:
        return _configuration_error(exc, args, REMINDER_FLAGS)
    with app.app_context():
        db = new_session(app)
        try:
            sent = send_reminders(db, base_url, app)
            waiting = db.scalar(select(func.count()).select_from(OutboxEmail).where(OutboxEmail.sent_at.is_(None)))
        finally:
            db.close()
    print(f"Sent {sent} renewal reminder(s) (links to {base_url}).")
    if waiting:
        print(
            f"warning: {waiting} email(s) could not be delivered to {config['SMTP_HOST']}:{args.smtp_port} and wait "
            "in the outbox; the running portal retries them.",
            file=sys.stderr,
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the chosen command (serve when none is given)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv.insert(0, "serve")
    try:
        parser = build_parser()  # reads the flags' environment twins
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args = parser.parse_args(argv)
    return serve(args) if args.command == "serve" else reminders(args)


if __name__ == "__main__":
    sys.exit(main())
