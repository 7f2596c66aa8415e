"""A lean HTTP/1.1 client on asyncio streams, for the rush benchmark: one connection per browser,
kept alive while the server keeps it (opened again when the server closes it), a cookie jar and
the CSRF token of the last form seen. No pool, no redirects followed, no TLS: what a browser
sends and reads, and nothing that costs the client CPU it does not need.
"""

from __future__ import annotations

import asyncio
import re
import time
from html import unescape
from urllib.parse import quote_plus

import attrs

__all__ = ["Browser", "Response", "form_body", "read_response", "request_bytes"]

CSRF = re.compile(rb'name="csrf_token" value="([^"]+)"')


@attrs.frozen
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    seconds: float = 0.0

    def header(self, name: str, default: str | None = None) -> str | None:
        name = name.lower()
        return next((value for key, value in self.headers if key == name), default)

    @property
    def text(self) -> str:
        return unescape(self.body.decode("utf-8", "replace"))


def form_body(fields: list[tuple[str, str]]) -> bytes:
    """application/x-www-form-urlencoded, repeated names kept in order."""
    return "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in fields).encode()


def request_bytes(
    method: str, path: str, host: str, cookies: dict[str, str], body: bytes | None = None
) -> bytes:
    """The request as it goes on the wire."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: keep-alive"]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    if body is not None:
        lines.append("Content-Type: application/x-www-form-urlencoded")
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


async def read_response(reader: asyncio.StreamReader) -> tuple[Response, bool]:
    """One response (Content-Length, chunked, or until the connection ends); and whether the
    connection may carry the next request."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head[:-4].decode("latin-1").split("\r\n")
    version, status = status_line.split(" ", 2)[:2]
    headers = []
    for line in header_lines:
        name, _, value = line.partition(":")
        headers.append((name.strip().lower(), value.strip()))
    found = dict(headers)
    keep = version == "HTTP/1.1" and found.get("connection", "").lower() != "close"
    if "content-length" in found:
        body = await reader.readexactly(int(found["content-length"]))
    elif found.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        await reader.readuntil(b"\r\n")  # no trailers expected
        body = b"".join(parts)
    else:
        body, keep = await reader.read(), False
    return Response(int(status), headers, body), keep


class Browser:
    """One family's browser: its connection, its cookies, its last CSRF token."""

    def __init__(self, host: str, port: int, cookies: dict[str, str] | None = None) -> None:
        self.host, self.port = host, port
        self.cookies = dict(cookies or {})
        self.csrf = ""
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str) -> Response:
        return await self.request("GET", path)

    async def post(self, path: str, fields: list[tuple[str, str]]) -> Response:
        return await self.request("POST", path, [("csrf_token", self.csrf), *fields])

    async def request(
        self, method: str, path: str, fields: list[tuple[str, str]] | None = None
    ) -> Response:
        body = None if fields is None else form_body(fields)
        began = time.perf_counter()
        reused = self._streams is not None
        try:
            response, keep = await self._exchange(method, path, body)
        except (asyncio.IncompleteReadError, ConnectionError):
            if not reused:
                raise
            self.close()  # the server closed an idle kept-alive connection: as a browser, retry
            response, keep = await self._exchange(method, path, body)
        if not keep:
            self.close()
        self._remember(response)
        return attrs.evolve(response, seconds=time.perf_counter() - began)

    async def _exchange(self, method: str, path: str, body: bytes | None) -> tuple[Response, bool]:
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        host = f"{self.host}:{self.port}"
        writer.write(request_bytes(method, path, host, self.cookies, body))
        await writer.drain()
        return await read_response(reader)

    def _remember(self, response: Response) -> None:
        for name, value in response.headers:
            if name == "set-cookie":
                pair, _, attributes = value.partition(";")
                key, _, content = pair.partition("=")
                gone = "max-age=0" in attributes.lower().replace(" ", "")
                if gone or not content or "expires=thu, 01 jan 1970" in attributes.lower():
                    self.cookies.pop(key.strip(), None)
                else:
                    self.cookies[key.strip()] = content.strip()
        if token := CSRF.search(response.body):
            self.csrf = token[1].decode()

    def close(self) -> None:
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None
