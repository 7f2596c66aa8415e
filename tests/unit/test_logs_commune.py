"""The commune in the logs: a ``commune`` field in JSON, a ``[code]`` prefix on a plain line,
for what is logged while a commune's request or command is under way; nothing without one."""

import json
import logging

import pytest

from entrypoints.logs import (
    CURRENT_COMMUNE,
    CommuneFilter,
    JsonFormatter,
    PlainFormatter,
    configure_logging,
    logging_as_commune,
)


def filtered(message: str = "tâche faite", **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("portail.jobs", logging.WARNING, __file__, 1, message, (), None)
    record.__dict__.update(extra)
    assert CommuneFilter().filter(record)  # it never drops a record
    return record


def test_without_a_commune_the_lines_are_as_they_were() -> None:
    record = filtered()
    assert "commune" not in json.loads(JsonFormatter().format(record))
    assert PlainFormatter("%(levelname)s %(message)s").format(record) == "WARNING tâche faite"


def test_a_record_logged_for_a_commune_names_it() -> None:
    with logging_as_commune("beta"):
        record = filtered()
    assert json.loads(JsonFormatter().format(record))["commune"] == "beta"
    assert PlainFormatter("%(levelname)s %(message)s").format(record) == (
        "[beta] WARNING tâche faite"
    )


def test_the_commune_is_the_innermost_and_is_forgotten_after() -> None:
    with logging_as_commune("alpha"):
        with logging_as_commune("beta"):
            assert filtered().commune == "beta"
        assert filtered().commune == "alpha"
    assert CURRENT_COMMUNE.get() is None
    assert filtered().commune is None


def test_a_commune_given_by_the_caller_is_kept() -> None:
    with logging_as_commune("alpha"):
        record = filtered(commune="gamma")
    assert json.loads(JsonFormatter().format(record))["commune"] == "gamma"


def test_the_process_handler_carries_the_filter(monkeypatch: pytest.MonkeyPatch) -> None:
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])  # as in a process no test runner configured
    monkeypatch.setattr(root, "level", root.level)
    monkeypatch.setenv("PORTAIL_LOG_FORMAT", "json")
    configure_logging()
    [handler] = root.handlers
    assert any(isinstance(f, CommuneFilter) for f in handler.filters)
    assert isinstance(handler.formatter, JsonFormatter)
    monkeypatch.setenv("PORTAIL_LOG_FORMAT", "text")
    monkeypatch.setattr(root, "handlers", [])
    configure_logging()
    assert isinstance(root.handlers[0].formatter, PlainFormatter)
