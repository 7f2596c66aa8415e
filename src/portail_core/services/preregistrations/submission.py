"""A family (or the desk for it) submits a school pre-registration."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import TracebackType
from typing import TYPE_CHECKING

import attrs
import pendulum

from portail_core.domain.audit import Actor
from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.domain.catalogue.school_levels import level_for, parse_level
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.completeness import SchoolYear
from portail_core.domain.dossiers.documents import check_upload
from portail_core.domain.dossiers.family import Family
from portail_core.domain.preregistrations import PreregistrationDocumentKind as Kind
from portail_core.domain.preregistrations import PreregistrationState, SchoolPreregistration
from portail_core.domain.shared.raw_input import InputReader
from portail_core.errors import Conflict, InvalidInput, NotFound
from portail_core.ports.clock import Clock
from portail_core.ports.dossiers import DocumentStore
from portail_core.ports.preregistrations import PreregistrationFilter
from portail_core.services.absences.common import Upload
from portail_core.services.dossiers.common import family_of
from portail_core.services.preregistrations import notices
from portail_core.services.preregistrations.common import (
    PreregistrationLine,
    line_of,
    required_documents,
    school_years,
    sector_of,
)
from portail_core.services.preregistrations.decisions import tell_family

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["NEW_CHILD", "submit_preregistration"]

NEW_CHILD = "nouveau"
_REFUSED = "La pré-inscription n'est pas enregistrée : vérifiez les champs signalés."


class _PendingFiles:
    """Files saved before the request that points at them is committed: deleted again if the
    ``with`` block fails."""

    def __init__(self, store: DocumentStore, family_id: int) -> None:
        self._store, self._family_id = store, family_id
        self.saved: dict[Kind, str] = {}

    def save(self, kind: Kind, upload: Upload) -> None:
        self.saved[kind] = self._store.save(self._family_id, upload.data, upload.filename).file_id

    def __enter__(self) -> _PendingFiles:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, e: BaseException | None, t: TracebackType | None
    ) -> None:
        if kind is not None:
            for file_id in self.saved.values():
                self._store.delete(self._family_id, file_id)


def submit_preregistration(
    uow: UnitOfWork,
    clock: Clock,
    store: DocumentStore,
    *,
    family_id: int,
    child: int | str,
    school_year: str,
    documents: Mapping[str, Upload | None],
    actor: Actor,
    public_url: str,
    first_name: str = "",
    last_name: str = "",
    birth_date: date | str = "",
    level: str = "",
    level_reason: str = "",
    school: str = "",
    derogation_reason: str = "",
) -> PreregistrationLine:
    """Record a request for ``child`` (a child's number, or ``NEW_CHILD`` with its first name,
    last name and birth date). Wrong fields are InvalidInput, one French message per field;
    the same child already asked for the same school year (and not refused) is a Conflict."""
    reader, today, now = InputReader(), clock.today(), clock.now()
    year = _school_year(reader, school_year, today)
    reasons = (
        _reason(reader, "level_reason", level_reason),
        _reason(reader, "derogation_reason", derogation_reason),
    )
    with _PendingFiles(store, family_id) as pending, uow:
        family = family_of(uow, family_id, for_update=True)
        catalogue = uow.catalogue.get()
        kid = _child(reader, family, child, first_name, last_name, birth_date, today)
        chosen, computed = _level(reader, kid, year, level, reasons[0])
        requested, sector = _school(reader, family, catalogue, school, reasons[1])
        uploads = _documents(reader, documents, new_child=kid.id is None)
        reader.raise_if_any(_REFUSED)
        request = _request(
            family_id, kid, year, (chosen, computed), (requested, sector), reasons, now
        )
        _refuse_duplicate(uow, request)
        for kind, upload in uploads.items():
            pending.save(kind, upload)
        request = uow.preregistrations.add(attrs.evolve(request, documents=dict(pending.saved)))
        uow.audit.record(notices.request_submitted(request, actor, now))
        tell_family(uow, request, family, catalogue, public_url, now)
        uow.commit()
    return line_of(request, family, catalogue)


def _reason(reader: InputReader, name: str, raw: str) -> str:
    return reader.line(
        name, raw, "Le motif tient en 300 caractères au plus.", max_length=300, required=False
    )


def _request(
    family_id: int,
    kid: Child,
    year: SchoolYear,
    levels: tuple[str, str],
    schools: tuple[str, str],
    reasons: tuple[str, str],
    now: pendulum.DateTime,
) -> SchoolPreregistration:
    """The request (without its documents yet): levels chosen and computed, schools requested
    and of the sector, reasons for the level and the derogation."""
    requested, sector = schools
    return SchoolPreregistration(
        family_id,
        kid.id,
        kid.first_name,
        kid.last_name,
        kid.birth_date,
        year.start,
        levels[0],
        levels[1],
        reasons[0],
        sector,
        requested,
        reasons[1] if requested != sector else "",
        {},
        now,
    )


def _school_year(reader: InputReader, raw: str, today: date) -> SchoolYear:
    offered = school_years(today)
    try:
        year = SchoolYear.parse(raw or "")
    except InvalidInput:
        year = None
    if year not in offered:
        names = " ou ".join(f"{y.start}-{y.start + 1}" for y in offered)
        reader.refuse("school_year", f"Choisissez l'année scolaire : {names}.")
        return offered[0]
    return year


def _child(
    reader: InputReader,
    family: Family,
    choice: int | str,
    first_name: str,
    last_name: str,
    birth_date: date | str,
    today: date,
) -> Child:
    """The child of the dossier chosen, or the new child as typed (not yet in the dossier)."""
    text = str(choice).strip()
    if text.isdigit():
        kid = family.child(int(text))
        if kid is None:
            raise NotFound(f"La famille {family.name} n'a pas d'enfant n° {text}.")
        return kid
    if text != NEW_CHILD:
        reader.refuse("child", "Choisissez l'enfant, ou « un nouvel enfant ».")
    day = reader.day("birth_date", birth_date, "Indiquez la date de naissance : 14/03/2021.")
    try:
        kid = Child.create(first_name=first_name, last_name=last_name, birth_date=day, today=today)
    except InvalidInput as error:
        for field, message in error.problems.items():
            reader.refuse(field, message)
        return Child(first_name, last_name, today)  # stands in: the request is refused
    known = next((c for c in family.children if _same(c, kid)), None)
    if known is not None:
        reader.refuse(
            "child",
            f"{known.full_name} figure déjà dans le dossier : choisissez {known.first_name} "
            "dans la liste des enfants plutôt que « un nouvel enfant ».",
        )
    return kid


def _same(known: Child, new: Child) -> bool:
    return (
        known.first_name.casefold() == new.first_name.casefold()
        and known.last_name.casefold() == new.last_name.casefold()
        and known.birth_date == new.birth_date
    )


def _level(
    reader: InputReader, kid: Child, year: SchoolYear, raw: str, reason: str
) -> tuple[str, str]:
    """The level asked for and the one the birth date gives (« CP », « CP »)."""
    computed = ""
    if "birth_date" not in reader.problems:
        try:
            computed = level_for(kid.birth_date, year).value
        except InvalidInput as error:
            for field, message in error.problems.items():
                reader.refuse(field, message)
    if not (raw or "").strip():
        return computed, computed
    try:
        chosen = parse_level(raw).value
    except InvalidInput as error:
        reader.refuse("level", error.problems.get("level", error.message))
        return computed, computed
    if computed and chosen != computed and not reason:
        reader.refuse(
            "level_reason",
            f"Le niveau de {kid.first_name or 'l’enfant'} en {year.start}-{year.start + 1} est "
            f"{computed} d'après sa date de naissance : dites pourquoi vous demandez {chosen}.",
        )
    return chosen, computed


def _school(
    reader: InputReader, family: Family, catalogue: Catalogue, raw: str, reason: str
) -> tuple[str, str]:
    """The school asked for and the sector school (empty when the address is not in the map)."""
    sector = sector_of(family, catalogue)
    wanted = (raw or "").strip()
    if not wanted or wanted == sector.school:
        if not sector.school:
            reader.refuse("school", sector.refusal)
        return sector.school, sector.school
    if wanted not in {s.code for s in catalogue.schools}:
        reader.refuse("school", "Choisissez une école de la commune.")
    elif not reason:
        reader.refuse(
            "derogation_reason",
            "Une demande de dérogation dit pourquoi vous demandez une autre école que celle "
            "du secteur.",
        )
    return wanted, sector.school


def _documents(
    reader: InputReader, raw: Mapping[str, Upload | None], *, new_child: bool
) -> dict[Kind, Upload]:
    """The documents sent, each checked (PDF, JPEG or PNG, read from its content)."""
    found: dict[Kind, Upload] = {}
    for kind in Kind:
        upload = raw.get(kind.value)
        if upload is None or not upload.data:
            if kind in required_documents(new_child=new_child):
                reader.refuse(f"document_{kind.value}", f"Joignez le {kind.label}.")
            continue
        try:
            check_upload(upload.data, upload.filename)
        except InvalidInput as error:
            reader.refuse(f"document_{kind.value}", f"{kind.label.capitalize()} : {error.message}")
            continue
        found[kind] = upload
    return found


def _refuse_duplicate(uow: UnitOfWork, request: SchoolPreregistration) -> None:
    year = request.year_label
    for other in uow.preregistrations.matching(
        PreregistrationFilter(family_id=request.family_id, school_year=request.school_year)
    ):
        if other.state is not PreregistrationState.REFUSED and other.same_request(request):
            raise Conflict(
                f"{request.first_name} a déjà une pré-inscription pour {year} (demande "
                f"n° {other.id}, {other.state.label}) : une seule demande par enfant et par "
                "année. Suivez-la ci-dessous, ou contactez le guichet unique pour la modifier."
            )
