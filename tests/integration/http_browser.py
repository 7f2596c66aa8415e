"""A browser for tests against real servers on loopback: its cookies (kept whatever server
answered, as one browser behind a load balancer), the CSRF token of the last form seen, no
redirect followed; and the servers themselves started as subprocesses, waited for by polling."""

from __future__ import annotations

import http.client
import re
import socket
import subprocess
import time
from html import unescape
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import attrs

__all__ = ["Browser", "Page", "free_port", "stop", "wait_until_up"]

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@attrs.frozen
class Page:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def location(self) -> str:
        """Where a redirect leads, as a path of the same site."""
        parts = urlsplit(self.headers.get("location", ""))
        return parts.path + (f"?{parts.query}" if parts.query else "")


@attrs.define
class Browser:
    cookies: dict[str, str] = attrs.field(factory=dict)
    csrf_token: str = ""

    def get(self, port: int, path: str) -> Page:
        return self._request(port, "GET", path, None)

    def post(self, port: int, path: str, fields: list[tuple[str, str]]) -> Page:
        """The form posted with the CSRF token of the last page that had one."""
        body = urlencode([("csrf_token", self.csrf_token), *fields])
        return self._request(port, "POST", path, body)

    def _request(self, port: int, method: str, path: str, body: str | None) -> Page:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Host": f"127.0.0.1:{port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            text = answer.read().decode("utf-8", "replace")
            for value in answer.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    if morsel["expires"] and "1970" in morsel["expires"]:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            page = Page(answer.status, {k.lower(): v for k, v in answer.getheaders()}, text)
        finally:
            connection.close()
        if token := _CSRF.search(text):
            self.csrf_token = unescape(token[1])
        return page


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_up(port: int, process: subprocess.Popen[str], path: str = "/sante") -> Page:
    """Poll the server until it answers ``path`` (within 60 s, unless the process ends)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            return Browser().get(port, path)
        except OSError:
            if process.poll() is not None:
                raise AssertionError(f"the server stopped: {process.communicate()[0]}") from None
            assert time.monotonic() < deadline, "the server did not answer within 60 s"
            time.sleep(0.2)


def stop(process: subprocess.Popen[str]) -> str:
    """SIGTERM, then what the process printed."""
    if process.poll() is None:
        process.terminate()
    try:
        return process.communicate(timeout=60)[0] or ""
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[0] or ""
