"""The audit trail: an append-only record of what people (families, staff) and the system did."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import pendulum
from attrs import field, frozen

from portail_core.domain.shared.instants import as_utc

__all__ = ["Actor", "AuditEvent", "Channel"]


class Channel(enum.Enum):
    PORTAL = "portail"  # a family, on the web portal
    DESK = "guichet"  # staff of the guichet unique, on the command line
    SYSTEM = "système"  # the portal itself (demo data, scheduled jobs)


@frozen
class Actor:
    """Who acts, and through which channel: ``Actor.staff("mdupont")``."""

    identifier: str
    channel: Channel

    @classmethod
    def staff(cls, login: str) -> Actor:
        return cls(login, Channel.DESK)

    @classmethod
    def system(cls, what: str) -> Actor:
        return cls(what, Channel.SYSTEM)


MAX_SUMMARY = 500


def _short(summary: str) -> str:
    return summary if len(summary) <= MAX_SUMMARY else summary[: MAX_SUMMARY - 1] + "…"


def _frozen_details(details: Mapping[str, Any]) -> Mapping[str, Any]:
    return dict(details)


@frozen
class AuditEvent:
    """``action`` is a stable dotted code ("catalogue.load"); ``summary`` is French for people;
    ``details`` holds what changed (old -> new), JSON-compatible and free of health data."""

    at: pendulum.DateTime = field(converter=as_utc)
    actor: Actor
    action: str
    summary: str = field(converter=_short)
    details: Mapping[str, Any] = field(factory=dict, converter=_frozen_details)
    family_id: int | None = None  # the family concerned, for its history
