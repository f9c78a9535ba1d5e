"""Serve a WSGI app with waitress on a background thread, and stop it cleanly."""

from __future__ import annotations

import threading
from typing import Any

from waitress import create_server
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer
from waitress.wasyncore import dispatcher


class BackgroundServer:
    """A waitress server running in a daemon thread; port 0 picks a free port."""

    def __init__(self, app: Any, host: str, port: int, threads: int = 4) -> None:
        server = create_server(app, host=host, port=port, threads=threads)
        if not isinstance(server, BaseWSGIServer):
            server.close()
            raise ValueError(f"host {host!r} resolves to several addresses; pass one IP such as 127.0.0.1")
        self._server = server
        self._thread = threading.Thread(target=server.run, name=f"waitress-{self.port}", daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        """The bound port."""
        return int(self._server.effective_port)

    def stop(self, timeout: float = 5.0) -> None:
        """Close every socket, wait for the loop and workers to end, then close the wake-up pipe."""
        server = self._server
        server.trigger.pull_trigger(self._close_sockets)
        self._thread.join(timeout)
        server.task_dispatcher.shutdown(timeout=timeout)
        server.trigger.close()  # only now: workers and this thread may pull it until they are done

    def _close_sockets(self) -> None:
        # Runs inside the server loop thread, so nothing races the loop; an empty map ends it.
        server = self._server
        for channel in list(server._map.values()):
            if channel is server.trigger:
                channel.del_channel()
            elif channel is server:
                dispatcher.close(server)  # BaseWSGIServer.close() would close the trigger too early
            elif isinstance(channel, HTTPChannel):
                channel.handle_close()  # also wakes workers waiting to write to it
            else:
                channel.close()
