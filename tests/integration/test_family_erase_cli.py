"""`portail family erase` on SQLite and PostgreSQL: confirmation asked, the dossier anonymised,
the account and the document's file gone, the history emptied of its details."""

import json
from datetime import timedelta
from pathlib import Path

import pendulum

from tests.integration.test_account_opening_cli import PDF
from tests.integration.test_family_edit_cli import Desk, desk  # noqa: F401  (fixture reused)


def test_erasure_asks_for_confirmation_then_leaves_nothing_personal(
    desk: Desk, instance_path: Path, tmp_path: Path
) -> None:
    proof = tmp_path / "facture-edf.pdf"
    proof.write_bytes(PDF)
    valid_until = (pendulum.now("Europe/Paris").date() + timedelta(days=60)).isoformat()
    added = desk(
        "document",
        "add",
        "1",
        "--type",
        "justificatif_domicile",
        "--file",
        str(proof),
        "--valid-until",
        valid_until,
    )
    assert added.exit_code == 0, added.output
    assert desk("account", "create", "1").exit_code == 0
    files = [p for p in (instance_path / "documents").rglob("*") if p.is_file()]
    assert len(files) == 1

    declined = desk("family", "erase", "1")  # no answer to the question: nothing done
    assert declined.exit_code == 1
    assert "Martin" in desk("family", "export", "1").output

    erased = desk("family", "erase", "1", "--yes")
    assert erased.exit_code == 0, erased.output
    assert "Dossier n° 1 effacé : compte supprimé, 1 pièce(s) détruite(s)" in erased.output
    exported = desk("family", "export", "1").output
    for personal in ("Martin", "Claire", "Léa", "claire.martin", "Pins", "+33"):
        assert personal not in exported
    history = json.loads(desk("family", "history", "1", "--format", "json").output)
    actions = [event["action"] for event in history]  # most recent first
    erased_at = actions.index("family.erase")
    assert all(not event["details"] for event in history[erased_at + 1 :])
    assert not any(p.is_file() for p in (instance_path / "documents").rglob("*"))
    assert desk("account", "reset", "1").exit_code == 3  # no account any more


def test_an_unknown_family_is_not_found(desk: Desk) -> None:
    result = desk("family", "erase", "99", "--yes")
    assert result.exit_code == 3
    assert "Aucune famille n° 99" in result.output
