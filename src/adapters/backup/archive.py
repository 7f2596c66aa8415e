"""The backup archive: a gzip'd tar whose last member, ``manifest.json``, describes the others.

Members: the database (``database.pgdump`` or ``database.sqlite3``), the instance folder's
``documents/`` and ``reglements/`` files, then the manifest: the format, the date, the portal's
version, the database's kind, schema and Alembic revision, each table's row count in the
database's snapshot, and each member's size and SHA-256. Reading checks every member against the
manifest and refuses anything else (another member, a link, a name leaving its folder), so that
a truncated, corrupted or foreign archive is known as such before anything is restored.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import secrets
import tarfile
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any, BinaryIO

from attrs import frozen

from portail_core.errors import Conflict, InvalidInput

__all__ = [
    "DATABASE_MEMBERS",
    "FOLDERS",
    "MANIFEST",
    "ArchiveWriter",
    "Manifest",
    "Member",
    "folder_files",
    "read_archive",
]

FORMAT = "portail-famille/sauvegarde"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
FOLDERS = ("documents", "reglements")  # the instance folder's, as the document stores name them
MAX_MANIFEST_SIZE = 64 * 1024 * 1024
CHUNK = 1024 * 1024
_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}", re.ASCII)
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}", re.ASCII)
_REVISION = re.compile(r"[A-Za-z0-9_]{1,64}", re.ASCII)
_SHA256 = re.compile(r"[0-9a-f]{64}", re.ASCII)
DAMAGED = (
    "L'archive {name} est abîmée ou incomplète ({reason}) : elle ne peut pas être "
    "restaurée, et rien n'a été écrit. "
    "Vérifiez sa copie (taille, transfert) ou prenez une autre sauvegarde."
)


@frozen
class Member:
    size: int
    sha256: str


@frozen
class Manifest:
    """What an archive holds; ``tables``: each table's row count when the backup was taken."""

    created_at: str  # ISO 8601, UTC
    portal_version: str
    database: str  # "postgresql" or "sqlite"
    schema: str | None  # PostgreSQL's schema (``public`` unless the URL chose another)
    revision: str  # Alembic's
    tables: Mapping[str, int]
    members: Mapping[str, Member]  # every member but the manifest, by name

    @property
    def database_member(self) -> str:
        return DATABASE_MEMBERS[self.database]

    @property
    def files(self) -> dict[str, Member]:
        """The instance folder's files (documents, règlements), by name in the archive."""
        return {name: m for name, m in self.members.items() if name != self.database_member}

    def to_json(self) -> bytes:
        document = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": self.created_at,
            "portal_version": self.portal_version,
            "database": self.database,
            "schema": self.schema,
            "revision": self.revision,
            "tables": dict(sorted(self.tables.items())),
            "members": {
                name: {"size": m.size, "sha256": m.sha256}
                for name, m in sorted(self.members.items())
            },
        }
        return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        """The manifest, every value checked (it will name tables in SQL); ValueError if not."""
        document = json.loads(data.decode("utf-8"))
        if not isinstance(document, dict) or not all(
            isinstance(document.get(key), dict) for key in ("tables", "members")
        ):
            raise ValueError("the manifest is not a backup's")
        if document.get("format") != FORMAT or document.get("format_version") != FORMAT_VERSION:
            raise ValueError("not a backup of this portal, or of a format this version can't read")
        database = document["database"]
        schema = document["schema"]
        if database not in DATABASE_MEMBERS or (
            schema is not None and not _IDENTIFIER.fullmatch(schema)
        ):
            raise ValueError("database kind or schema")
        tables = {str(name): int(count) for name, count in document["tables"].items()}
        members = {
            str(name): Member(int(m["size"]), str(m["sha256"]))
            for name, m in document["members"].items()
        }
        manifest = cls(
            created_at=str(document["created_at"]),
            portal_version=str(document["portal_version"]),
            database=database,
            schema=schema,
            revision=str(document["revision"]),
            tables=tables,
            members=members,
        )
        _check_values(manifest)
        return manifest


def _check_values(manifest: Manifest) -> None:
    if not _REVISION.fullmatch(manifest.revision):
        raise ValueError("revision")
    for name, count in manifest.tables.items():
        if not _IDENTIFIER.fullmatch(name) or count < 0:
            raise ValueError(f"table {name!r}")
    if manifest.database_member not in manifest.members:
        raise ValueError("no database")
    for name, member in manifest.members.items():
        if (
            not _member_name_is_valid(name)
            or member.size < 0
            or not _SHA256.fullmatch(member.sha256)
        ):
            raise ValueError(f"member {name!r}")


def _member_name_is_valid(name: str) -> bool:
    """A database member, or a file under one of FOLDERS whose every part is a plain name."""
    if name in DATABASE_MEMBERS.values():
        return True
    folder, _, rest = name.partition("/")
    parts = rest.split("/")
    return folder in FOLDERS and 1 <= len(parts) <= 3 and all(map(_PART.fullmatch, parts))


