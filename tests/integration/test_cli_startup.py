"""``portail`` imports a command only when it runs: nothing is lost by the laziness.

``portail --help`` lists every command from the COMMANDS table without importing them; each
command, imported, shows its help; no command group is left out of the table. A desk's command
on the database imports the capability it uses, the repositories it uses and none of the
libraries it does not need (Alembic, WeasyPrint, zeep, argon2...), and still tells a database
behind the code. (The start-up times are measured by benchmarks/cli_startup.py, not here.)
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner

import entrypoints.cli
from adapters.persistence.database import create_database_engine
from adapters.persistence.migrate import alembic_config, upgrade
from adapters.persistence.unit_of_work import REPOSITORIES
from entrypoints.cli import COMMANDS, main
from entrypoints.cli.lazy import LazyGroup, subcommands

HEAVY = ("entrypoints.bootstrap", "sqlalchemy", "alembic", "weasyprint", "zeep", "flask", "argon2")
# What no command below needs: migrations, PDFs, SOAP, passwords, e-mail templates, bank
# details, holidays, XML schemas, feeds, news, the web, SQLAlchemy's ORM.
UNNEEDED = (
    "alembic",
    "weasyprint",
    "zeep",
    "requests",
    "argon2",
    "jinja2",
    "schwifty",
    "holidays",
    "xmlschema",
    "sepaxml",
    "icalendar",
    "markdown_it",
    "nh3",
    "flask",
    "werkzeug",
    "sqlalchemy.orm",
)
# Runs ``portail`` as its console script does, then names every module the process imported.
PROBE = (
    "import sys\n"
    "from entrypoints.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:], prog_name='portail')\n"
    "finally:\n"
    "    print('IMPORTED:', ' '.join(sorted(sys.modules)), file=sys.stderr)\n"
)


def _tree(command: click.Command) -> Iterator[click.Command]:
    yield command
    if isinstance(command, click.Group):
        for sub_command in subcommands(command).values():
            yield from _tree(sub_command)


def test_portail_help_lists_every_command_and_imports_none_of_them() -> None:
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from entrypoints.cli import main\n"
        "print(CliRunner().invoke(main, ['--help']).output)\n"
        f"print('HEAVY:', sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
        "print('COMMANDS:', sorted(m for m in sys.modules if m.startswith('entrypoints.cli.')))\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    listed = shown.split("Commandes :\n", 1)[1].split("\n\n", 1)[0]
    assert [line.split()[0] for line in listed.splitlines()] == sorted(COMMANDS)
    assert "HEAVY: []" in shown
    assert "COMMANDS: ['entrypoints.cli.feedback', 'entrypoints.cli.french', " in shown


def test_every_command_imports_and_shows_its_help() -> None:
    for name in COMMANDS:
        result = CliRunner().invoke(main, [name, "--help"], prog_name="portail")
        assert result.exit_code == 0, (name, result.output)
        assert result.output.startswith(f"Utilisation : portail {name} "), name


def test_a_mistyped_command_is_told_the_close_names_of_commands_not_yet_imported() -> None:
    result = CliRunner().invoke(LazyGroup("portail", lazy=COMMANDS), ["absnces"])
    assert result.exit_code == 2
    assert "Commande « absnces » inconnue." in result.output
    assert "« absences »" in result.output


def test_each_summary_is_its_command_s_first_paragraph() -> None:
    for name, lazy in COMMANDS.items():
        command = lazy.load()
        assert command.name == name
        assert " ".join((command.help or "").split("\n\n")[0].split()) == lazy.summary, name


def test_the_list_of_commands_is_the_same_before_and_after_importing_them() -> None:
    group = LazyGroup("portail", lazy=COMMANDS, help=main.help)
    for width in (60, 80, 120):
        before = group.get_help(click.Context(group, info_name="portail", terminal_width=width))
        assert not group.commands  # nothing imported to list them
        subcommands(group)
        after = group.get_help(click.Context(group, info_name="portail", terminal_width=width))
        assert before == after
        group.commands.clear()


def test_no_command_group_is_left_out_of_the_table() -> None:
    reachable = {id(command) for command in _tree(main)}
    declared = []
    for module in pkgutil.walk_packages(entrypoints.cli.__path__, "entrypoints.cli."):
        loaded = importlib.import_module(module.name)
        for attribute in ("group", "command"):
            command = getattr(loaded, attribute, None)
            if isinstance(command, click.Command):
                declared.append((module.name, command))
    assert len(declared) >= len(COMMANDS)
    assert [name for name, command in declared if id(command) not in reachable] == []


def run_portail(instance: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """``portail ARGS`` in a process of its own on the instance's SQLite database, and the
    modules it imported."""
    env = {**os.environ, "PORTAIL_INSTANCE_PATH": str(instance)}
    env.pop("PORTAIL_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, check=False
    )
    imported = done.stderr.rpartition("IMPORTED: ")[2].split()
    assert imported, done.stderr
    return done, set(imported)


def loaded(imported: set[str], package: str) -> list[str]:
    return sorted(name for name in imported if name == package or name.startswith(package + "."))


@pytest.fixture(scope="module")
def demo_instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An instance whose SQLite database is migrated and holds the demonstration town."""
    instance = tmp_path_factory.mktemp("instance")
    env = {"PORTAIL_INSTANCE_PATH": str(instance), "PORTAIL_DATABASE_URL": None}
    for args in (["db", "upgrade"], ["demo", "load"]):
        result = CliRunner().invoke(main, args, env=env)
        assert result.exit_code == 0, result.output
    return instance


