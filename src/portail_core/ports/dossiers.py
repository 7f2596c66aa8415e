"""Families' dossiers, their change requests and their supporting documents' files."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import pendulum

from portail_core.domain.dossiers.changes import ChangeRequest
from portail_core.domain.dossiers.documents import StoredDocument
from portail_core.domain.dossiers.family import Family

__all__ = ["ChangeRequestRepository", "DocumentStore", "DossierRepositories", "FamilyRepository"]


class FamilyRepository(Protocol):
    """Families and their dossiers; a family and its children get their ids when added."""

    def add(self, family: Family, now: pendulum.DateTime) -> None: ...

    def get(self, family_id: int, *, for_update: bool = False) -> Family | None:
        """``for_update`` locks the family's row until the transaction ends: whoever changes a
        dossier reads it that way, so that two changes at the same moment (the desk and the
        family, two agents) are made one after the other and neither is lost."""
        ...

    def update(self, family: Family, now: pendulum.DateTime) -> None:
        """Write back a family read from here; children without an id are added."""
        ...

    def listing(self) -> list[Family]:
        """Every family, by name."""
        ...

    def each(self, batch: int = 500) -> Iterator[Family]:
        """Every family, by id, read and built ``batch`` families at a time: a billing run
        does not hold a whole town's dossiers in memory. Other statements may run between
        two families (no cursor stays open)."""
        ...

    def count(self) -> int: ...


class DocumentStore(Protocol):
    """Supporting documents' files, kept outside the web root under random names."""

    def save(self, data: bytes, filename: str) -> StoredDocument:
        """Check the content (PDF, JPEG or PNG, 5 MB at most) and keep it."""
        ...

    def open(self, file_id: str) -> bytes:
        """The file's content; NotFound for an unknown or malformed id."""
        ...

    def delete(self, file_id: str) -> None: ...


class ChangeRequestRepository(Protocol):
    def add(self, change: ChangeRequest) -> None: ...

    def get(self, change_id: int, *, for_update: bool = False) -> ChangeRequest | None: ...

    def listing(
        self, *, family_id: int | None = None, pending_only: bool = True
    ) -> list[ChangeRequest]:
        """Oldest first."""
        ...

    def update(self, change: ChangeRequest) -> None: ...

    def delete_of_family(self, family_id: int) -> None:
        """Forget the family's requests (erasure of a dossier)."""
        ...


class DossierRepositories(Protocol):
    """The dossiers' repositories, as a unit of work gives them."""

    @property
    def families(self) -> FamilyRepository: ...

    @property
    def changes(self) -> ChangeRequestRepository: ...
