"""New dossiers: one typed at the desk, or many imported from another software's export.

A family the portal probably has already (``domain.dossiers.duplicates``) is refused, naming
the dossier it looks like, unless the desk says the families are really two. An imported
family keeps its reference in the previous software: importing the same export again skips
the families already imported, and says which dossier each one is.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.duplicates import most_alike
from portail_core.domain.dossiers.family import Family
from portail_core.errors import Conflict
from portail_core.ports.clock import Clock
from portail_core.services.dossiers import notices

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["ImportOutcome", "ImportReport", "ImportedFamily", "create_family", "import_families"]


def create_family(
    uow: UnitOfWork,
    family: Family,
    *,
    actor: Actor,
    clock: Clock,
    refuse_duplicates: bool = False,
) -> int:
    """Record a new family's dossier; returns its number. With ``refuse_duplicates`` (the
    desk's default), a family the portal probably has already is a Conflict naming it."""
    now = clock.now()
    with uow:
        if refuse_duplicates:
            alike = most_alike(family, uow.families.listing())
            if alike is not None:
                raise Conflict(notices.probable_duplicate(family, alike))
        family_id = _added(uow, family, now)
        uow.audit.record(notices.family_created(family, actor, now))
        uow.commit()
        return family_id


class ImportOutcome(enum.Enum):
    IMPORTED = "importée"
    ALREADY_IMPORTED = "déjà importée"  # the same reference of the previous software
    PROBABLE_DUPLICATE = "doublon probable"  # not imported


@frozen
class ImportedFamily:
    """What became of one family of the file: its new dossier, or the existing one."""

    family: Family
    outcome: ImportOutcome
    dossier: int | None  # the new or existing dossier (None: another family of the file)
    reason: str = ""


@frozen
class ImportReport:
    families: tuple[ImportedFamily, ...]  # in the order of the file
    recorded: bool  # False for a dry run

    def count(self, outcome: ImportOutcome) -> int:
        return sum(1 for line in self.families if line.outcome is outcome)


def import_families(
    uow: UnitOfWork,
    families: Sequence[Family],
    *,
    source: str,
    actor: Actor,
    clock: Clock,
    allow_duplicates: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Record families read from another software's export, all in one transaction: those
    already imported (same reference) are skipped, probable duplicates too unless
    ``allow_duplicates``. ``dry_run``: the same report, nothing recorded."""
    now = clock.now()
    lines = []
    with uow:
        known = [(f.id, f) for f in uow.families.listing()]
        for family in families:
            line = _judged(family, known, allow_duplicates=allow_duplicates)
            if line.outcome is ImportOutcome.IMPORTED and not dry_run:
                line = ImportedFamily(family, line.outcome, _added(uow, family, now))
                uow.audit.record(notices.family_imported(family, source, actor, now))
            if line.outcome is ImportOutcome.IMPORTED:
                known.append((line.dossier, family))
            lines.append(line)
        if not dry_run:
            uow.commit()
    return ImportReport(tuple(lines), recorded=not dry_run)


def _judged(
    family: Family, known: list[tuple[int | None, Family]], *, allow_duplicates: bool
) -> ImportedFamily:
    """Whether ``family`` is imported, was already, or is probably a known family."""
    reference = family.legacy_reference
    if reference:
        for dossier, existing in known:
            if existing.legacy_reference == reference and dossier is not None:
                return ImportedFamily(family, ImportOutcome.ALREADY_IMPORTED, dossier)
    alike = None if allow_duplicates else most_alike(family, (f for _, f in known))
    if alike is not None:
        dossier = next(number for number, f in known if f is alike.family)
        reason = notices.probable_duplicate(family, alike)
        return ImportedFamily(family, ImportOutcome.PROBABLE_DUPLICATE, dossier, reason)
    return ImportedFamily(family, ImportOutcome.IMPORTED, None)


def _added(uow: UnitOfWork, family: Family, now: pendulum.DateTime) -> int:
    """Add the family; its new number."""
    uow.families.add(family, now)
    assert family.id is not None  # noqa: S101  (set by add)
    return family.id