class _Hashing:
    """A readable file that hashes and counts what is read through it (for tarfile)."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source, self.digest, self.size = source, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


class ArchiveWriter:
    """Writes an archive to ``output``, which appears only once complete (never overwritten)."""

    def __init__(self, output: Path) -> None:
        if output.exists():
            raise Conflict(f"Le fichier {output} existe déjà : choisissez un autre nom.")
        self.output = output
        self.partial = output.with_name(f".{output.name}.{secrets.token_hex(4)}.partiel")
        descriptor = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = os.fdopen(descriptor, "wb")
        self._tar = tarfile.open(fileobj=self._file, mode="w:gz", compresslevel=6)  # noqa: SIM115
        self.members: dict[str, Member] = {}

    def add(self, name: str, source: BinaryIO, size: int) -> None:
        """A member of ``size`` bytes read from ``source``."""
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, 0o600, 0
        reader = _Hashing(source)
        self._tar.addfile(info, reader)
        if reader.size != size:
            raise RuntimeError(f"{name} changed while it was archived")
        self.members[name] = Member(size, reader.digest.hexdigest())

    def add_bytes(self, name: str, data: bytes) -> None:
        self.add(name, io.BytesIO(data), len(data))

    def finish(self, manifest: Manifest) -> None:
        """Write the manifest, sync, and give the archive its name."""
        self.add_bytes(MANIFEST, manifest.to_json())
        self._tar.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        try:
            os.link(self.partial, self.output)  # fails rather than replace a file
        except FileExistsError:
            raise Conflict(
                f"Le fichier {self.output} existe déjà : choisissez un autre nom."
            ) from None
        finally:
            self.partial.unlink()

    def abandon(self) -> None:
        with contextlib.suppress(Exception):
            self._tar.close()
        with contextlib.suppress(Exception):
            self._file.close()
        self.partial.unlink(missing_ok=True)


Sink = Callable[[str], BinaryIO]


def read_archive(archive: Path, sink: Sink | None = None) -> Manifest:
    """Read the whole archive and check every member against the manifest; with ``sink``,
    each member's bytes are also written to the file ``sink(name)`` returns (the caller's
    staging area: trust it only once this returns). InvalidInput, in French, for an archive
    that is not complete and intact."""
    try:
        return _read(archive, sink)
    except (
        tarfile.TarError,
        EOFError,
        zlib.error,
        OSError,
        ValueError,
        KeyError,
        TypeError,
    ) as error:
        if isinstance(error, OSError) and not _is_damage(error):
            raise
        raise InvalidInput(DAMAGED.format(name=archive.name, reason=_reason(error))) from error


def _read(archive: Path, sink: Sink | None) -> Manifest:
    seen: dict[str, Member] = {}
    manifest: Manifest | None = None
    with tarfile.open(archive, mode="r|gz") as tar:
        for info in tar:
            if manifest is not None:
                raise ValueError(f"a member after the manifest: {info.name}")
            if not info.isreg():
                raise ValueError(f"{info.name} is not a regular file")
            if info.name in seen:
                raise ValueError(f"{info.name} twice")
            source = tar.extractfile(info)
            if source is None:
                raise ValueError(f"{info.name} unreadable")
            if info.name == MANIFEST:
                if info.size > MAX_MANIFEST_SIZE:
                    raise ValueError("manifest too large")
                manifest = Manifest.from_json(source.read())
                continue
            if not _member_name_is_valid(info.name):
                raise ValueError(f"unexpected member {info.name}")
            seen[info.name] = _copy(source, sink(info.name) if sink else None)
    if manifest is None:
        raise ValueError("no manifest: the archive ends early")
    if dict(manifest.members) != seen:
        differing = sorted(set(manifest.members.items()) ^ set(seen.items()))
        raise ValueError(f"members differ from the manifest: {differing[0][0]}")
    return manifest


def _copy(source: IO[bytes], target: BinaryIO | None) -> Member:
    digest, size = hashlib.sha256(), 0
    with target if target is not None else contextlib.nullcontext():
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if target is not None:
                target.write(chunk)
    return Member(size, digest.hexdigest())


def _is_damage(error: OSError) -> bool:
    """gzip's own errors are OSErrors (BadGzipFile, CRC); a missing file or a full disk is not
    damage and is reported as such."""
    return error.errno is None


def _reason(error: Exception) -> str:
    if isinstance(error, EOFError | tarfile.ReadError) or "end of file" in str(error).lower():
        return "elle s'arrête avant sa fin"
    if isinstance(error, ValueError | KeyError | TypeError) and not isinstance(error, zlib.error):
        return f"contenu inattendu : {str(error)[:120]}"
    return "données altérées"


def folder_files(instance: Path) -> tuple[list[tuple[str, Path]], list[str]]:
    """The instance folder's files to back up, by name in the archive, sorted (regular files
    under FOLDERS, without the temporary files of uploads under way); and the names left out
    because the portal never writes such a name (a link, a file put there by hand)."""
    kept: list[tuple[str, Path]] = []
    left_out: list[str] = []
    for folder in FOLDERS:
        root = instance / folder
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(instance).as_posix()
            if path.name.startswith(".upload-") or (path.is_dir() and not path.is_symlink()):
                continue
            if path.is_symlink() or not path.is_file() or not _member_name_is_valid(relative):
                left_out.append(relative)
            else:
                kept.append((relative, path))
    return kept, left_out


def describe(value: Any) -> str:
    """A short human description of a size in bytes."""
    size = float(value)
    for unit in ("o", "Ko", "Mo", "Go"):
        if size < 1024 or unit == "Go":
            return f"{size:.0f} {unit}" if unit == "o" else f"{size:.1f} {unit}".replace(".", ",")
        size /= 1024
    return f"{size} o"
