"""A day's pointage as CSV (``,`` or ``;``): one row per child and unit, with the columns
``child_id``, ``unit`` and ``presence`` (present / absent, or présent, P, A...).

This reads the file's shape only (header, cells, size): what each row says is checked by
``services.attendance_records.record_pointage``, which names each refused row by its line.
"""

from __future__ import annotations

import csv
import io

from portail_core.domain.shared.text import check_file_text
from portail_core.errors import InvalidInput
from portail_core.services.attendance.pointage import MAX_MARKS, MarkInput

__all__ = ["COLUMNS", "MAX_FILE_SIZE", "read_pointage_csv"]

COLUMNS = ("child_id", "unit", "presence")
MAX_FILE_SIZE = 1024 * 1024


def read_pointage_csv(text: str) -> list[MarkInput]:
    """The marks of the file, each named "ligne N" (its line in the file), blank lines skipped;
    InvalidInput when the file is empty, too large, not CSV or lacks a column."""
    if len(text) > MAX_FILE_SIZE:
        raise InvalidInput("Le fichier est trop gros (1 Mo au plus).")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InvalidInput("Le fichier est vide.")
    check_file_text(text)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    marks: list[MarkInput] = []
    short: dict[str, str] = {}
    try:
        headers = [(name or "").strip().lower() for name in reader.fieldnames or []]
        missing = [column for column in COLUMNS if column not in headers]
        if missing:
            raise InvalidInput(
                "Colonnes manquantes : la première ligne doit nommer child_id, unit, presence.",
                {"colonnes": ", ".join(missing)},
            )
        reader.fieldnames = headers
        for row in reader:
            where = f"ligne {reader.line_num}"  # the physical line where the record ends
            cells = {key: (value or "").strip() for key, value in row.items() if key}
            if not any(cells.values()) and None not in row:
                continue  # a blank line
            if None in row or any(row.get(column) is None for column in COLUMNS):
                short[where] = "nombre de colonnes différent de l'en-tête."
                continue
            if len(marks) >= MAX_MARKS:
                raise InvalidInput(f"Fichier trop long : {MAX_MARKS} lignes au plus.")
            marks.append(
                MarkInput(cells["child_id"], cells["unit"], cells["presence"], where=where)
            )
    except csv.Error as error:
        raise InvalidInput(
            f"CSV illisible à la ligne {reader.line_num} : {error}. Rien n'est enregistré."
        ) from error
    if short:
        raise InvalidInput(f"{len(short)} ligne(s) illisible(s) : rien n'est enregistré.", short)
    if not marks:
        raise InvalidInput("Le fichier ne contient aucun pointage.")
    return marks
