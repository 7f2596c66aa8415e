import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest

from adapters.documents import FileDocumentStore, InMemoryDocumentStore
from portail_core.domain.dossiers.documents import (
    MAX_DOCUMENT_BYTES,
    DocumentFormat,
    StoredDocument,
)
from portail_core.errors import InvalidInput, NotFound

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
ABSENT = "0123456789abcdef0123456789abcdef"
HOSTILE_IDS = [
    "../x",
    "../../../../etc/passwd",
    "/etc/passwd",
    "a" * 32 + "/",
    "aa/aa/" + "a" * 26,
    "aa/../" + "a" * 26,
    "." * 32,
    "a" * 31 + "\n",
    "A" * 32,
    "",
]


class DocumentStore(Protocol):
    def save(self, data: bytes, filename: str) -> StoredDocument: ...
    def open(self, file_id: str) -> bytes: ...
    def delete(self, file_id: str) -> None: ...


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "documents"


@pytest.fixture(params=["file", "memory"])
def store(request: pytest.FixtureRequest, root: Path) -> DocumentStore:
    if request.param == "file":
        return FileDocumentStore(root)
    return InMemoryDocumentStore()


@pytest.fixture(params=[0o000, 0o277], ids=["loose umask", "odd umask"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """An unusual umask, so the modes checked are the ones the store sets itself."""
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


def test_a_saved_document_reads_back_byte_for_byte(store: DocumentStore) -> None:
    document = store.save(PNG, "photo de classe.png")
    assert store.open(document.file_id) == PNG
    assert document.format is DocumentFormat.PNG
    assert document.size == len(PNG)
    assert document.sha256 == hashlib.sha256(PNG).hexdigest()
    assert document.original_name == "photo de classe.png"


def test_a_document_of_exactly_5_mo_is_stored_whole(store: DocumentStore) -> None:
    data = PDF + b"\0" * (MAX_DOCUMENT_BYTES - len(PDF))
    document = store.save(data, "gros.pdf")
    assert document.size == MAX_DOCUMENT_BYTES
    assert store.open(document.file_id) == data


def test_the_same_file_uploaded_twice_gets_two_references(store: DocumentStore) -> None:
    first = store.save(PDF, "a.pdf")
    second = store.save(PDF, "a.pdf")
    assert first.file_id != second.file_id
    assert first.sha256 == second.sha256
    store.delete(first.file_id)
    assert store.open(second.file_id) == PDF


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Le fichier est vide."),
        (b"Bonjour\n", "Seuls les fichiers PDF, JPEG et PNG sont acceptés"),
        (PDF + b"\0" * MAX_DOCUMENT_BYTES, "Le fichier dépasse 5 Mo."),
    ],
)
def test_a_refused_upload_leaves_nothing_behind(
    store: DocumentStore, root: Path, data: bytes, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        store.save(data, "justificatif.pdf")
    assert files_under(root) == []
    kept = store.save(PDF, "ok.pdf")
    with pytest.raises(InvalidInput):
        store.save(data, "justificatif.pdf")
    assert store.open(kept.file_id) == PDF


def test_an_unknown_reference_is_not_found_in_french(store: DocumentStore) -> None:
    with pytest.raises(NotFound, match="Ce document est introuvable"):
        store.open(ABSENT)


@pytest.mark.parametrize("file_id", HOSTILE_IDS)
def test_a_reference_that_could_name_a_path_is_refused(
    store: DocumentStore, tmp_path: Path, file_id: str
) -> None:
    store.save(PDF, "a.pdf")
    (tmp_path / "x").write_bytes(PDF)  # what "../x" would reach from the root
    with pytest.raises((NotFound, InvalidInput)):
        store.open(file_id)
    with pytest.raises((NotFound, InvalidInput)):
        store.delete(file_id)
    assert (tmp_path / "x").read_bytes() == PDF


def test_a_deleted_document_is_gone_and_deleting_it_again_is_harmless(
    store: DocumentStore, root: Path
) -> None:
    document = store.save(PDF, "a.pdf")
    store.delete(document.file_id)
    with pytest.raises(NotFound):
        store.open(document.file_id)
    store.delete(document.file_id)
    store.delete(ABSENT)
    assert files_under(root) == []


def test_a_hostile_upload_name_never_becomes_a_path(store: DocumentStore, tmp_path: Path) -> None:
    document = store.save(PDF, "../../../evil.pdf")
    assert document.original_name == "evil.pdf"
    assert not any(path.name.startswith("evil") for path in tmp_path.rglob("*"))


def test_files_are_named_by_a_random_reference_without_extension(root: Path) -> None:
    document = FileDocumentStore(root).save(PDF, "avis d'imposition.pdf")
    (path,) = files_under(root)
    assert path.name == document.file_id
    assert path.suffix == ""
    assert path.relative_to(root).parts == (
        document.file_id[:2],
        document.file_id[2:4],
        document.file_id,
    )
    assert path.read_bytes() == PDF


def test_files_and_folders_are_for_the_portal_user_alone_whatever_the_umask(
    root: Path, umask: int
) -> None:
    document = FileDocumentStore(root).save(PDF, "a.pdf")
    file = root / document.file_id[:2] / document.file_id[2:4] / document.file_id
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    for folder in (root, file.parent, file.parent.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_no_temporary_file_remains_after_a_save(root: Path) -> None:
    store = FileDocumentStore(root)
    for _ in range(3):
        store.save(PNG, "photo.png")
    assert all(not path.name.startswith(".") for path in root.rglob("*"))
    assert len(files_under(root)) == 3


def test_a_failed_write_leaves_neither_the_document_nor_a_temporary_file(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(self: Path, target: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", disk_full)
    with pytest.raises(OSError, match="No space left"):
        FileDocumentStore(root).save(PDF, "a.pdf")
    assert files_under(root) == []


def test_documents_outlive_the_store_object(root: Path) -> None:
    document = FileDocumentStore(root).save(PDF, "a.pdf")
    assert FileDocumentStore(root).open(document.file_id) == PDF
