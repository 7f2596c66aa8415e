"""A family's dossier described in a TOML file, for ``portail family create``.

Each table is handed to the domain constructor of the same name, which checks and cleans it; the
reader only checks that keys exist and that values have the right TOML type, and locates every
error ("children n°2 > birth_date").
"""

from __future__ import annotations

import inspect
import re
import tomllib
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pendulum

from portail_core.domain.dossiers.child import Authorizations, Child
from portail_core.domain.dossiers.family import Family, FamilyQuotient, RegulationConsent
from portail_core.domain.dossiers.guardians import AuthorizedPerson, Guardian
from portail_core.domain.shared.french_dates import DAY_FORMATS, parse_day
from portail_core.domain.shared.instants import PARIS
from portail_core.domain.shared.text import check_file_text
from portail_core.errors import InvalidInput

__all__ = ["read_family_file"]

MAX_FILE_SIZE = 256 * 1024
_TABLES = {"family", "guardians", "children", "authorized_persons", "consents"}


class _Problems:
    def __init__(self) -> None:
        self.found: dict[str, str] = {}

    def add(self, where: str, message: str) -> None:
        self.found[where] = f"{self.found[where]} ; {message}" if where in self.found else message


def _expected(annotation: str) -> tuple[type, ...] | None:
    """The TOML types a constructor parameter accepts, read from its annotation."""
    kinds: list[type] = []
    if "DateTime" in annotation:
        kinds.append(datetime)
    elif "date" in annotation:
        kinds.append(date)
    if "bool" in annotation:
        kinds.append(bool)
    if "int" in annotation:
        kinds.append(int)
    if "str" in annotation and "Sequence" not in annotation and "Iterable" not in annotation:
        kinds.append(str)
    if "Sequence[str]" in annotation:
        kinds.append(list)
    return tuple(kinds) or None


# A date in a TOML file: a TOML date, or a date typed between quotes as everywhere else.
DATE_EXPECTED = (
    f"une date est attendue : {DAY_FORMATS}, sans guillemets pour AAAA-MM-JJ "
    '(ex. : 2019-03-14), entre guillemets pour JJ/MM/AAAA (ex. : "14/03/2019")'
)


