"""The processes' logs: plain lines, or one JSON object a line with ``PORTAIL_LOG_FORMAT=json``
(for a log collector). Standard library only.

A JSON line holds ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message`` and, for an
error, ``exception``; the message is the one the loggers' filters left (the e-mailed links'
secrets masked, ``web.accounts.LinkSecretFilter``).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime

from portail_core.errors import ConfigurationError

__all__ = ["JsonFormatter", "configure_logging", "json_requested", "log_formatter"]

FORMAT_VARIABLE = "PORTAIL_LOG_FORMAT"
_OURS = "portail_handler"  # marks the handler configure_logging installed


class JsonFormatter(logging.Formatter):
    """One JSON object a line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def json_requested(env: Mapping[str, str] | None = None) -> bool:
    """True when ``PORTAIL_LOG_FORMAT=json``; anything else but « text » or nothing is refused."""
    value = (os.environ if env is None else env).get(FORMAT_VARIABLE, "").strip().lower()
    if value not in ("", "text", "json"):
        raise ConfigurationError(f"{FORMAT_VARIABLE} invalide : « {value[:40]} » (json ou text).")
    return value == "json"


def log_formatter(plain: str = "%(message)s") -> logging.Formatter:
    """The formatter the environment asks for: JSON, or ``plain`` lines."""
    return JsonFormatter() if json_requested() else logging.Formatter(plain)


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
        setattr(handler, _OURS, True)
        root.addHandler(handler)
        root.setLevel(level)
    root.setLevel(min(root.level, level))
