"""Several communes served: what is logged while a request of one commune is handled (the host
dispatcher), or while a command acts on one (``portail --commune CODE``, the outbox worker),
names that commune (a ``commune`` field in JSON); what is logged outside names none."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, request
from werkzeug.test import Client

from entrypoints.logs import CommuneFilter, JsonFormatter
from entrypoints.web import HostDispatcher, create_app
from tests.integration.test_communes_isolation import (  # noqa: F401  (fixtures reused)
    HOST_A,
    HOST_B,
    Town,
    portail,
    town,
)

pytestmark = pytest.mark.postgresql
log = logging.getLogger("portail.test.requests")


class Lines(logging.Handler):
    """The JSON lines the process would write, as a log collector reads them."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(JsonFormatter())
        self.addFilter(CommuneFilter())
        self.entries: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.entries.append(json.loads(self.format(record)))

    def of(self, logger: str) -> list[dict[str, Any]]:
        return [entry for entry in self.entries if entry["logger"] == logger]


@pytest.fixture
def lines() -> Iterator[Lines]:
    root = logging.getLogger()
    handler, level = Lines(), root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def logging_each_request(**options: Any) -> Flask:
    """The commune's portal, which also logs each request it serves (as an application's code
    does, through the logging module)."""
    app = create_app(**options)

    @app.after_request
    def logged(response: Any) -> Any:
        log.info("%s %s -> %s", request.method, request.path, response.status_code)
        return response

    return app


def test_each_request_s_log_lines_name_its_commune(town: Town, lines: Lines) -> None:
    dispatcher = HostDispatcher(town.dispatcher.communes, logging_each_request)
    client = Client(dispatcher)
    for host in (HOST_A, HOST_B, HOST_A):
        assert client.get("/connexion", base_url=f"http://{host}").status_code == 200
    log.info("between two requests")
    served = [(e.get("commune"), e["message"]) for e in lines.of(log.name)]
    assert served == [
        ("alpha", "GET /connexion -> 200"),
        ("beta", "GET /connexion -> 200"),
        ("alpha", "GET /connexion -> 200"),
        (None, "between two requests"),
    ]
    unknown = client.get("/connexion", base_url="http://inconnue.test")
    assert unknown.status_code == 404
    assert all("commune" not in entry for entry in lines.entries[len(served) :])


def test_a_command_s_log_lines_name_its_commune(
    town: Town, lines: Lines, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a mail server, the outbox worker writes each e-mail to the log: B's, with B's
    code (B's demo has e-mails waiting: an account being opened)."""
    monkeypatch.delenv("PORTAIL_SMTP_URL", raising=False)
    code, output = portail("--commune", "beta", "outbox", "send")
    assert code == 0, output
    shown = lines.of("portail.mail")
    assert shown, output
    assert {entry["commune"] for entry in shown} == {"beta"}
    code, output = portail("--commune", "alpha", "outbox", "send")
    assert code == 0, output
    assert {entry["commune"] for entry in lines.of("portail.mail")} == {"alpha", "beta"}
    logging.getLogger("portail.mail").warning("after the commands")
    assert "commune" not in lines.entries[-1]


def test_the_jobs_worker_s_log_lines_name_its_commune(town: Town, lines: Lines) -> None:
    code, output = portail("--commune", "beta", "jobs", "run", "--once")
    assert code == 0, output
    assert lines.entries, output
    assert {entry.get("commune") for entry in lines.entries} == {"beta"}


def test_without_a_deployment_file_no_commune_is_named(
    lines: Lines, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PORTAIL_COMMUNES_FILE", raising=False)
    monkeypatch.delenv("PORTAIL_COMMUNE", raising=False)
    monkeypatch.setenv("PORTAIL_DATABASE_URL", f"sqlite:///{tmp_path / 'portail.sqlite3'}")
    monkeypatch.setenv("PORTAIL_INSTANCE_PATH", str(tmp_path / "instance"))
    code, output = portail("db", "upgrade")
    assert code == 0, output
    code, output = portail("demo", "load")
    assert code == 0, output
    code, output = portail("outbox", "send")
    assert code == 0, output
    assert lines.of("portail.mail")
    assert all("commune" not in entry for entry in lines.entries)
