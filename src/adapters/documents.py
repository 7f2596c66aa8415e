"""Stores of uploaded supporting documents: files on disk, and an in-memory twin.

On disk, a document lives at ``root/ab/cd/abcd…`` where ``abcd…`` is a random 128-bit reference
in hex: never the uploaded name, no extension, nothing a web server could serve or execute. Keep
``root`` outside any web root; only the portal, after its access checks, reads it back. Files are
readable by the portal's user alone (0o600, folders 0o700) and appear whole or not at all (written
to a temporary file in the same folder, then renamed).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from pathlib import Path

from portail_core.domain.dossiers.documents import StoredDocument, check_upload, is_file_id
from portail_core.errors import NotFound

__all__ = ["FileDocumentStore", "InMemoryDocumentStore"]

FILE_MODE = 0o600
FOLDER_MODE = 0o700
MISSING = "Ce document est introuvable."


def _new_file_id() -> str:
    return secrets.token_hex(16)


def _describe(file_id: str, data: bytes, filename: str) -> StoredDocument:
    document_format = check_upload(data, filename)
    return StoredDocument(
        file_id=file_id,
        format=document_format,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=filename,
    )


def _checked(file_id: str) -> str:
    """The reference itself, or NotFound when it could not have been given by a store."""
    if not is_file_id(file_id):
        raise NotFound(MISSING)
    return file_id


class FileDocumentStore:
    """Documents as files under ``root`` (created with mode 0o700 if absent)."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def save(self, data: bytes, filename: str) -> StoredDocument:
        """Check the upload (``InvalidInput`` in French if refused), then store it."""
        stored = _describe(_new_file_id(), data, filename)
        path = self._path(stored.file_id)
        self._make_folders(path.parent)
        # In the same folder, so that the rename is atomic; mkstemp opens it for its owner alone.
        descriptor, name = tempfile.mkstemp(prefix=".upload-", suffix=".tmp", dir=path.parent)
        temporary = Path(name)
        try:
            with os.fdopen(descriptor, "wb") as file:
                os.fchmod(file.fileno(), FILE_MODE)
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            temporary.replace(path)  # a 128-bit random name: no collision to fear
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        _sync_folder(path.parent)
        return stored

    def open(self, file_id: str) -> bytes:
        """The document's content; NotFound if there is none by that reference."""
        try:
            return self._path(_checked(file_id)).read_bytes()
        except FileNotFoundError:
            raise NotFound(MISSING) from None

    def delete(self, file_id: str) -> None:
        """Remove the document for good (RGPD erasure); an absent one is already gone."""
        self._path(_checked(file_id)).unlink(missing_ok=True)

    def _path(self, file_id: str) -> Path:
        return self._root / file_id[:2] / file_id[2:4] / file_id

    def _make_folders(self, folder: Path) -> None:
        missing = [parent for parent in (self._root, folder.parent, folder) if not parent.is_dir()]
        for parent in missing:
            parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
            parent.chmod(FOLDER_MODE)  # whatever the umask


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (a crash right after ``save`` keeps the file)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class InMemoryDocumentStore:
    """The same behaviour as FileDocumentStore, kept in a dict (tests and demos)."""

    def __init__(self) -> None:
        self._contents: dict[str, bytes] = {}

    def save(self, data: bytes, filename: str) -> StoredDocument:
        stored = _describe(_new_file_id(), data, filename)
        self._contents[stored.file_id] = bytes(data)
        return stored

    def open(self, file_id: str) -> bytes:
        try:
            return self._contents[_checked(file_id)]
        except KeyError:
            raise NotFound(MISSING) from None

    def delete(self, file_id: str) -> None:
        self._contents.pop(_checked(file_id), None)
