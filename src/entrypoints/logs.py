"""The processes' logs: plain lines, or one JSON object a line with ``PORTAIL_LOG_FORMAT=json``
(for a log collector). Standard library only.

A JSON line holds ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message`` and, for an
error, ``exception``; the message is the one the loggers' filters left (the e-mailed links'
secrets masked, ``web.accounts.LinkSecretFilter``).

When a deployment serves several communes (``PORTAIL_COMMUNES_FILE``), what is logged while a
request of one commune is handled (the host dispatcher) or while a command acts on one
(``portail --commune CODE``, the outbox and jobs workers too) names it: a ``commune`` field in
JSON, a ``[code]`` prefix on a plain line. ``CURRENT_COMMUNE`` holds it for the thread (a
``ContextVar``: each request's thread or task its own), ``CommuneFilter`` on the handler copies
it onto each record. Without a deployment file nothing is set, and the lines are as they were.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from datetime import UTC, datetime

from portail_core.errors import ConfigurationError

__all__ = [
    "CURRENT_COMMUNE",
    "CommuneFilter",
    "JsonFormatter",
    "PlainFormatter",
    "configure_logging",
    "json_requested",
    "log_formatter",
    "logging_as_commune",
]

FORMAT_VARIABLE = "PORTAIL_LOG_FORMAT"
_OURS = "portail_handler"  # marks the handler configure_logging installed
# The code of the commune whose request or command is under way; None: no deployment file.
CURRENT_COMMUNE: ContextVar[str | None] = ContextVar("portail_commune", default=None)


@contextlib.contextmanager
def logging_as_commune(code: str | None) -> Iterator[None]:
    """What is logged inside names the commune ``code`` (None: none)."""
    token = CURRENT_COMMUNE.set(code)
    try:
        yield
    finally:
        CURRENT_COMMUNE.reset(token)


class CommuneFilter(logging.Filter):
    """On a handler: each record gets ``commune``, the code of the commune it was logged for
    (unless the caller gave one, ``extra={"commune": ...}``); it lets every record through."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "commune", None) is None:
            record.commune = CURRENT_COMMUNE.get()
        return True


def _commune_of(record: logging.LogRecord) -> str | None:
    commune = getattr(record, "commune", None)
    return commune if isinstance(commune, str) and commune else None


class JsonFormatter(logging.Formatter):
    """One JSON object a line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        commune = _commune_of(record)
        if commune is not None:
            entry["commune"] = commune
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    """A plain line, after ``[code] `` when it was logged for a commune."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        commune = _commune_of(record)
        return f"[{commune}] {line}" if commune is not None else line


def json_requested(env: Mapping[str, str] | None = None) -> bool:
    """True when ``PORTAIL_LOG_FORMAT=json``; anything else but « text » or nothing is refused."""
    value = (os.environ if env is None else env).get(FORMAT_VARIABLE, "").strip().lower()
    if value not in ("", "text", "json"):
        raise ConfigurationError(f"{FORMAT_VARIABLE} invalide : « {value[:40]} » (json ou text).")
    return value == "json"


def log_formatter(plain: str = "%(message)s") -> logging.Formatter:
    """The formatter the environment asks for: JSON, or ``plain`` lines."""
    return JsonFormatter() if json_requested() else PlainFormatter(plain)


def configure_logging(level: int = logging.INFO, plain: str = "%(message)s") -> None:
    """The process's logs on stderr, as the environment asks, from ``level`` up. Called again,
    it only lowers the level; like ``logging.basicConfig``, it changes nothing when the root
    logger already has a handler of someone else's (a test runner's)."""
    root = logging.getLogger()
    ours = [handler for handler in root.handlers if getattr(handler, _OURS, False)]
    if root.handlers and not ours:
        return
    if not ours:
        handler = logging.StreamHandler()
        handler.setFormatter(log_formatter(plain))
        handler.addFilter(CommuneFilter())
        setattr(handler, _OURS, True)
        root.addHandler(handler)
        root.setLevel(level)
    root.setLevel(min(root.level, level))
