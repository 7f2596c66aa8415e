"""The staff's `portail` command, run through click's CliRunner on a real SQLite database."""

import sqlite3
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from entrypoints.bootstrap import bootstrap
from entrypoints.cli import main
from entrypoints.settings import Settings
from portail_core.services.accounts.sessions import current_session, log_in


def run(args: list[str], instance: Path, **env: str) -> Result:
    environment = {"PORTAIL_INSTANCE_PATH": str(instance), **env}
    return CliRunner().invoke(main, args, env=environment, catch_exceptions=False)


def test_help_lists_the_command_groups_in_french(instance_path: Path) -> None:
    result = run(["--help"], instance_path)
    assert result.exit_code == 0
    assert "guichet unique" in result.output
    for group in ("db", "demo", "serve"):
        assert group in result.output


def test_db_upgrade_migrates_then_says_it_is_current(instance_path: Path) -> None:
    first = run(["db", "upgrade"], instance_path)
    assert first.exit_code == 0, first.output
    assert "migrée de la révision vide" in first.output
    second = run(["db", "upgrade"], instance_path)
    assert second.exit_code == 0, second.output
    assert "déjà à jour" in second.output
    current = run(["db", "current"], instance_path)
    assert "(à jour)" in current.output


def test_db_current_warns_when_the_database_is_behind(instance_path: Path) -> None:
    with sqlite3.connect(instance_path / "portail.sqlite3") as never_migrated:
        never_migrated.execute("create table notes (text)")
    never_migrated.close()
    result = run(["db", "current"], instance_path)
    assert result.exit_code == 0
    assert "EN RETARD" in result.output


def test_demo_load_fills_an_empty_database_once(instance_path: Path) -> None:
    run(["db", "upgrade"], instance_path)
    first = run(["demo", "load"], instance_path)
    assert first.exit_code == 0, first.output
    assert "Commune de démonstration chargée : Ville de Démo-sur-Mer." in first.output
    assert (
        "  famille Martin : identifiant martin.1, mot de passe « cerf-volant sur la plage d'hiver »"
        in first.output
    )
    second = run(["demo", "load"], instance_path)
    assert second.exit_code == 0
    assert "rien n'est changé" in second.output


def test_demo_load_on_an_unmigrated_database_fails_cleanly(instance_path: Path) -> None:
    result = run(["demo", "load"], instance_path)
    assert result.exit_code == 7
    assert "portail db upgrade" in result.output


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/x", "non prise en charge"),
        ("::::", "illisible"),
        ("postgresql://u:p@h:abc/db", "illisible"),
    ],
)
def test_a_bad_database_url_gives_a_french_error_and_exit_code_7(
    instance_path: Path, url: str, message: str
) -> None:
    result = run(["db", "upgrade"], instance_path, PORTAIL_DATABASE_URL=url)
    assert result.exit_code == 7
    assert "Erreur :" in result.output
    assert message in result.output


def test_serve_refuses_an_unmigrated_database(instance_path: Path) -> None:
    result = run(["serve", "--port", "5999"], instance_path)
    assert result.exit_code == 7
    assert "portail db upgrade" in result.output


def test_commands_accept_services_given_by_the_caller(sqlite_settings: Settings) -> None:
    services = bootstrap(sqlite_settings)
    try:
        result = CliRunner().invoke(main, ["db", "current"], obj=services)
    finally:
        services.close()
    assert result.exit_code == 0
    assert "Révision de la base : vide" in result.output


def test_help_works_even_when_the_configuration_is_broken(instance_path: Path) -> None:
    result = run(["db", "upgrade", "--help"], instance_path, PORTAIL_DATABASE_URL="mysql://x/y")
    assert result.exit_code == 0
    assert "Met la base de données à jour" in result.output
    assert not (instance_path / "secret_key").exists()


def test_an_unreachable_postgresql_is_explained_with_exit_code_7(instance_path: Path) -> None:
    result = run(
        ["db", "upgrade"],
        instance_path,
        PORTAIL_DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/nothing",
        PORTAIL_SECRET_KEY="k" * 40,
    )
    assert result.exit_code == 7
    assert "injoignable" in result.output
    assert "Traceback" not in result.output


def test_an_unexpected_failure_is_reported_in_french_with_exit_code_1(
    instance_path: Path,
) -> None:
    (instance_path / "portail.sqlite3").write_text("ceci n'est pas une base SQLite" * 100)
    result = CliRunner().invoke(
        main, ["db", "upgrade"], env={"PORTAIL_INSTANCE_PATH": str(instance_path)}
    )
    assert result.exit_code == 1
    assert "Erreur inattendue (DatabaseError) : rien n'a été enregistré." in result.output
    assert "Traceback" not in result.output


def test_the_printed_demo_login_really_opens_a_session(instance_path: Path) -> None:
    run(["db", "upgrade"], instance_path)
    run(["demo", "load"], instance_path)
    services = bootstrap(Settings.from_env({"PORTAIL_INSTANCE_PATH": str(instance_path)}))
    try:
        secret = log_in(
            services.ports.uow,
            "martin.1",
            "cerf-volant sur la plage d'hiver",
            hasher=services.ports.hasher,
            actor_ip="127.0.0.1",
            clock=services.ports.clock,
        )
        session = current_session(services.ports.uow(), secret, services.ports.clock)
    finally:
        services.close()
    assert session is not None
    assert not session.must_change_password


def test_demo_load_shows_no_login_for_a_real_town(instance_path: Path, tmp_path: Path) -> None:
    run(["db", "upgrade"], instance_path)
    town = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
    real = tmp_path / "mimizan.toml"
    real.write_text(town.replace('insee_code = "99001"', 'insee_code = "40184"'), "utf-8")
    assert run(["catalogue", "load", str(real)], instance_path).exit_code == 0
    result = run(["demo", "load"], instance_path)
    assert result.exit_code == 4
    assert "La base contient la commune Ville de Démo-sur-Mer" in result.output
    assert "Comptes de démonstration" not in result.output
