"""Stores of uploaded supporting documents: files on disk, and an in-memory twin.

On disk, each family has its own folder, ``root/famille-<n°>/``, and a document lives there under
a random 128-bit reference in hex: never the uploaded name, no extension, nothing a web server
could serve or execute. Keep ``root`` outside any web root; only the portal, after its access
checks, reads it back. Files are readable by the portal's user alone (0o600, folders 0o700).

Write, then reference: a file is written whole and synced, then given its reference as name;
only then does the use case record the reference in the database. On Linux the file is written
without a name (O_TMPFILE) and linked once complete, so that a worker killed while writing leaves
nothing; elsewhere it is written to a temporary ``.upload-*.tmp`` in the family's folder and
renamed. A worker killed after the file is named but before the reference is recorded leaves an
unreferenced file, never a reference to a missing one. Such files and the temporary ones are
found by ``files()`` (``portail document purge-orphans`` deletes them), and erasing a family
removes its folder whole (``delete_family``).

Earlier versions kept every family's files in one tree, ``root/ab/cd/abcd…``. Such a file is
still found: moved into its family's folder when first opened or when the family is erased,
listed by ``files()`` under family 0 (no folder) so that the purge can tell whether anything
still refers to it.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Collection
from pathlib import Path
from typing import BinaryIO

import pendulum

from portail_core.domain.dossiers.documents import (
    EARLIER_LAYOUT,
    KeptFile,
    StoredDocument,
    check_upload,
    is_file_id,
)
from portail_core.errors import NotFound

__all__ = ["FileDocumentStore", "InMemoryDocumentStore"]

FILE_MODE = 0o600
FOLDER_MODE = 0o700
MISSING = "Ce document est introuvable."
FAMILY_FOLDER = "famille-{}"
_FAMILY_FOLDER = re.compile(r"famille-([1-9][0-9]{0,17})", re.ASCII)
TEMPORARY_PREFIX, TEMPORARY_SUFFIX = ".upload-", ".tmp"
_TEMPORARY = re.compile(r"\.upload-[A-Za-z0-9_]{1,64}\.tmp", re.ASCII)
_HEX_PAIR = re.compile(r"[0-9a-f]{2}", re.ASCII)
_PROC_FDS = Path("/proc/self/fd")
_CANNOT_LINK = {errno.EXDEV, errno.EPERM, errno.EACCES, errno.ENOENT, errno.EOPNOTSUPP}


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


def _family(family_id: int) -> int:
    if not isinstance(family_id, int) or isinstance(family_id, bool) or family_id < 1:
        raise NotFound(MISSING)
    return family_id


def _discarded_from(family_id: int) -> int:
    return EARLIER_LAYOUT if family_id == EARLIER_LAYOUT else _family(family_id)


def _discardable(name: str) -> str:
    """A name ``files()`` can give: a reference or an unfinished upload's temporary file."""
    if not (is_file_id(name) or _TEMPORARY.fullmatch(name)):
        raise NotFound(MISSING)
    return name


class FileDocumentStore:
    """Documents as files under ``root`` (created with mode 0o700 if absent)."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def save(self, family_id: int, data: bytes, filename: str) -> StoredDocument:
        """Check the upload (``InvalidInput`` in French if refused), then store it in the
        family's folder."""
        stored = _describe(_new_file_id(), data, filename)
        folder = self._folder(_family(family_id))
        self._make_folders(folder)
        if not _write_unnamed(folder, stored.file_id, data):
            _write_then_rename(folder, stored.file_id, data)
        _sync_folder(folder)
        return stored

    def open(self, family_id: int, file_id: str) -> bytes:
        """The document's content; NotFound if the family has none by that reference."""
        path = self._folder(_family(family_id)) / _checked(file_id)
        self._adopt(family_id, file_id)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise NotFound(MISSING) from None

    def delete(self, family_id: int, file_id: str) -> None:
        """Remove the document for good (RGPD erasure); an absent one is already gone."""
        (self._folder(_family(family_id)) / _checked(file_id)).unlink(missing_ok=True)
        self._earlier(file_id).unlink(missing_ok=True)

    def delete_family(self, family_id: int, known: Collection[str] = ()) -> int:
        """Remove the family's folder whole, unfinished uploads included, and the ``known``
        files wherever an earlier version kept them; how many files."""
        folder = self._folder(_family(family_id))
        for file_id in known:
            if is_file_id(file_id):
                self._adopt(family_id, file_id)
        if not folder.is_dir():
            return 0
        count = sum(1 for path in folder.rglob("*") if not path.is_dir())
        shutil.rmtree(folder)
        _sync_folder(self._root)
        return count

    def files(self) -> list[KeptFile]:
        """Every file of every family's folder, unfinished uploads included (for the purge);
        anything else under ``root`` is not the store's and is left out."""
        kept = []
        for folder in sorted(self._root.iterdir()) if self._root.is_dir() else []:
            match = _FAMILY_FOLDER.fullmatch(folder.name)
            if match is None or not folder.is_dir() or folder.is_symlink():
                continue
            for path in sorted(folder.iterdir()):
                if path.is_file() and not path.is_symlink() and _known(path.name):
                    at = pendulum.from_timestamp(path.stat().st_mtime, tz="UTC")
                    kept.append(KeptFile(int(match[1]), path.name, at))
        return kept + self._earlier_files()

    def discard(self, family_id: int, name: str) -> None:
        """Delete a file ``files()`` listed (the purge of orphans)."""
        if _discarded_from(family_id) == EARLIER_LAYOUT:
            self._earlier(_checked(name)).unlink(missing_ok=True)
        else:
            (self._folder(family_id) / _discardable(name)).unlink(missing_ok=True)

    def _folder(self, family_id: int) -> Path:
        return self._root / FAMILY_FOLDER.format(family_id)

    def _earlier(self, file_id: str) -> Path:
        """Where an earlier version kept the file: ``root/ab/cd/abcd…``."""
        return self._root / file_id[:2] / file_id[2:4] / file_id

    def _adopt(self, family_id: int, file_id: str) -> None:
        """Move the file from where an earlier version kept it into the family's folder."""
        earlier = self._earlier(file_id)
        if not earlier.is_file():
            return
        folder = self._folder(family_id)
        self._make_folders(folder)
        try:
            earlier.replace(folder / file_id)
        except FileNotFoundError:
            return  # another process moved it first
        _sync_folder(folder)

    def _earlier_files(self) -> list[KeptFile]:
        """The files an earlier version kept in its shared tree (family 0)."""
        if not self._root.is_dir():
            return []
        kept = []
        for first in sorted(self._root.iterdir()):
            if not (_HEX_PAIR.fullmatch(first.name) and first.is_dir()) or first.is_symlink():
                continue
            for path in sorted(first.glob("*/*")):
                if path.is_file() and not path.is_symlink() and is_file_id(path.name):
                    at = pendulum.from_timestamp(path.stat().st_mtime, tz="UTC")
                    kept.append(KeptFile(EARLIER_LAYOUT, path.name, at))
        return kept

    def _make_folders(self, folder: Path) -> None:
        for parent in (self._root, folder):
            if not parent.is_dir():
                parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
                parent.chmod(FOLDER_MODE)  # whatever the umask


