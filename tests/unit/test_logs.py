"""PORTAIL_LOG_FORMAT=json: one JSON object a line, secrets of the e-mailed links still masked."""

import json
import logging
import sys

import pytest

from entrypoints.logs import JsonFormatter, json_requested, log_formatter
from entrypoints.web.accounts import LinkSecretFilter
from portail_core.errors import ConfigurationError


def record(message: str, *args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise RuntimeError("en panne")
        except RuntimeError:
            exc_info = sys.exc_info()
    return logging.LogRecord("portail.jobs", logging.ERROR, __file__, 1, message, args, exc_info)


def test_a_record_is_one_json_line_with_time_level_logger_and_message() -> None:
    line = JsonFormatter().format(record("tâche %s : %d fait(s)", "sma expire", 2))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "portail.jobs"
    assert entry["message"] == "tâche sma expire : 2 fait(s)"
    assert entry["time"].endswith("+00:00")
    assert "exception" not in entry


def test_an_exception_travels_inside_the_line() -> None:
    entry = json.loads(JsonFormatter().format(record("échec", exc=True)))
    assert "RuntimeError: en panne" in entry["exception"]


def test_the_link_filter_masks_before_the_json_is_written() -> None:
    masked = record('"GET /activation/%s HTTP/1.1" 200', "s3cr3t-t0ken")
    LinkSecretFilter().filter(masked)
    line = JsonFormatter().format(masked)
    assert "s3cr3t" not in line
    assert json.loads(line)["message"] == '"GET /activation/[masqué] HTTP/1.1" 200'


def test_the_environment_chooses_the_format(monkeypatch: pytest.MonkeyPatch) -> None:
    assert json_requested({"PORTAIL_LOG_FORMAT": "JSON"})
    assert not json_requested({"PORTAIL_LOG_FORMAT": "text"})
    assert not json_requested({})
    with pytest.raises(ConfigurationError, match="PORTAIL_LOG_FORMAT invalide"):
        json_requested({"PORTAIL_LOG_FORMAT": "xml"})
    monkeypatch.setenv("PORTAIL_LOG_FORMAT", "json")
    assert isinstance(log_formatter(), JsonFormatter)
    monkeypatch.delenv("PORTAIL_LOG_FORMAT")
    assert not isinstance(log_formatter(), JsonFormatter)
