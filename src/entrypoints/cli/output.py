"""Output helpers shared by the commands: tables for people, JSON and CSV for programs; the
files they read and write, with the system's refusals said in French."""

from __future__ import annotations

import csv
import errno
import io
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import click

from portail_core.domain.shared.french_dates import day_format, parse_day
from portail_core.errors import InvalidInput

__all__ = [
    "FORMAT_OPTION",
    "DateParam",
    "echo_json",
    "echo_rows",
    "file_error",
    "read_bytes",
    "read_text",
]

_OS_ERRORS = {  # the system's reasons, which it words in English, in French
    errno.ENOENT: "ce fichier ou ce dossier n'existe pas",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EROFS: "le disque est en lecture seule",
    errno.EEXIST: "le fichier existe déjà",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.EIO: "erreur d'entrée-sortie du disque",
}

FORMAT_OPTION = click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="table pour lire, json ou csv pour un autre programme.",
)


class DateParam(click.ParamType[date]):
    """A date typed JJ/MM/AAAA or AAAA-MM-JJ (``french_dates.parse_day``, as everywhere a
    person types a date), refused in French otherwise."""

    name = "JJ/MM/AAAA"  # the metavar in help; AAAA-MM-JJ is read too

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        parsed = parse_day(str(value))
        if parsed is None:
            self.fail(f"« {value} » n'est pas une date : {day_format(date(2027, 2, 15))}.")
        return parsed


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def echo_rows(headers: Sequence[str], rows: Sequence[Sequence[Any]], output_format: str) -> None:
    """Rows as an aligned table (for people) or CSV; JSON callers build their own objects."""
    cells = [[str(cell) for cell in row] for row in rows]
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(cells)
        click.echo(buffer.getvalue(), nl=False)
        return
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for row in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def file_error(action: str, path: Path | str, error: OSError | UnicodeDecodeError) -> InvalidInput:
    """« Impossible de lire famille.toml : ce fichier ou ce dossier n'existe pas. »: the
    system's reason in French (its own words are English), for ``action`` « lire » or
    « écrire »."""
    if isinstance(error, UnicodeDecodeError):
        reason = (
            f"le fichier n'est pas en UTF-8 (octet illisible à la position {error.start}) ; "
            "enregistrez-le en UTF-8 depuis le tableur ou l'éditeur"
        )
    else:
        known = _OS_ERRORS.get(error.errno or 0)
        reason = known or f"erreur du système n° {error.errno}"
    return InvalidInput(f"Impossible {_preposition(action)} {path} : {reason}.")


def _preposition(action: str) -> str:
    return f"d'{action}" if action[:1] in "aeéèiou" else f"de {action}"


def read_text(path: Path, encoding: str = "utf-8") -> str:
    """The text of a file the desk names, or InvalidInput in French."""
    try:
        return path.read_text(encoding)
    except (OSError, UnicodeDecodeError) as error:
        raise file_error("lire", path, error) from error


def read_bytes(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of a file the desk names, or InvalidInput in French."""
    try:
        with path.open("rb") as handle:
            return handle.read(limit)
    except OSError as error:
        raise file_error("lire", path, error) from error
