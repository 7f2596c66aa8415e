"""click's own messages in French: the catalog, and the `portail` command through CliRunner."""

import argparse
import gettext
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import click
import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner, Result

from entrypoints.cli import main
from entrypoints.cli.french import DOMAIN, LOCALE_DIR, speaking_french
from entrypoints.cli.lazy import subcommands

CATALOG = LOCALE_DIR / "fr" / "LC_MESSAGES" / f"{DOMAIN}.po"
CLICK_SOURCE = Path(click.__file__).parent
# click's texts for the developer who declares a command, never shown to the staff.
DEVELOPER_ONLY = {
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "Choice({choices})",
    "Could not determine name for option with declarations {decls!r}",
    "Invalid start character for option ({option})",
    "Name '{name}' defined twice",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument "
    "instead? Did you mean to pass '--{name}'?",
    "Unknown color {colour!r}",
    "Unknown standard stream '{name}'",
}
# What click would print in English; none of it may reach the staff.
ENGLISH = (
    "Usage:",
    "Options:",
    "Commands:",
    "Try '",
    "for help",
    "Error:",
    "Invalid value",
    "Missing option",
    "Missing argument",
    "No such",
    "Did you mean",
    "is not one of",
    "is not a valid",
    "Show this message",
    "Show the version",
    "[required]",
    "[default:",
    "Aborted",
)

MessageId = str | tuple[str, ...]
Translation = tuple[MessageId, MessageId]


def portail(*args: str, input: str | None = None, **env: str) -> Result:
    """`portail ARGS`, in French whatever the machine's LANGUAGE (a desktop may set one)."""
    return CliRunner().invoke(
        main, list(args), input=input, env={"LANGUAGE": "fr", **env}, prog_name="portail"
    )


def usage_error(command: str, arguments: str, message: str) -> str:
    """click's answer to a usage error: the usage line, where to find help, the error."""
    program = f"portail {command}".rstrip()
    return (
        f"Utilisation : {program} {arguments}\n"
        f"Essayez « {program} --help » pour l'aide.\n"
        "\n"
        f"Erreur : {message}\n"
    )


# ---------------------------------------------------------------- the catalog


def _key(value: str | tuple[str, ...] | list[str]) -> MessageId:
    return value if isinstance(value, str) else tuple(value)


def _translations(catalog: Catalog) -> set[Translation]:
    return {(_key(message.id), _key(message.string)) for message in catalog if message.id}


def _po() -> Catalog:
    with CATALOG.open("rb") as source:
        return read_po(source)


def _click_message_ids() -> set[MessageId]:
    return {_key(message) for _, _, message, _, _ in extract_from_dir(CLICK_SOURCE)}


def test_the_committed_mo_is_the_po_compiled() -> None:
    compiled = BytesIO()
    write_mo(compiled, _po())
    compiled.seek(0)
    fresh = read_mo(compiled)
    with CATALOG.with_suffix(".mo").open("rb") as source:
        committed = read_mo(source)
    assert _translations(committed) == _translations(fresh), "run `make messages` and commit"
    headers = [(name, value) for name, value in fresh.mime_headers if name != "Generated-By"]
    assert [(name, value) for name, value in committed.mime_headers if name != "Generated-By"] == (
        headers
    )
    assert committed.plural_forms == "nplurals=2; plural=(n > 1);"


def test_every_translated_message_is_still_one_of_clicks() -> None:
    translated = {message_id for message_id, _ in _translations(_po())}
    assert translated - _click_message_ids() == {"required"}
    # click translates this one through a variable: _(extra["required"]).
    core = (CLICK_SOURCE / "core.py").read_text("utf-8")
    assert 'extra["required"] = "required"' in core
    assert '_(extra["required"])' in core


def test_every_message_click_shows_the_staff_is_translated() -> None:
    translated = {message_id for message_id, _ in _translations(_po())}
    assert _click_message_ids() - translated == DEVELOPER_ONLY
    assert all(string for _, string in _translations(_po()))


def _parameters(command: click.Command) -> Iterator[click.Parameter]:
    yield from command.params
    if isinstance(command, click.Group):
        for sub_command in subcommands(command).values():
            yield from _parameters(sub_command)


def test_every_number_the_cli_reads_is_an_integer_as_the_catalog_says() -> None:
    # "{value!r} is not a valid {number_type}." reads "... n'est pas un nombre entier."
    assert not [p.name for p in _parameters(main) if isinstance(p.type, click.types.FloatParamType)]


