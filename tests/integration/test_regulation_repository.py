"""The published regulation versions on the twin, SQLite and PostgreSQL (one contract), their
migration (0016), and the store of their PDF files."""

from __future__ import annotations

import stat
from datetime import date
from importlib.resources import files
from pathlib import Path

import pendulum
import pytest
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import IntegrityError

from adapters.commune_file import read_commune_file
from adapters.persistence import downgrade, upgrade
from adapters.regulation_files import FileRegulationFiles, InMemoryRegulationFiles
from portail_core.domain.dossiers.documents import DocumentFormat, StoredDocument
from portail_core.domain.regulations import RegulationVersion
from portail_core.errors import InvalidInput, NotFound
from tests.integration.conftest import UowFactory

PUBLISHED = pendulum.datetime(2026, 6, 15, 8, 30, tz="UTC")
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))


def version(code: str, number: str, start: date, deadline: date | None = None) -> RegulationVersion:
    return RegulationVersion(
        code,
        number,
        f"Règlement intérieur – {code} « été »",
        start,
        deadline,
        StoredDocument(
            file_id="ab" * 16,
            format=DocumentFormat.PDF,
            size=1234,
            sha256="cd" * 32,
            original_name="Règlement été.pdf",
        ),
        PUBLISHED,
        "agent.dupont",
    )


def with_catalogue(new_uow: UowFactory) -> None:
    text = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
    with new_uow() as uow:
        uow.catalogue.replace(read_commune_file(text).catalogue)
        uow.commit()


def test_published_versions_read_back_equal_in_order(new_uow: UowFactory) -> None:
    with_catalogue(new_uow)
    later = version("ALSH", "2026-3", date(2027, 1, 1), date(2027, 1, 31))
    earlier = version("ALSH", "2026-2", date(2026, 9, 1))
    other = version("EMS", "2026-2", date(2026, 9, 1))
    with new_uow() as uow:
        added = [uow.regulations.add(v) for v in (later, other, earlier)]
        uow.commit()
    assert all(a.id is not None for a in added)
    with new_uow(read_only=True) as uow:
        everything = uow.regulations.listing()
        alsh = uow.regulations.listing("ALSH")
        found = uow.regulations.get("ALSH", "2026-3")
        missing = uow.regulations.get("ALSH", "2099-1")
    assert [(v.establishment_code, v.version) for v in everything] == [
        ("ALSH", "2026-2"),
        ("ALSH", "2026-3"),
        ("EMS", "2026-2"),
    ]
    assert [v.version for v in alsh] == ["2026-2", "2026-3"]
    assert found == added[0]
    assert found is not None
    assert found.published_at == PUBLISHED
    assert found.deadline == date(2027, 1, 31)
    assert missing is None


def test_a_version_number_is_stored_once_per_establishment(new_uow: UowFactory) -> None:
    with_catalogue(new_uow)
    with new_uow() as uow:
        uow.regulations.add(version("ALSH", "2026-2", date(2026, 9, 1)))
        uow.commit()
    with new_uow() as uow, pytest.raises((IntegrityError, RuntimeError)):
        uow.regulations.add(version("ALSH", "2026-2", date(2026, 10, 1)))


def test_a_rolled_back_publication_leaves_nothing(new_uow: UowFactory) -> None:
    with_catalogue(new_uow)
    with new_uow() as uow:
        uow.regulations.add(version("ALSH", "2026-2", date(2026, 9, 1)))
    with new_uow(read_only=True) as uow:
        assert uow.regulations.listing() == []


def test_migration_0016_creates_the_table_and_its_downgrade_drops_it(
    empty_engine: Engine,
) -> None:
    upgrade(empty_engine, "0016")
    assert "regulation_versions" in inspect(empty_engine).get_table_names()
    downgrade(empty_engine, "0015")
    assert "regulation_versions" not in inspect(empty_engine).get_table_names()
    upgrade(empty_engine, "0016")
    columns = {c["name"] for c in inspect(empty_engine).get_columns("regulation_versions")}
    assert {"establishment_code", "version", "effective_from", "deadline", "file_id"} <= columns


@pytest.mark.parametrize("kind", ["file", "memory"])
def test_the_files_keep_a_pdf_only_and_refuse_hostile_references(kind: str, tmp_path: Path) -> None:
    store = (
        FileRegulationFiles(tmp_path / "reglements")
        if kind == "file"
        else InMemoryRegulationFiles()
    )
    stored = store.save(PDF, "../../Règlement.pdf")
    assert stored.format is DocumentFormat.PDF
    assert stored.original_name == "Règlement.pdf"
    assert store.open(stored.file_id) == PDF
    if kind == "file":
        path = tmp_path / "reglements" / stored.file_id
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with pytest.raises(InvalidInput, match="PDF"):
        store.save(PNG, "reglement.pdf")
    with pytest.raises(InvalidInput):
        store.save(b"", "vide.pdf")
    for hostile in ["../x", "/etc/passwd", "A" * 32, ""]:
        with pytest.raises(NotFound):
            store.open(hostile)
    store.discard(stored.file_id)
    with pytest.raises(NotFound):
        store.open(stored.file_id)
