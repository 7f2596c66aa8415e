"""``portail`` imports a command only when it runs: nothing is lost by the laziness.

``portail --help`` lists every command from the COMMANDS table without importing them; each
command, imported, shows its help; no command group is left out of the table. (The start-up
times are measured by benchmarks/cli_startup.py, not here.)
"""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from collections.abc import Iterator

import click
from click.testing import CliRunner

import entrypoints.cli
from entrypoints.cli import COMMANDS, main
from entrypoints.cli.lazy import LazyGroup, subcommands

HEAVY = ("entrypoints.bootstrap", "sqlalchemy", "alembic", "weasyprint", "zeep", "flask", "argon2")


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
