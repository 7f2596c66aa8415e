"""Only `portail db upgrade` creates the SQLite database: any other command, and the web portal,
on a missing one stop with a French message naming the command to run (exit code 7), and write
nothing (no database file, no instance folder, no secret key)."""

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from entrypoints.cli import main
from entrypoints.web import create_app
from portail_core.errors import ConfigurationError


def run(args: list[str], instance: Path) -> Result:
    return CliRunner().invoke(main, args, env={"PORTAIL_INSTANCE_PATH": str(instance)})


@pytest.mark.parametrize(
    "args", [["family", "list"], ["db", "current"], ["demo", "load"], ["outbox", "send"]]
)
def test_a_command_on_a_missing_database_says_so_and_creates_nothing(
    tmp_path: Path, args: list[str]
) -> None:
    instance = tmp_path / "ailleurs" / "instance"
    result = run(args, instance)
    assert result.exit_code == 7, result.output
    assert f"Aucune base de données à {instance / 'portail.sqlite3'}" in result.output
    assert "Créez-la avec `portail db upgrade`" in result.output
    assert not instance.exists()


def test_an_empty_instance_folder_gets_no_database_and_no_key(instance_path: Path) -> None:
    result = run(["family", "list"], instance_path)
    assert result.exit_code == 7
    assert list(instance_path.iterdir()) == []


def test_db_upgrade_creates_the_database_then_the_other_commands_work(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    created = run(["db", "upgrade"], instance)
    assert created.exit_code == 0, created.output
    assert "migrée de la révision vide" in created.output
    assert (instance / "portail.sqlite3").is_file()
    assert run(["family", "list"], instance).exit_code == 0


def test_the_web_portal_refuses_a_missing_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTAIL_INSTANCE_PATH", str(tmp_path / "instance"))
    with pytest.raises(ConfigurationError, match="Aucune base de données"):
        create_app()
    assert not (tmp_path / "instance").exists()
