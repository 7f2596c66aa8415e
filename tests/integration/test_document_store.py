import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest

from adapters import documents
from adapters.documents import FileDocumentStore, InMemoryDocumentStore
from portail_core.domain.dossiers.documents import (
    EARLIER_LAYOUT,
    MAX_DOCUMENT_BYTES,
    DocumentFormat,
    StoredDocument,
)
from portail_core.domain.dossiers.family import DocumentType, SupportingDocument
from portail_core.errors import InvalidInput, NotFound
from portail_core.services.dossiers.orphans import GRACE, purge_orphans
from tests.unit.reservation_world import DESK, make_world

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
ABSENT = "0123456789abcdef0123456789abcdef"
FAMILY, OTHER = 7, 8
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
    document = store.save(FAMILY, PNG, "photo de classe.png")
    assert store.open(FAMILY, document.file_id) == PNG
    assert document.format is DocumentFormat.PNG
    assert document.size == len(PNG)
    assert document.sha256 == hashlib.sha256(PNG).hexdigest()
    assert document.original_name == "photo de classe.png"


def test_a_document_of_exactly_5_mo_is_stored_whole(store: DocumentStore) -> None:
    data = PDF + b"\0" * (MAX_DOCUMENT_BYTES - len(PDF))
    document = store.save(FAMILY, data, "gros.pdf")
    assert document.size == MAX_DOCUMENT_BYTES
    assert store.open(FAMILY, document.file_id) == data


def test_the_same_file_uploaded_twice_gets_two_references(store: DocumentStore) -> None:
    first = store.save(FAMILY, PDF, "a.pdf")
    second = store.save(FAMILY, PDF, "a.pdf")
    assert first.file_id != second.file_id
    assert first.sha256 == second.sha256
    store.delete(FAMILY, first.file_id)
    assert store.open(FAMILY, second.file_id) == PDF


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
        store.save(FAMILY, data, "justificatif.pdf")
    assert files_under(root) == []
    kept = store.save(FAMILY, PDF, "ok.pdf")
    with pytest.raises(InvalidInput):
        store.save(FAMILY, data, "justificatif.pdf")
    assert store.open(FAMILY, kept.file_id) == PDF


def test_an_unknown_reference_is_not_found_in_french(store: DocumentStore) -> None:
    with pytest.raises(NotFound, match="Ce document est introuvable"):
        store.open(FAMILY, ABSENT)


@pytest.mark.parametrize("file_id", HOSTILE_IDS)
def test_a_reference_that_could_name_a_path_is_refused(
    store: DocumentStore, tmp_path: Path, file_id: str
) -> None:
    store.save(FAMILY, PDF, "a.pdf")
    (tmp_path / "x").write_bytes(PDF)  # what "../x" would reach from the root
    with pytest.raises((NotFound, InvalidInput)):
        store.open(FAMILY, file_id)
    with pytest.raises((NotFound, InvalidInput)):
        store.delete(FAMILY, file_id)
    assert (tmp_path / "x").read_bytes() == PDF


def test_a_deleted_document_is_gone_and_deleting_it_again_is_harmless(
    store: DocumentStore, root: Path
) -> None:
    document = store.save(FAMILY, PDF, "a.pdf")
    store.delete(FAMILY, document.file_id)
    with pytest.raises(NotFound):
        store.open(FAMILY, document.file_id)
    store.delete(FAMILY, document.file_id)
    store.delete(FAMILY, ABSENT)
    assert files_under(root) == []


def test_a_hostile_upload_name_never_becomes_a_path(store: DocumentStore, tmp_path: Path) -> None:
    document = store.save(FAMILY, PDF, "../../../evil.pdf")
    assert document.original_name == "evil.pdf"
    assert not any(path.name.startswith("evil") for path in tmp_path.rglob("*"))


def test_files_are_named_by_a_random_reference_without_extension(root: Path) -> None:
    document = FileDocumentStore(root).save(FAMILY, PDF, "avis d'imposition.pdf")
    (path,) = files_under(root)
    assert path.name == document.file_id
    assert path.suffix == ""
    assert path.relative_to(root).parts == ("famille-7", document.file_id)
    assert path.read_bytes() == PDF


