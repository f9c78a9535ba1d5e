"""The whole portal in one process: web app on waitress, embedded mail catcher, outbox sender, demo account."""

from __future__ import annotations

import contextlib
import errno
import logging
import socket
import threading
from typing import Any

from flask import Flask
from waitress import create_server
from waitress.server import BaseWSGIServer
from waitress.wasyncore import close_all

from . import config as settings
from . import create_app
from .api_guard import is_loopback, portal_hosts
from .db import new_session
from .i18n import LOCALES
from .lifecycle import Startable
from .mailcatcher import MailCatcher, MailCatcherError, MessageStore
from .mailcatcher.store import MAX_MESSAGES
from .outbox import OutboxWorker
from .seed import DemoAccount, seed_demo

log = logging.getLogger(__name__)


class PortalStackError(RuntimeError):
    """The stack can't start; the message says what to change."""


HOST_FORM = "use an IP address of this machine or a name resolving to one, e.g. 127.0.0.1, or 0.0.0.0 for every address"


def _unusable_host(exc: BaseException | None, host: str, names: str) -> PortalStackError | None:
    """The error to raise when `host`, not the port, kept a server from listening (`names`: its flag and variable)."""
    if isinstance(exc, socket.gaierror) or (isinstance(exc, ValueError) and "host/port" in str(exc)):
        why = "no such host name"  # waitress turns a name getaddrinfo can't resolve into "Invalid host/port specified."
    elif isinstance(exc, OSError) and exc.errno == errno.EADDRNOTAVAIL:
        why = "not an address of this machine"
    elif isinstance(exc, ValueError):
        why = str(exc)  # e.g. the catcher's "resolves to several addresses"
    else:
        return None
    return PortalStackError(f"{names}: cannot listen on {host!r} ({why}); {HOST_FORM}")


def url_host(host: str) -> str:
    """The host as it goes in a URL people can open: a wildcard address becomes the loopback one."""
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