DAY = "2026-09-16"  # any day: the sheet is shown (empty or not) and audited


@pytest.mark.parametrize(
    ("args", "capability", "repositories", "shown"),
    [
        (["db", "current"], None, set(), "(à jour)"),
        (
            ["family", "list"],
            "dossiers",
            {"accounts", "catalogue", "dossiers", "regulations"},
            "Martin",
        ),
        (["outbox", "list"], "messaging", {"messaging"}, "account_temporary_password"),
        (
            ["reservations", "list", "--establishment", "ALSH", "--date", DAY],
            "attendance",
            {"audit", "bookings", "catalogue"},
            "Accueil de loisirs",
        ),
    ],
    ids=["db current", "family list", "outbox list", "reservations list"],
)
def test_a_command_on_the_database_imports_its_capability_and_no_library_it_does_not_use(
    demo_instance: Path, args: list[str], capability: str | None, repositories: set[str], shown: str
) -> None:
    done, imported = run_portail(demo_instance, *args)
    assert done.returncode == 0, done.stderr
    assert shown in done.stdout
    assert [name for name in UNNEEDED if loaded(imported, name)] == []
    capabilities = {
        name.split(".")[2]
        for name in loaded(imported, "portail_core.facade")
        if name.count(".") == 2 and name.split(".")[2] not in {"portail", "ports"}
    }
    expected = {"dossiers", "dossier_growth"} if capability == "dossiers" else {capability}
    assert capabilities == expected - {None}
    # The unit of work imports the repositories the command uses, not every capability's (nor,
    # through the port that unites them, every capability's domain).
    assert {
        place.partition(":")[0].split(".")[2]
        for place in REPOSITORIES.values()
        if loaded(imported, place.partition(":")[0])
    } == repositories
    assert loaded(imported, "portail_core.ports.unit_of_work") == []
    if capability is None:  # the schema's revision only: no repository, no use case
        assert loaded(imported, "adapters.persistence.unit_of_work") == []
        assert loaded(imported, "portail_core.services") == []


def test_a_database_behind_the_code_is_still_told_so_without_alembic(tmp_path: Path) -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    head = scripts.get_current_head()
    assert head is not None
    previous = scripts.get_revision(head).down_revision
    assert isinstance(previous, str)
    engine = create_database_engine(f"sqlite:///{tmp_path / 'portail.sqlite3'}")
    upgrade(engine, previous)
    engine.dispose()

    current, imported = run_portail(tmp_path, "db", "current")
    assert current.returncode == 0, current.stderr
    assert f"Révision de la base : {previous} ; attendue : {head} (EN RETARD" in current.stdout
    listing, imported_too = run_portail(tmp_path, "family", "list")
    assert listing.returncode == 7
    assert "La base de données n'est pas à jour : lancez d'abord `portail db upgrade`." in (
        listing.stderr
    )
    assert loaded(imported | imported_too, "alembic") == []