def test_files_and_folders_are_for_the_portal_user_alone_whatever_the_umask(
    root: Path, umask: int
) -> None:
    document = FileDocumentStore(root).save(FAMILY, PDF, "a.pdf")
    file = root / "famille-7" / document.file_id
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    for folder in (root, file.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_no_temporary_file_remains_after_a_save(root: Path) -> None:
    store = FileDocumentStore(root)
    for _ in range(3):
        store.save(FAMILY, PNG, "photo.png")
    assert all(not path.name.startswith(".") for path in root.rglob("*"))
    assert len(files_under(root)) == 3


@pytest.fixture(params=["unnamed", "renamed"])
def writer(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """How files are written: without a name then linked (Linux), or to a temporary file then
    renamed (where O_TMPFILE or /proc is missing)."""
    if request.param == "renamed":
        monkeypatch.setattr(documents, "_PROC_FDS", tmp_path / "no-proc")
    return str(request.param)


def test_either_way_a_document_is_written_whole_for_its_owner(writer: str, root: Path) -> None:
    store = FileDocumentStore(root)
    document = store.save(FAMILY, PNG, "a.png")
    path = root / "famille-7" / document.file_id
    assert path.read_bytes() == PNG
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [path.name for path in (root / "famille-7").iterdir()] == [document.file_id]


def test_a_failed_write_leaves_neither_the_document_nor_a_temporary_file(
    writer: str, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        FileDocumentStore(root).save(FAMILY, PDF, "a.pdf")
    assert files_under(root) == []


def test_documents_outlive_the_store_object(root: Path) -> None:
    document = FileDocumentStore(root).save(FAMILY, PDF, "a.pdf")
    assert FileDocumentStore(root).open(FAMILY, document.file_id) == PDF


def test_another_familys_document_is_not_found(store: DocumentStore) -> None:
    document = store.save(FAMILY, PDF, "a.pdf")
    with pytest.raises(NotFound):
        store.open(OTHER, document.file_id)
    store.delete(OTHER, document.file_id)  # names nothing of this family's
    assert store.open(FAMILY, document.file_id) == PDF


@pytest.mark.parametrize("family_id", [0, -1, True])
def test_a_family_number_that_could_not_be_one_is_refused(
    store: DocumentStore, family_id: int
) -> None:
    with pytest.raises(NotFound):
        store.save(family_id, PDF, "a.pdf")
    with pytest.raises(NotFound):
        store.open(family_id, ABSENT)


def test_erasing_a_family_removes_its_folder_whole_and_nothing_else(
    store: DocumentStore, root: Path
) -> None:
    for _ in range(2):
        store.save(FAMILY, PDF, "a.pdf")
    kept = store.save(OTHER, PNG, "b.png")
    if isinstance(store, FileDocumentStore):  # an upload interrupted while written
        (root / "famille-7" / ".upload-k1ll3d.tmp").write_bytes(PDF[:5])
    files = 3 if isinstance(store, FileDocumentStore) else 2
    assert store.delete_family(FAMILY) == files
    assert [kept_file.family_id for kept_file in store.files()] == [OTHER]
    assert store.open(OTHER, kept.file_id) == PNG
    assert not (root / "famille-7").exists()
    assert store.delete_family(FAMILY) == 0  # already gone


def test_files_lists_every_family_file_and_unfinished_upload_for_the_purge(root: Path) -> None:
    store = FileDocumentStore(root)
    document = store.save(FAMILY, PDF, "a.pdf")
    (root / "famille-7" / ".upload-abc123.tmp").write_bytes(PDF[:5])
    (root / "famille-7" / "notes.txt").write_text("pas à nous")  # not the store's: left out
    (root / "ab").mkdir()
    (root / "ab" / ABSENT).write_bytes(PDF)  # nor is a folder that is not a family's
    listed = {(kept.family_id, kept.name, kept.unfinished) for kept in store.files()}
    assert listed == {(FAMILY, document.file_id, False), (FAMILY, ".upload-abc123.tmp", True)}
    store.discard(FAMILY, ".upload-abc123.tmp")
    assert [kept.name for kept in store.files()] == [document.file_id]


@pytest.mark.parametrize("name", ["notes.txt", "../famille-8/x", ".upload-../../x.tmp", "."])
def test_discard_refuses_what_files_could_not_have_listed(
    store: DocumentStore, tmp_path: Path, name: str
) -> None:
    (tmp_path / "x").write_bytes(PDF)
    with pytest.raises(NotFound):
        store.discard(FAMILY, name)
    assert (tmp_path / "x").read_bytes() == PDF


def kept_by_an_earlier_version(root: Path, data: bytes = PDF) -> str:
    """A file where versions before the families' folders kept them all: root/ab/cd/abcd…"""
    file_id = os.urandom(16).hex()
    folder = root / file_id[:2] / file_id[2:4]
    folder.mkdir(parents=True)
    (folder / file_id).write_bytes(data)
    return file_id


def test_a_file_kept_by_an_earlier_version_opens_and_moves_into_its_familys_folder(
    root: Path,
) -> None:
    store = FileDocumentStore(root)
    file_id = kept_by_an_earlier_version(root, PNG)
    assert (EARLIER_LAYOUT, file_id) in {(kept.family_id, kept.name) for kept in store.files()}
    assert store.open(FAMILY, file_id) == PNG
    assert (root / "famille-7" / file_id).read_bytes() == PNG
    assert [(kept.family_id, kept.name) for kept in store.files()] == [(FAMILY, file_id)]
    assert store.open(FAMILY, file_id) == PNG


def test_erasure_and_the_purge_find_the_files_an_earlier_version_kept(root: Path) -> None:
    store = FileDocumentStore(root)
    named, orphan = kept_by_an_earlier_version(root), kept_by_an_earlier_version(root)
    assert store.delete_family(FAMILY, known=[named, "../../x"]) == 1
    assert [(kept.family_id, kept.name) for kept in store.files()] == [(EARLIER_LAYOUT, orphan)]
    store.discard(EARLIER_LAYOUT, orphan)
    assert files_under(root) == []
    with pytest.raises(NotFound):
        store.discard(EARLIER_LAYOUT, ".upload-abc123.tmp")


def test_a_file_an_earlier_version_kept_is_purged_only_when_nothing_names_it(
    tmp_path: Path,
) -> None:
    world = make_world()
    store = FileDocumentStore(tmp_path)
    named, orphan = (kept_by_an_earlier_version(tmp_path) for _ in range(2))
    with world.uow() as uow:
        family = uow.families.get(world.martin)
        assert family is not None
        family.documents.append(
            SupportingDocument(DocumentType.INSURANCE, named, world.clock.now(), None)
        )
        uow.families.update(family, world.clock.now())
        uow.commit()
    then = (world.clock.now() - GRACE * 2).timestamp()
    for path in tmp_path.rglob("*"):
        os.utime(path, (then, then))

    report = purge_orphans(world.uow(), store, world.clock, actor=DESK)
    assert [(kept.family_id, kept.name) for kept in report.orphans] == [(EARLIER_LAYOUT, orphan)]
    assert [kept.name for kept in store.files()] == [named]
    assert store.open(world.martin, named) == PDF