def _write_unnamed(folder: Path, file_id: str, data: bytes) -> bool:
    """Write the file without a name (Linux's O_TMPFILE), then give it one: a process killed
    while writing leaves nothing at all. False where the system or the filesystem cannot."""
    unnamed = getattr(os, "O_TMPFILE", None)
    if unnamed is None or not _PROC_FDS.is_dir():
        return False
    try:
        descriptor = os.open(folder, unnamed | os.O_WRONLY, FILE_MODE)
    except OSError:
        return False
    with os.fdopen(descriptor, "wb") as file:
        _write_whole(file, data)
        return _name(file.fileno(), folder, file_id)


def _name(descriptor: int, folder: Path, file_id: str) -> bool:
    """Link the unnamed file into ``folder``; False if the system refuses (nothing is left)."""
    where = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:  # linkat(…, AT_SYMLINK_FOLLOW), which the given dst_dir_fd makes os.link use
        os.link(_PROC_FDS / str(descriptor), file_id, dst_dir_fd=where, follow_symlinks=True)
    except OSError as error:
        if error.errno in _CANNOT_LINK:
            return False
        raise
    finally:
        os.close(where)
    return True


def _write_then_rename(folder: Path, file_id: str, data: bytes) -> None:
    """Write a temporary file, then rename it (atomic in the same folder): a process killed
    while writing leaves the temporary file, for the purge."""
    descriptor, name = tempfile.mkstemp(
        prefix=TEMPORARY_PREFIX, suffix=TEMPORARY_SUFFIX, dir=folder
    )
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as file:
            _write_whole(file, data)
        temporary.replace(folder / file_id)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _write_whole(file: BinaryIO, data: bytes) -> None:
    os.fchmod(file.fileno(), FILE_MODE)  # for its owner alone, whatever the umask
    file.write(data)
    file.flush()
    os.fsync(file.fileno())


def _known(name: str) -> bool:
    return is_file_id(name) or _TEMPORARY.fullmatch(name) is not None


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (a crash right after ``save`` keeps the file)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class InMemoryDocumentStore:
    """The same behaviour as FileDocumentStore, kept in a dict (tests and demos); ``now``
    dates the files (the system's clock by default)."""

    def __init__(self, now: Callable[[], pendulum.DateTime] | None = None) -> None:
        self._now = now or (lambda: pendulum.now("UTC"))
        self._contents: dict[tuple[int, str], bytes] = {}
        self._written: dict[tuple[int, str], pendulum.DateTime] = {}

    def save(self, family_id: int, data: bytes, filename: str) -> StoredDocument:
        stored = _describe(_new_file_id(), data, filename)
        key = (_family(family_id), stored.file_id)
        self._contents[key] = bytes(data)
        self._written[key] = self._now()
        return stored

    def open(self, family_id: int, file_id: str) -> bytes:
        try:
            return self._contents[_family(family_id), _checked(file_id)]
        except KeyError:
            raise NotFound(MISSING) from None

    def delete(self, family_id: int, file_id: str) -> None:
        self.discard(family_id, _checked(file_id))

    def delete_family(self, family_id: int, known: Collection[str] = ()) -> int:
        keys = [key for key in self._contents if key[0] == _family(family_id)]
        for key in keys:
            self.discard(*key)
        return len(keys)

    def files(self) -> list[KeptFile]:
        return [KeptFile(key[0], key[1], self._written[key]) for key in sorted(self._contents)]

    def discard(self, family_id: int, name: str) -> None:
        key = (_family(family_id), _discardable(name))
        self._contents.pop(key, None)
        self._written.pop(key, None)