def test_french_is_the_default_and_an_explicit_language_is_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LANGUAGE", raising=False)
    domain = gettext.textdomain()
    with speaking_french():
        assert os.environ["LANGUAGE"] == "fr"
        assert gettext.textdomain() == DOMAIN
    assert "LANGUAGE" not in os.environ
    assert gettext.textdomain() == domain
    monkeypatch.setenv("LANGUAGE", "")
    with speaking_french():
        assert os.environ["LANGUAGE"] == "fr"
    assert os.environ["LANGUAGE"] == ""
    monkeypatch.setenv("LANGUAGE", "en")
    with speaking_french():
        assert os.environ["LANGUAGE"] == "en"
    assert os.environ["LANGUAGE"] == "en"


def test_importing_the_command_line_leaves_the_environment_as_it_was() -> None:
    code = (
        "import gettext, os; os.environ.pop('LANGUAGE', None); import entrypoints.cli; "
        "print(os.environ.get('LANGUAGE'), gettext.textdomain())"
    )
    shown = subprocess.run(  # a new process: this one imported the command line already
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert shown.stdout.split() == ["None", "messages"]


def test_argparse_keeps_its_english_under_the_portail_text_domain(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LANGUAGE", raising=False)
    parser = argparse.ArgumentParser(prog="outil")
    parser.add_argument("--nombre", type=int)
    with speaking_french():
        assert gettext.textdomain() == DOMAIN
        shown = parser.format_help()
    assert shown == (
        "usage: outil [-h] [--nombre NOMBRE]\n"
        "\n"
        "options:\n"
        "  -h, --help       show this help message and exit\n"
        "  --nombre NOMBRE\n"
    )


# ---------------------------------------------------------------- usage errors


def test_a_bad_integer_is_refused_in_french() -> None:
    result = portail("billing", "run", "--month", "2026-10", "--due-days", "abc")
    assert result.exit_code == 2
    assert result.stderr == usage_error(
        "billing run",
        "[OPTIONS]",
        "Valeur invalide pour « --due-days » : « abc » n'est pas un nombre entier.",
    )


def test_a_number_out_of_range_and_an_argument_name_it_in_guillemets() -> None:
    result = portail("family", "erase", "0")
    assert result.exit_code == 2
    assert result.stderr == usage_error(
        "family erase",
        "[OPTIONS] N°",
        "Valeur invalide pour « N° » : 0 n'est pas permis (au moins 1).",
    )


def test_a_missing_required_option_is_named() -> None:
    result = portail("billing", "run")
    assert result.exit_code == 2
    assert result.stderr == usage_error(
        "billing run", "[OPTIONS]", "Il manque l'option « --month »."
    )


def test_a_missing_choice_lists_the_values() -> None:
    result = portail("payments", "record", "--invoice", "X", "--amount", "1", "--reference", "r")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Erreur : Il manque l'option « --mode ». Choisissez parmi :\n"
        "\tcheque,\n\tespeces,\n\tcesu,\n\tancv,\n\tvirement\n"
    )


def test_an_option_without_its_value() -> None:
    result = portail("billing", "run", "--month")
    assert result.exit_code == 2
    assert result.stderr == "Erreur : L'option « --month » attend une valeur.\n"


def test_an_unknown_option_is_refused() -> None:
    result = portail("billing", "run", "--month", "2026-10", "--bogus")
    assert result.exit_code == 2
    assert result.stderr == usage_error("billing run", "[OPTIONS]", "Option « --bogus » inconnue.")


def test_a_mistyped_option_gets_a_suggestion() -> None:
    result = portail("billing", "run", "--monht", "2026-10")
    assert result.exit_code == 2
    assert result.stderr == usage_error(
        "billing run",
        "[OPTIONS]",
        "Option « --monht » inconnue. Vouliez-vous dire « --month » ?",
    )
    root = portail("--hlep")
    assert root.exit_code == 2
    assert root.stderr == usage_error(
        "",
        "[OPTIONS] COMMAND [ARGS]...",
        "Option « --hlep » inconnue. Vouliez-vous dire « --help » ?",
    )


def test_an_unknown_command_gets_its_suggestion() -> None:
    result = portail("billing", "rn")
    assert result.exit_code == 2
    assert result.stderr == usage_error(
        "billing",
        "[OPTIONS] COMMAND [ARGS]...",
        "Commande « rn » inconnue. Vouliez-vous dire « run » ?",
    )


def test_an_unknown_command_close_to_two_gets_both() -> None:
    result = portail("family", "eport", "1")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Erreur : Commande « eport » inconnue. "
        "Vouliez-vous dire l'un de ceux-ci : « export », « import » ?\n"
    )


