"""Reference data kept by each process between requests: the commune, its catalogue and the
imported school calendars.

Every page of the booking flow reads them, and they change a few times a year. Each process
keeps the last ones it read with the token of the ``reference_version`` row they were read
under, and reads their rows again only when the token differs: one small query instead of five
and the decoding of every unit. Every change goes through the repositories (``replace``,
``replace_years``, the commune's ``add`` and ``update``), which write a new random token in the
same transaction: another process, or another server, sees the new token as soon as it sees the
new rows; a rolled-back change leaves a token nobody reads; a token is random, so that a database
recreated (tests, a new town) never reuses one, and a backup restored brings back the token of
the rows it restores. A transaction reads the token once and shares it between the
repositories. Whoever edits these tables by hand writes a new token (operator guide).

A process serving several communes (one schema or file each) keeps each commune's reference
data under its own token: a small map, not one slot that the communes would take from each
other on every request.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any, TypeVar

from attrs import define, evolve, frozen
from sqlalchemy import Connection, insert, select, update

from adapters.persistence.tables import reference_version
from adapters.persistence.transaction import OpenTransaction
from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.domain.catalogue.school_calendar import SchoolCalendar
from portail_core.domain.communes import Commune

__all__ = ["Kept", "ReferenceVersion", "SharedReferenceVersion", "kept", "own_copy"]

T = TypeVar("T")


@frozen
class Kept:
    """What this process last read, and the token it was read under (None: not read)."""

    token: str
    catalogue: Catalogue | None = None
    imported: SchoolCalendar | None = None
    commune: Commune | None = None
    campaigns: tuple[Any, ...] | None = None  # fair allocation's (persistence.allocation)


KEPT_TOKENS = 16  # tokens kept at most: more than the communes one process serves
# Replaced whole, in one assignment: threads never see half of it. Oldest token first.
_kept: dict[str, Kept] = {}


def kept(token: str | None, what: str) -> Any:
    """The kept value ``what`` if it was read under ``token``, else None."""
    current = _kept.get(token) if token is not None else None
    return getattr(current, what) if current is not None else None


def keep(token: str, **read: Any) -> None:
    global _kept  # the process's cache: see the module's docstring
    current = _kept.get(token)
    others = {key: value for key, value in _kept.items() if key != token}
    while len(others) >= KEPT_TOKENS:
        del others[next(iter(others))]  # the token kept longest ago
    _kept = {**others, token: evolve(current, **read) if current else Kept(token, **read)}


def own_copy(value: T) -> T:
    """A kept value for one caller: a catalogue with establishments of its own, a commune of
    its own (the only mutable parts: everything below them is frozen)."""
    if isinstance(value, Catalogue):
        establishments = tuple(map(copy.copy, value.establishments))
        return evolve(value, establishments=establishments)
    return copy.copy(value)


@define
class ReferenceVersion:
    """The ``reference_version`` token, as one transaction reads and writes it."""

    connection: Connection
    token: str | None = None
    known: bool = False

    def current(self) -> str | None:
        if not self.known:
            self.token, self.known = self._read(), True
        return self.token

    def renew(self) -> None:
        """A new token, in the transaction that changes the reference data."""
        token = uuid.uuid4().hex
        statement = update(reference_version).where(reference_version.c.id == 1)
        if self.connection.execute(statement.values(token=token)).rowcount != 1:
            self.connection.execute(insert(reference_version).values(id=1, token=token))
        self.token, self.known = token, True

    def read_under(self, token: str | None, what: str, value: T) -> T:
        """``value``, just read from the rows: kept for the next callers when no change was
        committed since ``token`` was read; returned as the caller's own copy."""
        if token is not None and self._read() == token and value is not None:
            keep(token, **{what: value})
            return own_copy(value)
        return value

    def _read(self) -> str | None:
        query = select(reference_version.c.token).where(reference_version.c.id == 1)
        token: str | None = self.connection.execute(query).scalar_one_or_none()
        return token


class SharedReferenceVersion(OpenTransaction):
    """Base of the repositories' mixins that read reference data: one token per transaction."""

    _reference_version: ReferenceVersion | None = None

    def reference_version(self) -> ReferenceVersion:
        connection = self.connection()
        version = self._reference_version
        if version is None or version.connection is not connection:
            version = self._reference_version = ReferenceVersion(connection)
        return version
