"""The rush benchmark's lean HTTP client against a real local server: the portal on SQLite served
by werkzeug over HTTP/1.1 keep-alive, two families logging in through the login form, then
booking through the seven steps with cookies and CSRF tokens; and the response reader on a
chunked body. No timing is asserted: the figures are the benchmark's (benchmarks/README.md)."""

import asyncio
import threading
from collections.abc import Iterator

import pytest
from benchmarks.http_client import Browser, form_body, read_response, request_bytes
from benchmarks.rush import CPU_HEADER, STEPS, Outcome, checks, cpu_timed, family_flow
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from entrypoints.bootstrap import Services
from entrypoints.web import create_app
from tests.integration.event_loop import run_apart
from tests.integration.test_auth_web import (  # noqa: F401  (fixtures reused)
    STRONG,
    clock,
    open_family_account,
    services,
)


class KeepAlive(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_request(self, *args: object) -> None:  # quiet
        pass


@pytest.fixture
def server(services: Services) -> Iterator[BaseWSGIServer]:
    app = cpu_timed(create_app({}, services=services).wsgi_app)
    running = make_server("127.0.0.1", 0, app, threaded=True, request_handler=KeepAlive)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    thread.join()


async def logged_in(port: int, identifier: str) -> Browser:
    browser = Browser("127.0.0.1", port)
    form = await browser.get("/connexion")
    assert form.status == 200
    assert browser.csrf
    assert "csrf" in browser.cookies  # the cookie that keeps the CSRF token
    answer = await browser.post("/connexion", [("identifier", identifier), ("password", STRONG)])
    assert answer.status == 302, answer.text
    assert (answer.header("location") or "").endswith("/espace")
    assert "portail_session" in browser.cookies
    return browser


def test_two_families_book_through_the_lean_client(
    services: Services, server: BaseWSGIServer
) -> None:
    identifiers = []
    for _ in range(2):
        account = open_family_account(services)
        secret = account["activation_url"].rsplit("/", 1)[1]
        services.portail.accounts.activate(secret, STRONG, actor_ip="127.0.0.1")
        identifiers.append(account["identifier"])
    outcome = Outcome()

    async def both() -> None:
        browsers = [await logged_in(server.port, identifier) for identifier in identifiers]
        await asyncio.gather(*(family_flow(browser, outcome) for browser in browsers))

    run_apart(both())
    assert outcome.ends == {"confirmed": 4}  # two children each, the demo town has room
    for step in STEPS:
        assert len(outcome.samples[step]) == 4, step
        assert all(status in (200, 302) for _, status, _ in outcome.samples[step]), step
        assert all(cpu > 0 for *_, cpu in outcome.samples[step]), CPU_HEADER
    assert services.engine is not None
    assert len(outcome.shown) == 4
    assert all(passed for _, passed, _ in checks(services.engine, 1000, outcome.shown))


def test_a_refused_csrf_token_is_a_400_and_keep_alive_survives_it(
    services: Services, server: BaseWSGIServer
) -> None:
    account = open_family_account(services)
    secret = account["activation_url"].rsplit("/", 1)[1]
    services.portail.accounts.activate(secret, STRONG, actor_ip="127.0.0.1")

    async def forged() -> tuple[int, int]:
        browser = await logged_in(server.port, account["identifier"])
        browser.csrf = "faux"
        refused = await browser.post("/prolonger", [("retour", "/espace")])
        await browser.get("/espace")  # a token again
        accepted = await browser.post("/prolonger", [("retour", "/espace")])
        browser.close()
        return refused.status, accepted.status

    assert run_apart(forged()) == (400, 302)


def test_the_request_writer_and_a_chunked_response() -> None:
    body = form_body([("creneau", "2026-09-09|JOURNEE"), ("creneau", "é & =")])
    assert body == b"creneau=2026-09-09%7CJOURNEE&creneau=%C3%A9+%26+%3D"
    wire = request_bytes("POST", "/x", "h:1", {"a": "1", "b": "2"}, body)
    head, payload = wire.split(b"\r\n\r\n")
    assert head.split(b"\r\n") == [
        b"POST /x HTTP/1.1",
        b"Host: h:1",
        b"Connection: keep-alive",
        b"Cookie: a=1; b=2",
        b"Content-Type: application/x-www-form-urlencoded",
        f"Content-Length: {len(body)}".encode(),
    ]
    assert payload == body

    async def parse() -> None:
        reader = asyncio.StreamReader()
        reader.feed_data(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nSet-Cookie: s=1; Path=/\r\n\r\n"
            b"4\r\nabcd\r\n2;x=y\r\nef\r\n0\r\n\r\nHTTP/1.1 204 No Content\r\n"
            b"Connection: close\r\nContent-Length: 0\r\n\r\n"
        )
        first, keep = await read_response(reader)
        assert (first.status, first.body, keep) == (200, b"abcdef", True)
        assert first.header("set-cookie") == "s=1; Path=/"
        second, keep = await read_response(reader)
        assert (second.status, second.body, keep) == (204, b"", False)

    run_apart(parse())
