"""Stores of the règlements intérieurs' PDF files: files on disk, and an in-memory twin.

On disk, under ``root`` (the instance's ``reglements/`` folder, outside any web root), a file is
named by a random 128-bit reference in hex, written whole and synced before the use case records
it (as ``adapters.documents`` does for the dossiers), readable by the portal's user alone.
Unlike a family's documents, a published règlement is never deleted: families accepted it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from adapters.documents import (
    FOLDER_MODE,
    MISSING,
    _checked,
    _new_file_id,
    _sync_folder,
    _write_then_rename,
    _write_unnamed,
)
from portail_core.domain.dossiers.documents import StoredDocument
from portail_core.errors import NotFound

__all__ = ["FileRegulationFiles", "InMemoryRegulationFiles"]


def _describe(data: bytes, filename: str) -> StoredDocument:
    # The rules of règlements (and the catalogue they import) load when one is published.
    from portail_core.domain.regulations import check_regulation_pdf

    return StoredDocument(
        file_id=_new_file_id(),
        format=check_regulation_pdf(data, filename),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=filename,
    )


class FileRegulationFiles:
    """The files under ``root`` (created with mode 0o700 if absent)."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def save(self, data: bytes, filename: str) -> StoredDocument:
        stored = _describe(data, filename)
        if not self._root.is_dir():
            self._root.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
            self._root.chmod(FOLDER_MODE)
        if not _write_unnamed(self._root, stored.file_id, data):
            _write_then_rename(self._root, stored.file_id, data)
        _sync_folder(self._root)
        return stored

    def open(self, file_id: str) -> bytes:
        try:
            return (self._root / _checked(file_id)).read_bytes()
        except FileNotFoundError:
            raise NotFound(MISSING) from None

    def discard(self, file_id: str) -> None:
        (self._root / _checked(file_id)).unlink(missing_ok=True)


class InMemoryRegulationFiles:
    """The same behaviour, kept in a dict (tests and demos)."""

    def __init__(self) -> None:
        self._contents: dict[str, bytes] = {}

    def save(self, data: bytes, filename: str) -> StoredDocument:
        stored = _describe(data, filename)
        self._contents[stored.file_id] = bytes(data)
        return stored

    def open(self, file_id: str) -> bytes:
        try:
            return self._contents[_checked(file_id)]
        except KeyError:
            raise NotFound(MISSING) from None

    def discard(self, file_id: str) -> None:
        self._contents.pop(_checked(file_id), None)
