"""A town's complete dossiers exported by its previous software: one CSV file, one line per
child, the family's columns repeated on each of its lines (docs/import-familles.md describes
every column). Lists of values in one cell (règlements, inscriptions) are separated by ``|``.

Every problem is reported with its line, in French, and the whole file is read whatever it
finds: a family with a problem is refused whole (never half a family). The file may be UTF-8
(with or without the byte-order mark spreadsheets write) or Windows-1252 (older Excel).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from datetime import date

from attrs import frozen

from adapters.onboarding_lines import Line, read_child, read_family
from portail_core.domain.dossiers.child import Child
from portail_core.domain.shared.text import check_file_text, printable
from portail_core.errors import InvalidInput
from portail_core.services.dossiers.onboarding import FileProblem, ImportedDossier

__all__ = [
    "FAMILY_COLUMNS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "OnboardingFile",
    "decode_export",
    "read_onboarding_csv",
]

FAMILY_COLUMNS = (
    "famille",
    "nom_foyer",
    "habitant",
    "resp1_prenom",
    "resp1_nom",
    "resp1_lien",
    "resp1_adresse",
    "resp1_cp",
    "resp1_ville",
    "resp1_tel",
    "resp1_email",
    "resp2_prenom",
    "resp2_nom",
    "resp2_lien",
    "resp2_tel",
    "resp2_email",
    "qf",
    "qf_source",
    "qf_date",
    "tarif_plus_eleve",
    "assurance_valable_jusquau",
    "domicile_fourni_le",
    "domicile_valable_jusquau",
    "reglements",
    "mandat_rum",
    "mandat_titulaire",
    "mandat_iban",
    "mandat_bic",
    "mandat_signe_le",
)
CHILD_COLUMNS = (
    "enfant_prenom",
    "enfant_nom",
    "enfant_naissance",
    "enfant_sexe",
    "enfant_ecole",
    "enfant_classe",
    "enfant_vaccins_a_jour",
    "enfant_pai",
    "enfant_pai_jusquau",
    "enfant_pai_consignes",
    "enfant_allergies",
    "enfant_regime",
    "enfant_regime_precision",
    "enfant_medecin",
    "enfant_medecin_tel",
    "enfant_photos",
    "enfant_sortie_seul",
    "enfant_soins_urgence",
    "enfant_transport",
    "enfant_inscriptions",
)
OPTIONAL_COLUMNS = frozenset(
    {
        "resp2_prenom",
        "resp2_nom",
        "resp2_lien",
        "resp2_tel",
        "resp2_email",
        "tarif_plus_eleve",
        "mandat_rum",
        "mandat_titulaire",
        "mandat_iban",
        "mandat_bic",
        "mandat_signe_le",
        "enfant_sexe",
        "enfant_pai_jusquau",
        "enfant_pai_consignes",
        "enfant_allergies",
        "enfant_regime",
        "enfant_regime_precision",
        "enfant_medecin",
        "enfant_medecin_tel",
        "enfant_photos",
        "enfant_sortie_seul",
        "enfant_soins_urgence",
        "enfant_transport",
        "enfant_inscriptions",
    }
)
REQUIRED_COLUMNS = tuple(c for c in FAMILY_COLUMNS + CHILD_COLUMNS if c not in OPTIONAL_COLUMNS)
MAX_LINES = 100_000
MAX_REFERENCE = 40
# Text the character rule (``shared.text``) certainly accepts: printable ASCII, line breaks,
# French letters and the usual typographic signs; one regular expression checks it at C speed.
_PLAIN = re.compile("[\x20-\x7e\r\nÀ-ÖØ-öø-ÿŒœ«»°’–—€]*")


@frozen
class OnboardingFile:
    dossiers: tuple[ImportedDossier, ...]  # the families read without any problem
    problems: tuple[tuple[str, FileProblem], ...]  # (family reference, problem), by line
    refused: frozenset[str]  # the references of the families refused
    encoding: str  # "UTF-8" or "Windows-1252"


def decode_export(data: bytes) -> tuple[str, str]:
    """The text of an export and the name of its encoding: UTF-8 (a byte-order mark is
    dropped), otherwise Windows-1252; InvalidInput in French for anything else."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"Encodage illisible (octet {error.start + 1}) : enregistrez le fichier en CSV "
            "UTF-8 (ou Windows-1252). Rien n'est importé."
        ) from error