class PortalStack(Startable):
    """Portal, mail catcher and outbox worker, started and stopped together (`python -m mock_portal`, tests, demo).

    Ports may be 0 to pick free ones; the properties report the real ones once started. With `smtp_host` set,
    mail goes to that server (e.g. a real Mailpit) and no catcher is started; `mail_api_url` then says where its
    API is. The catcher listens on `mail_host`, loopback unless asked: `host` alone moves only the portal, so
    serving the portal to other machines doesn't hand them the mail (sign-in links, payment numbers) too.
    `demo_seed` replaces the demo scenario's seed (other names and numbers, the same cases); `demo_locale` (en, fr,
    ja) is the language the demo user's pages and emails are in.
    """

    error = PortalStackError

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 5000,
        smtp_port: int = 1025,
        mail_port: int = 8025,
        *,
        testing: bool = False,
        database_url: str | None = None,
        reset: bool = True,
        seed_demo: bool = True,
        demo_seed: int | None = None,
        demo_locale: str | None = None,
        smtp_host: str | None = None,
        mail_api_url: str | None = None,
        force: bool = False,
        config: dict[str, Any] | None = None,
        mail_host: str = "127.0.0.1",
        mail_max_messages: int = MAX_MESSAGES,
    ) -> None:
        if testing and not force and not is_loopback(host):
            raise PortalStackError(
                f"testing mode exposes the test-control API (/__test__/), which can create accounts and move "
                f"clocks; it refuses host {host!r}, which other machines can reach. Use 127.0.0.1, or pass "
                "--force (force=True) if you really mean it."
            )
        self.host, self.port, self.testing = host, port, testing
        self.database_url, self.reset, self.seed, self.demo_seed = database_url, reset, seed_demo, demo_seed
        if demo_locale is not None and demo_locale not in LOCALES:
            raise PortalStackError(
                f"demo locale {demo_locale!r} is not one the portal speaks; use one of {', '.join(LOCALES)} "
                "(--demo-locale / PORTAL_DEMO_LOCALE)"
            )
        self.demo_locale = demo_locale
        self._smtp_host, self._smtp_port, self._mail_port = smtp_host, smtp_port, mail_port
        self._mail_api_url = mail_api_url
        self.mail_host, self.mail_max_messages = mail_host, mail_max_messages
        self._config = config or {}
        self.app: Flask | None = None
        self.catcher: MailCatcher | None = None
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._worker: OutboxWorker | None = None
        self._demo: DemoAccount | None = None
        self._bound_port: int | None = None
        self._catcher_ports: tuple[int, int] | None = None  # (smtp, http) once the catcher runs

    @property
    def base_url(self) -> str:
        """The portal's URL, e.g. http://127.0.0.1:5000."""
        return f"http://{url_host(self.host)}:{self._bound_port or self.port}"

    @property
    def mail_api_url(self) -> str | None:
        """Base URL of the Mailpit-compatible API and the catcher's inbox page (None: external SMTP, no API given)."""
        if self._catcher_ports is not None:
            return f"http://{url_host(self.mail_host)}:{self._catcher_ports[1]}"
        return self._mail_api_url

    @property
    def smtp_host(self) -> str:
        """Where the portal sends mail: the external server, else the embedded catcher (over loopback if it listens
        on every address)."""
        return self._smtp_host or url_host(self.mail_host).strip("[]")

    @property
    def smtp_port(self) -> int:
        """The SMTP port mail goes to (the bound one once the catcher runs)."""
        return self._catcher_ports[0] if self._catcher_ports is not None else self._smtp_port

    @property
    def demo(self) -> DemoAccount | None:
        """The demo sign-in, once seeded."""
        return self._demo

    @property
    def running(self) -> bool:
        """Whether the stack is serving: started and not stopped."""
        return self._server is not None

    def _start(self) -> None:
        # Bind the portal's port first: a second copy started by mistake fails here, before it resets the database.
        self._server = self._bind()
        self._bound_port = int(self._server.effective_port)
        if self._smtp_host is None:
            self.catcher = self._start_catcher()
            self._catcher_ports = (self.catcher.smtp_port, self.catcher.http_port)
        config: dict[str, Any] = {
            "TESTING": self.testing,
            "RESET_DATABASE": self.reset,
            "SMTP_HOST": self.smtp_host,
            "SMTP_PORT": self.smtp_port,
            "PUBLIC_URL": self.base_url,
        }
        if self.database_url:
            config["DATABASE_URL"] = self.database_url
        self.app = create_app(config | self._config)
        if self.seed:
            with self.app.app_context():
                db = new_session(self.app)
                try:
                    self._demo = seed_demo(db, seed=self.demo_seed, locale=self.demo_locale)
                finally:
                    db.close()
        self._worker = OutboxWorker(self.app).start()
        self._thread = threading.Thread(target=self._server.run, name="portal-http", daemon=True)
        self._thread.start()

    def _start_catcher(self) -> MailCatcher:
        # The mail API answers to the names the test API does (PUBLIC_URL's host, ALLOWED_HOSTS: the config given,
        # else PORTAL_ALLOWED_HOSTS, by the app's rule), and to its own mail_host; the app doesn't exist yet.
        allowed = settings.setting("ALLOWED_HOSTS", self._config, [])
        names = portal_hosts({"PUBLIC_URL": self.base_url} | self._config | {"ALLOWED_HOSTS": allowed})
        catcher = MailCatcher(
            self.mail_host, self._smtp_port, self._mail_port, store=MessageStore(self.mail_max_messages), allowed_hosts=names
        )
        try:
            return catcher.start()
        except MailCatcherError as exc:
            found = _unusable_host(exc.__cause__, self.mail_host, "--mail-host / PORTAL_MAIL_HOST")
            if found is None:
                raise
            raise found from exc

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        """The server is bound before the app exists; requests only arrive once both do."""
        assert self.app is not None
        return self.app(environ, start_response)

    def _bind(self) -> BaseWSGIServer:
        try:
            server = create_server(self._wsgi, host=self.host, port=self.port, threads=8)
        except (OSError, ValueError) as exc:
            if isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE:
                raise PortalStackError(
                    f"port {self.port} is in use on {self.host}; pass --port 0 (or PORTAL_PORT=0) to pick a free "
                    "one, or another port"
                ) from exc
            raise _unusable_host(exc, self.host, "--host / PORTAL_HOST") or PortalStackError(
                f"cannot listen on {self.host}:{self.port}: {exc}"
            ) from exc
        if not isinstance(server, BaseWSGIServer):
            server.close()
            raise PortalStackError(f"--host / PORTAL_HOST: {self.host!r} resolves to several addresses; {HOST_FORM}")
        return server

    def stop(self) -> None:
        """Stop serving and free every port; safe to call twice."""
        if self._server is not None:
            server, self._server = self._server, None
            if self._thread is not None:
                # Close every socket from the server's own loop, so the loop sees an empty map and returns.
                # A wake-up a worker had already sent may let the loop run the thunk, closing the trigger, before
                # this call's own write to it (EBADF): the loop is ending anyway.
                with contextlib.suppress(OSError):
                    server.trigger.pull_trigger(lambda: close_all(server._map))
                self._thread.join(timeout=10)
                self._thread = None
            else:
                close_all(server._map)
            server.task_dispatcher.shutdown()
        if self._worker is not None:
            worker, self._worker = self._worker, None
            worker.stop()
        if self.catcher is not None:
            catcher, self.catcher = self.catcher, None
            catcher.stop()
        if self.app is not None:
            engine = self.app.extensions.get("db_sessionmaker")
            if engine is not None:
                engine.kw["bind"].dispose()
