"""`portail family accept-regulation` on SQLite and PostgreSQL: after the town publishes a new
version of a règlement intérieur, the desk records the family's signature, once, in its
history; another version than the one in force is refused."""

from pathlib import Path

from tests.integration.test_family_edit_cli import (  # noqa: F401  (fixture reused)
    COMMUNE,
    Desk,
    desk,
    history,
)


def publish(desk: Desk, tmp_path: Path, version: str) -> None:
    text = COMMUNE.read_text("utf-8").replace(
        'code = "ALSH"\nregulation_version = "2026-1"',
        f'code = "ALSH"\nregulation_version = "{version}"',
        1,
    )
    assert f'regulation_version = "{version}"' in text
    changed = tmp_path / "commune.toml"
    changed.write_text(text, "utf-8")
    loaded = desk("catalogue", "load", str(changed))
    assert loaded.exit_code == 0, loaded.output


def test_the_desk_records_a_new_version_once_and_refuses_another(
    desk: Desk, tmp_path: Path
) -> None:
    publish(desk, tmp_path, "2026-2")
    refused = desk(
        "family", "accept-regulation", "1", "--establishment", "ALSH", "--version", "2026-1"
    )
    assert refused.exit_code == 4
    assert "la version en vigueur est la 2026-2 (et non la 2026-1)" in refused.output
    done = desk("family", "accept-regulation", "1", "--establishment", "alsh")
    assert done.exit_code == 0, done.output
    assert done.output == (
        "Le règlement intérieur de « Accueil de loisirs Les Dunes » (version 2026-2) est "
        "accepté pour la famille n° 1.\n"
    )
    again = desk("family", "accept-regulation", "1", "--establishment", "ALSH")
    assert "était déjà accepté" in again.output
    accepted = [e for e in history(desk) if e["action"] == "regulation.accept"]
    assert [e["details"]["version"][1] for e in accepted] == ["2026-2"]
    assert desk("family", "accept-regulation", "7", "--establishment", "ALSH").exit_code == 3