def test_a_bad_choice_lists_the_possible_values() -> None:
    result = portail(
        "payments", "record", "--invoice", "X", "--amount", "1", "--reference", "r", "--mode", "foo"
    )
    assert result.exit_code == 2
    assert result.stderr == usage_error(
        "payments record",
        "[OPTIONS]",
        "Valeur invalide pour « --mode » : « foo » n'est pas l'une des valeurs possibles : "
        "'cheque', 'especes', 'cesu', 'ancv', 'virement'.",
    )


def test_extra_arguments_are_refused() -> None:
    result = portail("billing", "run", "--month", "2026-10", "un", "deux")
    assert result.exit_code == 2
    assert result.stderr == usage_error(
        "billing run", "[OPTIONS]", "Arguments en trop : « un deux »."
    )


def test_a_folder_given_for_a_file_is_refused(tmp_path: Path) -> None:
    # click names a Path parameter when it is declared: the catalog is bound before then.
    result = portail("invoices", "pdf", "FA-2026-000001", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == usage_error(
        "invoices pdf",
        "[OPTIONS] NUMÉRO",
        f"Valeur invalide pour « -o » / « --output » : Fichier attendu, mais « {tmp_path} » "
        "est un dossier.",
    )


def test_language_en_gives_clicks_english_back() -> None:
    result = portail("billing", "run", "--due-days", "abc", LANGUAGE="en")
    assert result.exit_code == 2
    assert result.stderr == (
        "Usage: portail billing run [OPTIONS]\n"
        "Try 'portail billing run --help' for help.\n"
        "\n"
        "Error: Invalid value for '--due-days': 'abc' is not a valid integer.\n"
    )


# ---------------------------------------------------------------- help and prompts


def test_help_headings_and_option_notes_are_french() -> None:
    result = portail("billing", "run", "--help")
    assert result.exit_code == 0
    assert result.output.startswith("Utilisation : portail billing run [OPTIONS]\n")
    assert "\nOptions :\n" in result.output
    assert "Le mois facturé (ex. : 2026-09).  [obligatoire]\n" in result.output
    assert "  [par défaut : 30]\n" in result.output
    assert "  -h, --help                 Affiche ce message et quitte.\n" in result.output
    root = portail("--help")
    assert "\nCommandes :\n" in root.output
    assert "  --version       Affiche la version et quitte.\n" in root.output
    assert "  --commune CODE  La commune sur laquelle agir" in root.output


def _command_paths(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(command, click.Group):
        for name, sub_command in subcommands(command).items():
            yield from _command_paths(sub_command, (*path, name))


def test_no_english_click_phrase_in_any_help_or_usage_error() -> None:
    outputs = [portail(*path, "--help").output for path in _command_paths(main)]
    outputs += [
        portail("billing", "run").output,
        portail("billing", "rn").output,
        portail("billing", "run", "--month", "2026-10", "--due-days", "abc").output,
        portail("--bogus").output,
    ]
    assert len(outputs) > 50
    for output in outputs:
        assert [phrase for phrase in ENGLISH if phrase in output] == [], output


def test_no_option_shows_clicks_english_type_name_in_help() -> None:
    """click names a value by its type (INTEGER, TEXT...) unless the option has a metavar."""
    english = re.compile(r"\b(INTEGER|TEXT|PATH|FILENAME|FILE|DIRECTORY|BOOLEAN|FLOAT|RANGE)\b")
    shown = {
        " ".join(path): english.findall(portail(*path, "--help").output)
        for path in _command_paths(main)
    }
    assert {command: words for command, words in shown.items() if words} == {}


def test_a_refused_confirmation_says_how_to_answer_then_aborts(instance_path: Path) -> None:
    env = {"PORTAIL_INSTANCE_PATH": str(instance_path)}
    assert portail("db", "upgrade", **env).exit_code == 0
    result = portail("family", "erase", "1", input="oui\nn\n", **env)
    assert result.exit_code == 1
    assert result.output == (
        "Effacer définitivement le dossier n° 1 ? [y/N]: oui\n"
        "Erreur : Répondez y (oui) ou n (non).\n"
        "Effacer définitivement le dossier n° 1 ? [y/N]: n\n"
        "Abandon.\n"
    )
