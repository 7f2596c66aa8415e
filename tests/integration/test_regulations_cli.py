"""`portail regulations add|list|show` on SQLite and PostgreSQL: the desk publishes a version of
a règlement intérieur (a PDF), the family concerned is e-mailed, the list and the details show
it; bad input is refused in French with nothing kept; `family accept-regulation` still works."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.test_family_edit_cli import (  # noqa: F401  (fixture reused)
    Desk,
    desk,
    history,
)

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def pdf(tmp_path: Path, name: str = "reglement-alsh.pdf", data: bytes = PDF) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_the_desk_publishes_lists_and_shows_a_version(desk: Desk, tmp_path: Path) -> None:
    added = desk(
        "regulations", "add", "--establishment", "alsh", "--file", pdf(tmp_path),
        "--version", "2026-2", "--effective-from", "01/06/2026", "--deadline", "30/09/2026",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert added.output == (
        "Règlement intérieur de « Accueil de loisirs Les Dunes » publié : version 2026-2, en "
        "vigueur à partir du 01/06/2026, la version précédente compte jusqu'au 30/09/2026. "
        "Familles prévenues par courriel : 1.\n"
    )
    listed = json.loads(desk("regulations", "list", "--format", "json").output)
    assert [(r["establishment"], r["version"], r["status"], r["deadline"]) for r in listed] == [
        ("ALSH", "2026-2", "en vigueur", "2026-09-30")
    ]
    table = desk("regulations", "list", "--establishment", "ALSH").output
    assert "Règlement intérieur – Accueil de loisirs Les Dunes" in table
    shown = desk("regulations", "show", "ALSH", "2026-2")
    assert shown.exit_code == 0, shown.output
    assert "Familles concernées : 1, dont 0 l'ont acceptée." in shown.output
    assert "reglement-alsh.pdf" in shown.output
    outbox = json.loads(desk("outbox", "list", "--format", "json").output)
    assert [m["template"] for m in outbox if m["template"] == "regulation_published"] == [
        "regulation_published"
    ]
    # the desk's acceptance keeps working, in the published version
    done = desk("family", "accept-regulation", "1", "--establishment", "ALSH")
    assert "(version 2026-2) est accepté pour la famille n° 1" in done.output
    shown = desk("regulations", "show", "ALSH", "2026-2").output
    assert "Familles concernées : 1, dont 1 l'ont acceptée." in shown
    actions = [e["action"] for e in history(desk)]
    assert "regulation.accept" in actions


def test_bad_input_is_refused_in_french_and_nothing_is_kept(desk: Desk, tmp_path: Path) -> None:
    not_pdf = desk(
        "regulations", "add", "--establishment", "ALSH",
        "--file", pdf(tmp_path, "x.pdf", b"\x89PNG\r\n\x1a\n" + bytes(64)),
        "--version", "2026-2", "--effective-from", "01/09/2026",
    )  # fmt: skip
    assert not_pdf.exit_code == 2
    assert "doit être un document PDF" in not_pdf.output
    early = desk(
        "regulations", "add", "--establishment", "ALSH", "--file", pdf(tmp_path),
        "--version", "2026-2", "--effective-from", "01/09/2026", "--deadline", "01/08/2026",
    )  # fmt: skip
    assert early.exit_code == 2
    assert "--deadline : La date limite ne peut précéder l'entrée en vigueur." in early.output
    unknown = desk(
        "regulations", "add", "--establishment", "NOPE", "--file", pdf(tmp_path),
        "--version", "1", "--effective-from", "01/09/2026",
    )  # fmt: skip
    assert unknown.exit_code == 3
    assert "Aucune structure « NOPE »" in unknown.output
    bad_date = desk(
        "regulations", "add", "--establishment", "ALSH", "--file", pdf(tmp_path),
        "--version", "1", "--effective-from", "31/02/2026",
    )  # fmt: skip
    assert bad_date.exit_code == 2
    assert "n'est pas une date" in bad_date.output
    missing = desk(
        "regulations", "add", "--establishment", "ALSH", "--file", str(tmp_path / "absent.pdf"),
        "--version", "1", "--effective-from", "01/09/2026",
    )  # fmt: skip
    assert missing.exit_code == 2
    assert desk("regulations", "list").output == "Aucun règlement intérieur publié.\n"
    assert desk("regulations", "show", "ALSH", "2026-2").exit_code == 3


def test_a_published_version_number_is_refused_the_second_time(desk: Desk, tmp_path: Path) -> None:
    arguments = (
        "regulations", "add", "--establishment", "EMS", "--file", pdf(tmp_path),
        "--version", "2026-2", "--effective-from", "01/09/2026",
    )  # fmt: skip
    assert desk(*arguments).exit_code == 0
    again = desk(*arguments)
    assert again.exit_code == 5
    assert "est déjà publiée" in again.output
