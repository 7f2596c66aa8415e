"""The canteen's menus as CSV (``;`` or ``,``), one line per dish, with a first line naming the
columns ``structure``, ``date``, ``composante``, ``intitule``, ``allergenes`` (accents and
capitals as you like, in any order):

- ``structure``: the code of the restaurant in the commune file (CANTINE-PLAGE);
- ``date``: the day it is served, JJ/MM/AAAA or AAAA-MM-JJ;
- ``composante``: entrée, plat, accompagnement, fromage ou laitage (or fromage, laitage),
  dessert, goûter;
- ``intitule``: the dish as families read it (150 characters at most);
- ``allergenes``: those of the 14 of the EU regulation the dish contains, separated by ``,``
  or ``|`` (with ``,`` as the column separator, put the cell between quotes); empty or
  « aucun » when none.

This reads the file's shape only (size, text rule, columns): what each line says is checked by
``domain.menus.read_lines``, which names each refused line by its number, with those this
reader could not cut into columns.
"""

from __future__ import annotations

import csv
import io
import unicodedata

from portail_core.domain.menus import COLUMNS, MenuLine
from portail_core.domain.shared.text import check_file_text
from portail_core.errors import InvalidInput

__all__ = ["MAX_FILE_SIZE", "read_menus_csv"]

MAX_FILE_SIZE = 5 * 1024 * 1024


def _header(name: str) -> str:
    bare = unicodedata.normalize("NFKD", name.strip().lower())
    return "".join(c for c in bare if not unicodedata.combining(c))


def read_menus_csv(text: str) -> list[MenuLine]:
    """The file's lines, each named « ligne N » (its line in the file), blank lines skipped;
    InvalidInput when the file is empty, too large, not CSV or its first line does not name
    the columns."""
    if len(text) > MAX_FILE_SIZE:
        raise InvalidInput("Le fichier est trop gros (5 Mo au plus) : rien n'est enregistré.")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InvalidInput("Le fichier est vide : rien n'est enregistré.")
    check_file_text(text)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    lines: list[MenuLine] = []
    try:
        headers = [_header(name) for name in next(reader)]
        _check_columns(headers)
        position = {name: headers.index(name) for name in COLUMNS}
        for row in reader:
            where = f"ligne {reader.line_num}"
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            if len(row) != len(headers):
                lines.append(
                    MenuLine(where, "", "", "", "", "", problem=_count_problem(len(headers), row))
                )
                continue
            cells = [row[position[name]] for name in COLUMNS]
            lines.append(MenuLine(where, *cells))
    except csv.Error as error:
        raise InvalidInput(
            f"CSV illisible à la ligne {reader.line_num} : {error}. Rien n'est enregistré."
        ) from error
    return lines


def _count_problem(expected: int, row: list[str]) -> str:
    return (
        f"{len(row)} colonne(s) au lieu de {expected} : vérifiez le séparateur et mettez entre "
        "guillemets une cellule qui le contient"
    )


def _check_columns(headers: list[str]) -> None:
    missing = [name for name in COLUMNS if name not in headers]
    unknown = [name for name in headers if name not in COLUMNS]
    doubled = sorted({name for name in headers if headers.count(name) > 1})
    if missing or unknown or doubled:
        problems = {}
        if missing:
            problems["colonnes manquantes"] = ", ".join(missing)
        if unknown:
            problems["colonnes inconnues"] = ", ".join(n[:40] or "(vide)" for n in unknown)
        if doubled:
            problems["colonnes en double"] = ", ".join(doubled)
        raise InvalidInput(
            "Ligne 1 : la première ligne doit nommer les colonnes structure, date, composante, "
            "intitule, allergenes. Rien n'est enregistré.",
            problems,
        )
