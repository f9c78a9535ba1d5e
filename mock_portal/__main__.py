"""`python -m mock_portal [serve]` runs the portal with its mail catcher; `... reminders` runs the reminder job once."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Mapping, Sequence
from types import FrameType

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from . import cli_args, create_app
from .config import ConfigError
from .db import new_session
from .mailcatcher import MailCatcherError
from .models import OutboxEmail
from .server import PortalStack, PortalStackError, url_host
from .services.reminders import send_reminders


def build_parser() -> argparse.ArgumentParser:
    """The command line: `serve` (the default) and `reminders`."""
    return cli_args.build_parser(description=__doc__)


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
