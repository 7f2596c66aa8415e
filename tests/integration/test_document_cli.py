"""`portail document list` and `show`, on SQLite and PostgreSQL: the desk lists a dossier's
supporting documents (table, CSV, JSON) and opens one « au vu du justificatif »; each opening is
in the family's history; wrong input is explained in French with its exit code."""

from __future__ import annotations

import csv
import io
import json
import stat
from datetime import timedelta
from pathlib import Path

import pendulum
import pytest

from tests.integration.test_account_opening_cli import PDF
from tests.integration.test_family_edit_cli import Desk, desk  # noqa: F401  (fixture reused)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))


@pytest.fixture
def documents(desk: Desk, tmp_path: Path) -> list[dict[str, object]]:
    """Two documents in the dossier n° 1: a proof of address (PDF) then an insurance (PNG)."""
    valid_until = (pendulum.now("Europe/Paris").date() + timedelta(days=60)).isoformat()
    for kind, name, content, until in (
        ("justificatif_domicile", "facture-edf.pdf", PDF, ["--valid-until", valid_until]),
        ("assurance", "assurance.png", PNG, []),
    ):
        path = tmp_path / name
        path.write_bytes(content)
        added = desk("document", "add", "1", "--type", kind, "--file", str(path), *until)
        assert added.exit_code == 0, added.output
    listed = desk("document", "list", "--family", "1", "--format", "json")
    assert listed.exit_code == 0, listed.output
    return list(json.loads(listed.output))


def test_the_list_shows_each_document_for_people_and_programs(
    desk: Desk, documents: list[dict[str, object]]
) -> None:
    assert [d["kind"] for d in documents] == ["justificatif_domicile", "assurance"]
    assert documents[0]["valid"] is True
    assert documents[1]["valid_until"] is None
    table = desk("document", "list", "--family", "1")
    assert table.exit_code == 0, table.output
    assert "référence" in table.output
    assert "justificatif de domicile" in table.output
    assert "sans limite" in table.output
    exported = desk("document", "list", "--family", "1", "--format", "csv").output
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [row["référence"] for row in rows] == [d["file_id"] for d in documents]


def test_opening_a_document_writes_it_for_the_agent_alone_and_is_audited(
    desk: Desk, documents: list[dict[str, object]], tmp_path: Path
) -> None:
    target = tmp_path / "lu" / "justificatif.pdf"
    target.parent.mkdir()
    opened = desk("document", "show", str(documents[0]["file_id"]), "-o", str(target))
    assert opened.exit_code == 0, opened.output
    assert "Pièce « justificatif de domicile » du dossier n° 1 (Martin) écrite" in opened.output
    assert "(document PDF)" in opened.output
    assert target.read_bytes() == PDF
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    other = tmp_path / "assurance.png.lue"
    with_family = desk(
        "document", "show", str(documents[1]["file_id"]), "--family", "1", "--output", str(other)
    )
    assert with_family.exit_code == 0, with_family.output
    assert other.read_bytes() == PNG
    history = json.loads(desk("family", "history", "1", "--format", "json").output)
    reads = [e for e in history if e["action"] == "document.read"]
    assert len(reads) == 2
    assert reads[1]["details"]["file_id"] == documents[0]["file_id"]
    assert reads[1]["summary"].startswith("Pièce consultée : justificatif de domicile (reçue le")
    assert reads[0]["channel"] == "guichet"


def test_wrong_references_families_and_paths_are_explained_in_french(
    desk: Desk, documents: list[dict[str, object]], tmp_path: Path
) -> None:
    file_id = str(documents[0]["file_id"])
    target = tmp_path / "sortie.pdf"
    cases = [
        (("show", "0" * 32, "-o", str(target)), 3, "Aucun dossier n'a de pièce de référence"),
        (("show", "../../etc/passwd", "-o", str(target)), 3, "n'est pas une référence de pièce"),
        (("show", file_id, "--family", "2", "-o", str(target)), 3, "Aucune famille n° 2"),
        (("show", file_id, "-o", str(tmp_path)), 2, ""),
        (("show", file_id, "-o", str(tmp_path / "absent" / "x.pdf")), 2, "Impossible d'écrire"),
        (("list", "--family", "9"), 3, "Aucune famille n° 9"),
        (("list",), 2, "--family"),
        (("show", file_id), 2, "--output"),
    ]
    for arguments, code, message in cases:
        result = desk("document", *arguments)
        assert result.exit_code == code, (arguments, result.output)
        assert message in result.output, (arguments, result.output)
    assert not target.exists()
    target.write_bytes(b"deja")
    exists = desk("document", "show", file_id, "-o", str(target))
    assert exists.exit_code == 2
    assert "existe déjà" in exists.output
    assert target.read_bytes() == b"deja"
    history = json.loads(desk("family", "history", "1", "--format", "json").output)
    assert not any(e["action"] == "document.read" for e in history)  # nothing was read


def test_an_empty_dossier_says_so_and_the_help_is_in_french(desk: Desk) -> None:
    empty = desk("document", "list", "--family", "1")
    assert empty.exit_code == 0
    assert "Le dossier n° 1 n'a aucune pièce justificative." in empty.output
    assert desk("document", "list", "--family", "1", "--format", "json").output.strip() == "[]"
    help_text = desk("document", "show", "--help").output
    assert "au vu du justificatif" in help_text
    assert "journal d'audit" in help_text
