"""Servers on loopback for the PayFiP tests: a WSGI application (the simulator, the portal)
served for real on 127.0.0.1 in a thread, a free port, polling instead of sleeping, and the
simulator's payment page posted as a family would."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from werkzeug.serving import make_server

from adapters.payfip import PAGE_PATH

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

__all__ = ["Served", "choose", "free_port", "wait_for"]


class Served:
    """A WSGI application served on 127.0.0.1, on ``port`` or a free one, in a thread;
    closing twice is harmless."""

    def __init__(self, application: WSGIApplication, port: int = 0) -> None:
        self.server = make_server("127.0.0.1", port, application, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()
        self._closed = False

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.server.shutdown()
            self.server.server_close()
            self._thread.join(timeout=10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll ``condition()`` until it is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.01)


def choose(served: Served, id_op: str, result: str, notification: str = "never") -> str:
    """The simulator's payment page posted as the family would (no browser, so the redirect
    is not followed): where PayFiP sends the browser back."""
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=5)
    try:
        connection.request(
            "POST",
            PAGE_PATH,
            body=f"idop={id_op}&resultrans={result}&notification={notification}",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        answer = connection.getresponse()
        answer.read()
        assert answer.status == 303
        return str(answer.getheader("Location"))
    finally:
        connection.close()
