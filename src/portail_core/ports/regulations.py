"""Règlements intérieurs: their published versions, and the store of their PDF files."""

from __future__ import annotations

from typing import Protocol

from portail_core.domain.dossiers.documents import StoredDocument
from portail_core.domain.regulations import RegulationVersion

__all__ = ["RegulationFiles", "RegulationRepositories", "RegulationRepository"]


class RegulationRepository(Protocol):
    def add(self, version: RegulationVersion) -> RegulationVersion:
        """Record it; returns it with its id. A version is never changed or removed."""
        ...

    def listing(self, establishment_code: str | None = None) -> list[RegulationVersion]:
        """Every published version (of one establishment), by establishment, date and id."""
        ...

    def get(self, establishment_code: str, version: str) -> RegulationVersion | None: ...


class RegulationRepositories(Protocol):
    """The regulations' repository, as a unit of work gives it."""

    @property
    def regulations(self) -> RegulationRepository: ...


class RegulationFiles(Protocol):
    """The regulations' PDF files, outside the web root; written whole before they are
    referenced (like the dossiers' documents)."""

    def save(self, data: bytes, filename: str) -> StoredDocument:
        """Check the upload (``InvalidInput`` in French if refused) and store it."""
        ...

    def open(self, file_id: str) -> bytes:
        """Its content; NotFound when there is none by that reference."""
        ...

    def discard(self, file_id: str) -> None:
        """Remove a file that nothing refers to (a publication that failed)."""
        ...
