"""An embedded mail catcher: SMTP in, Mailpit-compatible HTTP API v1 out, all in memory.

The API answers as Mailpit v1.30 does: messages (list, search, read status, delete), one message (JSON, source,
headers, attachment parts by PartID), and application information. See api.py and message_api.py."""

from __future__ import annotations

from collections.abc import Iterable

from aiosmtpd.controller import Controller

from ..lifecycle import Startable
from .api import create_mail_app
from .smtp import start_smtp
from .store import MessageStore
from .wsgi import BackgroundServer

__all__ = ["MailCatcher", "MailCatcherError", "MessageStore", "create_mail_app", "start_smtp"]


class MailCatcherError(RuntimeError):
    """The catcher could not start."""


def _cannot_listen(protocol: str, host: str, port: int, error: Exception) -> MailCatcherError:
    return MailCatcherError(
        f"cannot listen for {protocol} on {host}:{port} ({error}); choose a free port, or 0 to let the system pick one"
    )


class MailCatcher(Startable):
    """Catches mail on an SMTP port and serves it on an HTTP port, like a tiny Mailpit.

    Ports may be 0 to pick free ones; after `start()` the properties report the real ports. The HTTP side answers
    only to a loopback Host, `host` and `allowed_hosts` (no DNS rebinding).
    """

    error = MailCatcherError

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

    @property
    def running(self) -> bool:
        """Whether the catcher has started and not stopped."""
        return self._smtp is not None

    def _start(self) -> None:
        try:
            self._smtp = start_smtp(self.store, self.host, self._smtp_port)
        except OSError as error:
            raise _cannot_listen("SMTP", self.host, self._smtp_port, error) from error
        try:
            app = create_mail_app(self.store, self.allowed_hosts)
            self._http = BackgroundServer(app, self.host, self._http_port)
        except (OSError, ValueError) as error:
            raise _cannot_listen("HTTP", self.host, self._http_port, error) from error

    def stop(self) -> None:
        """Stop both servers and free their ports; safe to call twice."""
        if self._http is not None:
            http, self._http = self._http, None
            http.stop()
        if self._smtp is not None:
            smtp, self._smtp = self._smtp, None
            smtp.stop()
