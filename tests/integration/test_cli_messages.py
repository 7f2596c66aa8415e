"""The command line says everything in French, once, and only what is needed: the system's
reasons for a file it cannot read or write, no stray progress label, a problem said once, a
closed pipe (`| head`) ending quietly, ranges and names in French in every help."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from entrypoints.bootstrap import Services, bootstrap_in_memory
from entrypoints.cli import main
from entrypoints.cli.lazy import subcommands
from entrypoints.cli.output import file_error
from portail_core.domain.audit import Actor
from tests.unit.dossier_builders import complete_family

PORTAIL = Path(sys.executable).with_name("portail")
ENGLISH = re.compile(r"x>=|x<=|<=x|<x|\bNUMERO\b|\bINTEGER\b|\bTEXT\b|\bFILENAME\b|\bPATH\b")


def run(services: Services, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), obj=services)


@pytest.fixture
def services() -> Services:
    return bootstrap_in_memory()


@pytest.mark.parametrize(
    "args",
    [
        ["family", "create", "{missing}"],
        ["family", "import", "{missing}"],
        ["catalogue", "load", "{missing}"],
        ["calendar", "import", "{missing}"],
        ["document", "add", "1", "--type", "justificatif_domicile", "--file", "{missing}"],
    ],
)
def test_a_missing_file_is_said_in_french(
    services: Services, tmp_path: Path, args: list[str]
) -> None:
    missing = tmp_path / "absent.toml"
    result = run(services, *(a.format(missing=missing) for a in args))
    assert result.exit_code == 2, result.output
    assert f"Impossible de lire {missing} : ce fichier ou ce dossier n'existe pas." in (
        result.stderr
    )
    assert "No such file" not in result.stderr
    assert "Errno" not in result.stderr


def test_a_file_that_is_not_utf8_is_said_in_french(services: Services, tmp_path: Path) -> None:
    latin = tmp_path / "famille.toml"
    latin.write_bytes('[family]\nname = "Müller"\n'.encode("latin-1"))
    result = run(services, "family", "create", str(latin))
    assert result.exit_code == 2
    assert "n'est pas en UTF-8" in result.stderr
    assert "codec" not in result.stderr


def test_an_unwritable_target_is_said_in_french(tmp_path: Path) -> None:
    error = FileNotFoundError(2, "No such file or directory")
    refused = file_error("écrire", tmp_path / "x" / "f.pdf", error)
    assert refused.message == (
        f"Impossible d'écrire {tmp_path / 'x' / 'f.pdf'} : ce fichier ou ce dossier n'existe pas."
    )
    assert "n° 99" in file_error("lire", "f", OSError(99, "Strange")).message


def test_a_billing_run_prints_no_stray_progress_label(services: Services) -> None:
    result = run(services, "billing", "run", "--month", "2020-01")
    assert result.exit_code == 0, result.output
    assert "Familles" not in result.stderr
    assert result.stderr == ""


def test_a_refused_upload_says_its_problem_once(services: Services, tmp_path: Path) -> None:
    family_id = services.portail.dossiers.create(complete_family(), actor=Actor.staff("agent"))
    program = tmp_path / "scan.pdf"
    program.write_bytes(b"MZ\x90\x00 un programme")
    result = run(
        services,
        "document",
        "add",
        str(family_id),
        "--type",
        "justificatif_domicile",
        "--file",
        str(program),
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.count("Seuls les fichiers PDF, JPEG et PNG sont acceptés") == 1


def test_a_closed_pipe_ends_the_command_quietly(tmp_path: Path) -> None:
    environment = {**os.environ, "PORTAIL_INSTANCE_PATH": str(tmp_path)}
    subprocess.run([PORTAIL, "db", "upgrade"], env=environment, check=True, capture_output=True)
    reader, writer = os.pipe()
    os.close(reader)  # as `| head` does once it has read what it wanted
    try:
        ended = subprocess.run(
            [PORTAIL, "outbox", "send"],
            env=environment,
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(writer)
    assert ended.stderr == ""
    assert ended.returncode == 1


def _commands(command: click.Command, path: list[str]) -> Iterator[list[str]]:
    yield path
    if isinstance(command, click.Group):
        for name, subcommand in subcommands(command).items():
            yield from _commands(subcommand, [*path, name])


def test_every_help_says_ranges_and_names_in_french() -> None:
    for path in _commands(main, []):
        shown = CliRunner().invoke(main, [*path, "--help"]).output
        assert not ENGLISH.search(shown), (path, ENGLISH.search(shown))
    help_text = CliRunner().invoke(main, ["outbox", "send", "--help"]).output
    assert "de 1 à 3 600" in help_text
    assert "[au moins 1]" in CliRunner().invoke(main, ["payments", "list", "--help"]).output
    assert "NUMÉRO" in CliRunner().invoke(main, ["invoices", "pdf", "--help"]).output