def _day(value: Any) -> date | None:
    """A TOML date, or a string ``french_dates.parse_day`` reads (JJ/MM/AAAA or AAAA-MM-JJ)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        return parse_day(value)
    return None


def _build(
    constructor: Callable[..., Any],
    values: Any,
    where: str,
    problems: _Problems,
    extra: dict[str, Any] | None = None,
    skip: frozenset[str] = frozenset(),
) -> Any:
    if not isinstance(values, dict):
        problems.add(where, "une table est attendue")
        return None
    parameters = inspect.signature(constructor).parameters
    allowed = {name for name in parameters if name not in skip and name != "today"}
    unknown = sorted(set(values) - allowed)
    if unknown:
        problems.add(where, f"clé(s) inconnue(s) : {', '.join(unknown)}")
    arguments: dict[str, Any] = {}
    for name, value in values.items():
        if name not in allowed:
            continue
        kinds = _expected(str(parameters[name].annotation)) or ()
        if date in kinds and datetime not in kinds and str not in kinds:
            day = _day(value)
            if day is None:
                problems.add(f"{where} > {name}", DATE_EXPECTED)
            else:
                arguments[name] = day
            continue
        wrong_date = isinstance(value, datetime) and date in kinds and datetime not in kinds
        wrong_items = isinstance(value, list) and not all(isinstance(item, str) for item in value)
        wrong_kind = bool(kinds) and (
            not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds)
        )
        if wrong_date or wrong_items or wrong_kind:
            problems.add(f"{where} > {name}", "type de valeur inattendu")
            continue
        if isinstance(value, datetime):
            value = (
                pendulum.instance(value, tz=PARIS)
                if value.tzinfo is None
                else pendulum.instance(value)
            )
        arguments[name] = value
    missing = [
        name
        for name, parameter in parameters.items()
        if parameter.default is inspect.Parameter.empty
        and name not in arguments
        and name not in (extra or {})
        and name not in skip
        and name not in {"today"}
        and name not in values
    ]
    for name in missing:
        problems.add(f"{where} > {name}", "clé obligatoire manquante")
    if unknown or missing or len(arguments) < len([k for k in values if k in allowed]):
        return None
    try:
        return constructor(**arguments, **(extra or {}))
    except InvalidInput as error:
        for field, message in (error.problems or {"": error.message}).items():
            problems.add(f"{where} > {field}" if field else where, message)
        return None
    except (TypeError, ValueError, AttributeError):
        problems.add(where, "valeurs inattendues dans cette table")
        return None


_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)")


def _syntax(error: tomllib.TOMLDecodeError) -> dict[str, str]:
    """Where the TOML cannot be read, in French (tomllib says it in English), with what each
    kind of value looks like."""
    found = _WHERE.search(str(error))
    where = f"ligne {found[1]}, colonne {found[2]}" if found else "fin du fichier"
    return {
        where: 'syntaxe TOML invalide ici : un texte s\'écrit entre guillemets ("Martin"), '
        "une date AAAA-MM-JJ sans guillemets (2019-03-14) ou JJ/MM/AAAA entre guillemets "
        '("14/03/2019"), un nombre sans guillemets, true ou false.'
    }


def _many(
    data: dict[str, Any], name: str, build: Callable[[Any, str], Any], problems: _Problems
) -> list[Any]:
    items = data.get(name, [])
    if not isinstance(items, list):
        problems.add(name, f"écrivez chaque élément sous un en-tête [[{name}]]")
        return []
    return [build(item, f"{name} n°{n}") for n, item in enumerate(items, start=1)]


def read_family_file(text: str, today: date) -> Family:
    """The family described by ``text``; InvalidInput lists every error with its place."""
    if len(text) > MAX_FILE_SIZE:
        raise InvalidInput("Le fichier est trop gros (256 Ko au plus).")
    check_file_text(text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput("Le fichier n'est pas du TOML valide.", _syntax(error)) from error
    problems = _Problems()
    for unknown in sorted(set(data) - _TABLES):
        problems.add(unknown, "table inconnue")
    family_table = data.get("family")
    if not isinstance(family_table, dict):
        problems.add("family", "table [family] manquante")
        family_table = {}
    guardians = _many(
        data, "guardians", lambda v, w: _build(Guardian.create, v, w, problems), problems
    )
    children = _many(data, "children", lambda v, w: _child(v, w, today, problems), problems)
    people = _many(
        data,
        "authorized_persons",
        lambda v, w: _build(AuthorizedPerson.create, v, w, problems),
        problems,
    )
    consents = _many(
        data, "consents", lambda v, w: _build(RegulationConsent.create, v, w, problems), problems
    )
    quotient_table = family_table.get("quotient")
    quotient = None
    if quotient_table is not None:
        quotient = _build(FamilyQuotient.create, quotient_table, "family > quotient", problems)
    simple = {k: v for k, v in family_table.items() if k != "quotient"}
    family = _build(
        Family.create,
        simple,
        "family",
        problems,
        extra={
            "guardians": [g for g in guardians if g is not None],
            "children": [c for c in children if c is not None],
            "authorized_persons": [p for p in people if p is not None],
            "consents": [c for c in consents if c is not None],
            "quotient": quotient,
        },
        skip=frozenset(
            {"guardians", "children", "authorized_persons", "consents", "quotient", "documents"}
        ),
    )
    if problems.found:
        raise InvalidInput(
            f"Le fichier compte {len(problems.found)} erreur(s) ; rien n'est enregistré.",
            problems.found,
        )
    assert isinstance(family, Family)  # noqa: S101  (no problem means it was built)
    return family


def _child(values: Any, where: str, today: date, problems: _Problems) -> Child | None:
    if not isinstance(values, dict):
        problems.add(where, "une table est attendue")
        return None
    allowed = dict(values)
    authorizations = None
    if "authorizations" in allowed:
        authorizations = _build(
            Authorizations, allowed.pop("authorizations"), f"{where} > authorizations", problems
        )
    enrolments = allowed.pop("enrolments", [])
    if not (
        isinstance(enrolments, list)
        and all(
            isinstance(e, list) and len(e) == 2 and all(isinstance(x, str) for x in e)
            for e in enrolments
        )
    ):
        problems.add(f"{where} > enrolments", 'une liste de paires ["STRUCTURE", "UNITÉ"]')
        enrolments = []
    extra: dict[str, Any] = {"today": today, "enrolments": [tuple(e) for e in enrolments]}
    if authorizations is not None:
        extra["authorizations"] = authorizations
    child: Child | None = _build(
        Child.create,
        allowed,
        where,
        problems,
        extra=extra,
        skip=frozenset({"authorizations", "enrolments"}),
    )
    return child
