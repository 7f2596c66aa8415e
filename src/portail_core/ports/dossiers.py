"""Families' dossiers, their change requests and their supporting documents' files."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Protocol

import pendulum

from portail_core.domain.dossiers.changes import ChangeRequest
from portail_core.domain.dossiers.documents import KeptFile, StoredDocument
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
        """Every family, by name in French order (``shared.collation.french_sort_key``),
        then by id."""
        ...

    def each(self, batch: int = 500) -> Iterator[Family]:
        """Every family, by id, read and built ``batch`` families at a time: a billing run
        does not hold a whole town's dossiers in memory. Other statements may run between
        two families (no cursor stays open)."""
        ...

    def count(self) -> int: ...

    def add_all(self, new: Sequence[Family], now: pendulum.DateTime) -> None:
        """Add many families at once (an import): each family and child gets its id."""
        ...

    def by_legacy_reference(self, references: Collection[str]) -> dict[str, Family]:
        """The families imported from the previous software under these references (each
        reference names one family at most)."""
        ...


class DocumentStore(Protocol):
    """Supporting documents' and absence certificates' files, kept outside the web root under
    random names, in one folder per family.

    Write, then reference: ``save`` keeps the whole file before the use case records its
    reference, so that a reference never names a missing file; a worker killed in between
    leaves an orphan, which ``files`` shows to the purge and ``delete_family`` removes."""

    def save(self, family_id: int, data: bytes, filename: str) -> StoredDocument:
        """Check the content (PDF, JPEG or PNG, 5 MB at most) and keep it, whole or not at
        all, in the family's folder."""
        ...

    def open(self, family_id: int, file_id: str) -> bytes:
        """The file's content; NotFound for an unknown or malformed id, or another family's."""
        ...

    def delete(self, family_id: int, file_id: str) -> None:
        """Remove the file for good; an absent one is already gone."""
        ...

    def delete_family(self, family_id: int, known: Collection[str] = ()) -> int:
        """Remove the family's folder whole (erasure), orphans included, and its ``known``
        files wherever an earlier version of the store kept them; how many files."""
        ...

    def files(self) -> list[KeptFile]:
        """Every file kept, unfinished uploads included (for the purge of orphans)."""
        ...

    def discard(self, family_id: int, name: str) -> None:
        """Delete a file ``files`` listed."""
        ...


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