def read_onboarding_csv(data: bytes, today: date) -> OnboardingFile:
    """Every family of the export, or the problems that refuse it, each at its line."""
    text, encoding = decode_export(data)
    if not text.strip():
        raise InvalidInput("Le fichier est vide. Rien n'est importé.")
    if not _PLAIN.fullmatch(text):  # the character-by-character check only when needed
        check_file_text(text)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    try:
        _check_header(reader.fieldnames or [])
        for row in reader:
            number = reader.line_num
            if number > MAX_LINES:
                raise InvalidInput(f"Fichier trop long ({MAX_LINES} lignes au plus).")
            if None in row:
                raise InvalidInput(
                    f"ligne {number} : plus de valeurs que de colonnes (un « {delimiter} » "
                    "de trop, ou des guillemets mal fermés). Rien n'est importé."
                )
            clean = {key: (value or "").strip() for key, value in row.items()}
            if not any(clean.values()):
                continue
            groups.setdefault(clean["famille"] or f"ligne {number}", []).append((number, clean))
    except csv.Error as error:
        raise InvalidInput(
            f"ligne {reader.line_num} : CSV illisible ({error}). Rien n'est importé."
        ) from error
    dossiers, problems, refused = [], [], set()
    for reference, rows in groups.items():
        found = list(_read_family(reference, rows, today))
        if isinstance(found[-1], ImportedDossier):
            dossiers.append(found[-1])
        else:
            refused.add(reference)
            problems += [(reference, p) for p in found if isinstance(p, FileProblem)]
    problems.sort(key=lambda item: item[1].line)
    return OnboardingFile(tuple(dossiers), tuple(problems), frozenset(refused), encoding)


def _check_header(names: Sequence[str | None]) -> None:
    columns = [name.strip() if name else "" for name in names]
    known = set(FAMILY_COLUMNS + CHILD_COLUMNS)
    problems = {}
    if missing := [c for c in REQUIRED_COLUMNS if c not in columns]:
        problems["colonnes manquantes"] = ", ".join(missing)
    if unknown := [c or "(vide)" for c in columns if c not in known]:
        problems["colonnes inconnues"] = ", ".join(printable(c, 40) for c in unknown)
    if doubled := sorted({c for c in columns if columns.count(c) > 1}):
        problems["colonnes en double"] = ", ".join(doubled)
    if problems:
        raise InvalidInput(
            "ligne 1 : l'en-tête ne correspond pas au format (docs/import-familles.md). "
            "Rien n'est importé.",
            problems,
        )


def _read_family(
    reference: str, rows: list[tuple[int, dict[str, str]]], today: date
) -> Iterator[FileProblem | ImportedDossier]:
    """The family's problems, or (last) its dossier."""
    number, first = rows[0]
    line = Line(number, first)
    if not first["famille"]:
        line.refuse("famille : la référence de la famille dans l'ancien logiciel est obligatoire.")
    elif len(first["famille"]) > MAX_REFERENCE:
        line.refuse(f"famille : {MAX_REFERENCE} caractères au plus.")
    for other, row in rows[1:]:
        if differing := [c for c in FAMILY_COLUMNS if row.get(c, "") != first.get(c, "")]:
            line.problems.append(
                FileProblem(
                    other,
                    f"même famille « {printable(reference, 40)} » que la ligne {number}, mais "
                    f"d'autres valeurs : {', '.join(differing)}.",
                )
            )
    children: list[Child] = []
    child_lines: list[int] = []
    child_problems: list[FileProblem] = []
    for child_number, row in rows:
        child_line = Line(child_number, row)
        child = read_child(child_line, today)
        child_problems += child_line.problems
        if child is not None and not child_line.problems:
            children.append(child)
            child_lines.append(child_number)
    family = read_family(line, children, today, any_child_problem=bool(child_problems))
    yield from line.problems
    yield from child_problems
    if (
        not line.problems
        and not child_problems
        and family is not None
        and len(rows) == len(children)
    ):
        family.legacy_reference = first["famille"]
        yield ImportedDossier(reference, family, tuple(n for n, _ in rows), tuple(child_lines))
