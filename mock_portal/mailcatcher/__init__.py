"""An embedded mail catcher: SMTP in, Mailpit-compatible HTTP API v1 out, all in memory."""

from __future__ import annotations

from collections.abc import Iterable
from types import TracebackType
from typing import Self

from aiosmtpd.controller import Controller

from .api import create_mail_app
from .smtp import start_smtp
from .store import MessageStore
from .wsgi import BackgroundServer

__all__ = ["MailCatcher", "MailCatcherError", "MessageStore", "create_mail_app", "start_smtp"]


class MailCatcherError(RuntimeError):
    """The catcher could not start."""


class MailCatcher:
    """Catches mail on an SMTP port and serves it on an HTTP port, like a tiny Mailpit.

    Ports may be 0 to pick free ones; after `start()` the properties report the real ports. The HTTP side answers
    only to a loopback Host, `host` and `allowed_hosts` (no DNS rebinding).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        smtp_port: int = 1025,
        http_port: int = 8025,
        store: MessageStore | None = None,
        allowed_hosts: Iterable[str] = (),
    ) -> None:
        self.host = host
        self.allowed_hosts = [host, *allowed_hosts]  # names its HTTP API answers to besides loopback
        self.store = store if store is not None else MessageStore()
        self._smtp_port = smtp_port
        self._http_port = http_port
        self._smtp: Controller | None = None
        self._http: BackgroundServer | None = None

    @property
    def smtp_port(self) -> int:
        """The SMTP port: the bound one once started, else the requested one."""
        return self._smtp.port if self._smtp is not None else self._smtp_port

    @property
    def http_port(self) -> int:
        """The HTTP port: the bound one once started, else the requested one."""
        return self._http.port if self._http is not None else self._http_port

    @property
    def api_url(self) -> str:
        """Base URL of the Mailpit-compatible API and inbox page, e.g. http://127.0.0.1:8025."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.http_port}"

    def start(self) -> Self:
        """Start the SMTP server and the HTTP API; return self."""
        if self._smtp is not None:
            raise MailCatcherError("this MailCatcher is already running; stop() it first")
        try:
            self._smtp = start_smtp(self.store, self.host, self._smtp_port)
        except OSError as error:
            raise MailCatcherError(
                f"cannot listen for SMTP on {self.host}:{self._smtp_port} ({error}); "
                "choose a free port, or 0 to let the system pick one"
            ) from error
        try:
            self._start_http()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_http(self) -> None:
        try:
            app = create_mail_app(self.store, self.allowed_hosts)
            self._http = BackgroundServer(app, self.host, self._http_port)
        except (OSError, ValueError) as error:
            raise MailCatcherError(
                f"cannot listen for HTTP on {self.host}:{self._http_port} ({error}); "
                "choose a free port, or 0 to let the system pick one"
            ) from error

    def stop(self) -> None:
        """Stop both servers and free their ports; safe to call twice."""
        if self._http is not None:
            http, self._http = self._http, None
            http.stop()
        if self._smtp is not None:
            smtp, self._smtp = self._smtp, None
            smtp.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
