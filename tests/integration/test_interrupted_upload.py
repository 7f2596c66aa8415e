"""A worker killed during an upload, on SQLite and PostgreSQL: a real process is killed (SIGKILL)
while the file is written (nothing is left; a temporary file where the system cannot write a
file without a name), and once written but before the dossier is recorded. Nothing refers
to what it left; ``portail document purge-orphans`` finds it (after an hour) and deletes it,
``--dry-run`` only lists it; erasing the family removes its folder whole, orphans included."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.integration.test_account_opening_cli import PDF
from tests.integration.test_family_edit_cli import Desk, desk  # noqa: F401  (fixture reused)

CHECKOUT = Path(__file__).parents[2]
UPLOAD = """
    import os, signal
    from adapters.persistence.unit_of_work import SqlUnitOfWork
    from entrypoints.bootstrap import bootstrap
    from portail_core.domain.audit import Actor

    def killed(*_):
        os.kill(os.getpid(), signal.SIGKILL)

    {patch}
    bootstrap().portail.dossiers.add_document(
        1, kind="assurance", data={pdf!r}, filename="assurance.pdf", valid_until=None,
        actor=Actor.staff("agent"),
    )
"""
BEFORE_THE_COMMIT = "SqlUnitOfWork.commit = killed"
WHILE_WRITING = "os.fsync = killed"
# Where the system cannot write a file without a name (no O_TMPFILE or no /proc).
WHILE_WRITING_A_TEMPORARY_FILE = (
    "import pathlib, adapters.documents; adapters.documents._PROC_FDS = pathlib.Path('/absent')"
    "\n    os.fsync = killed"
)


def upload_killed(patch: str, database_url: str, instance_path: Path) -> None:
    """Run an upload in a process of its own, killed where ``patch`` says."""
    environment = {
        **os.environ,
        "PORTAIL_INSTANCE_PATH": str(instance_path),
        "PORTAIL_DATABASE_URL": database_url,
        "PORTAIL_SECRET_KEY": "k" * 40,
    }
    code = textwrap.dedent(UPLOAD.format(patch=patch, pdf=PDF))
    process = subprocess.run(
        [sys.executable, "-c", code], env=environment, cwd=CHECKOUT, capture_output=True
    )
    assert process.returncode == -signal.SIGKILL, process.stderr.decode()


def folder(instance_path: Path) -> list[str]:
    family = instance_path / "documents" / "famille-1"
    return sorted(path.name for path in family.iterdir()) if family.exists() else []


def age(instance_path: Path, hours: float) -> None:
    """Make the family's files look written ``hours`` ago."""
    then = time.time() - hours * 3600
    for path in (instance_path / "documents" / "famille-1").iterdir():
        os.utime(path, (then, then))


def test_a_worker_killed_while_writing_leaves_nothing(
    desk: Desk, database_url: str, instance_path: Path
) -> None:
    upload_killed(WHILE_WRITING, database_url, instance_path)
    assert [path for path in (instance_path / "documents").rglob("*") if path.is_file()] == []
    assert "aucune pièce justificative" in desk("document", "list", "--family", "1").output


@pytest.fixture
def interrupted(desk: Desk, database_url: str, instance_path: Path) -> list[str]:
    """The family n° 1, and the two files killed uploads left: a temporary one (where files
    cannot be written without a name), and one written whole but never recorded."""
    upload_killed(WHILE_WRITING_A_TEMPORARY_FILE, database_url, instance_path)
    upload_killed(BEFORE_THE_COMMIT, database_url, instance_path)
    left = folder(instance_path)
    assert len(left) == 2
    assert sum(name.startswith(".upload-") and name.endswith(".tmp") for name in left) == 1
    return left


def test_the_purge_finds_what_killed_uploads_left_and_deletes_it(
    desk: Desk, interrupted: list[str], instance_path: Path
) -> None:
    listed = desk("document", "list", "--family", "1")
    assert "aucune pièce justificative" in listed.output  # nothing was recorded

    young = desk("document", "purge-orphans", "--dry-run")
    assert "0 fichier(s) orphelin(s)" in young.output  # an upload may still be in progress
    age(instance_path, 2)
    dry = desk("document", "purge-orphans", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "2 fichier(s) orphelin(s) ; rien n'est supprimé (--dry-run)." in dry.output
    assert "envoi interrompu" in dry.output
    assert "fichier non référencé" in dry.output
    assert folder(instance_path) == interrupted

    purged = desk("document", "purge-orphans")
    assert purged.exit_code == 0, purged.output
    assert "2 fichier(s) orphelin(s) supprimé(s)." in purged.output
    assert folder(instance_path) == []
    audit = desk("audit", "list", "--format", "json")
    assert "Fichiers orphelins supprimés : 1 envoi(s) interrompu(s)" in audit.output


def test_a_recorded_document_is_never_an_orphan(
    desk: Desk, interrupted: list[str], instance_path: Path, tmp_path: Path
) -> None:
    proof = tmp_path / "assurance.pdf"
    proof.write_bytes(PDF)
    assert desk("document", "add", "1", "--type", "assurance", "--file", str(proof)).exit_code == 0
    age(instance_path, 2)
    assert "2 fichier(s) orphelin(s) supprimé(s)." in desk("document", "purge-orphans").output
    [kept] = folder(instance_path)
    assert kept in desk("document", "list", "--family", "1").output


def test_erasure_removes_the_familys_folder_orphans_included(
    desk: Desk, interrupted: list[str], instance_path: Path
) -> None:
    erased = desk("family", "erase", "1", "--yes")
    assert erased.exit_code == 0, erased.output
    assert "2 pièce(s) détruite(s)" in erased.output
    assert not (instance_path / "documents" / "famille-1").exists()
