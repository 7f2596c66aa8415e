"""Onboarding a town: the complete dossiers exported by its previous software, imported at once.

Each family is found by its reference in the previous software (``Family.legacy_reference``,
unique): a family not seen yet is added; a family seen already is updated with what the file
says, and left untouched (no write, no history) when that changes nothing. What the portal
holds beyond the file is kept: documents uploaded by the family, règlements accepted online,
children and authorised persons the file does not name.

A family with any problem (unreadable value, unknown school, establishment or activity) is
refused whole, with every problem and its line; the others are recorded in one transaction,
in a few multi-row statements whatever their number.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import pendulum
from attrs import Factory, define, frozen

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import (
    SEEN_AT_DESK,
    DocumentType,
    Family,
    SupportingDocument,
)
from portail_core.ports.clock import Clock
from portail_core.services.accounts.batch_opening import BatchOpening, Pacing, open_accounts_of
from portail_core.services.dossiers import notices

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "SEEN_AT_DESK",
    "FileProblem",
    "ImportedDossier",
    "OnboardingOutcome",
    "OnboardingReport",
    "onboard_families",
]


@frozen
class FileProblem:
    """A problem of the file, at a line (0: the file as a whole), in French."""

    line: int
    message: str


@frozen
class ImportedDossier:
    """One family read from the file: its reference, the dossier, the lines it was read from
    (``child_lines[i]`` is the line of ``family.children[i]``)."""

    reference: str
    family: Family
    lines: tuple[int, ...]
    child_lines: tuple[int, ...]


class OnboardingOutcome(enum.Enum):
    ADDED = "ajoutée"
    UPDATED = "mise à jour"
    UNCHANGED = "inchangée"
    REFUSED = "refusée"


@frozen
class OnboardingReport:
    """Each family of the file by reference, what became of it, and its dossier number."""

    outcomes: tuple[tuple[str, OnboardingOutcome, int | None], ...]
    refusals: tuple[tuple[str, tuple[FileProblem, ...]], ...]
    recorded: bool  # False for a dry run
    opening: BatchOpening | None = None  # when asked to open the accounts in the same pass

    def count(self, outcome: OnboardingOutcome) -> int:
        return sum(1 for _, found, _ in self.outcomes if found is outcome)


def onboard_families(
    uow: UnitOfWork,
    dossiers: Sequence[ImportedDossier],
    *,
    source: str,
    actor: Actor,
    clock: Clock,
    dry_run: bool = False,
    open_accounts: Pacing | None = None,
) -> OnboardingReport:
    """Add the new families, update the changed ones, leave the others; ``dry_run`` gives the
    same report and records nothing.

    With ``open_accounts``, the file's complete dossiers that have no account get one in the
    same transaction, as ``account create --all-complete`` would open them, without reading
    back the dossiers just written."""
    now = clock.now()
    with uow:
        catalogue = uow.catalogue.get()
        refusals = [
            (d.reference, problems) for d in dossiers if (problems := _unknown(d, catalogue))
        ]
        refused = {reference for reference, _ in refusals}
        accepted = [d for d in dossiers if d.reference not in refused]
        known = uow.families.by_legacy_reference([d.reference for d in accepted])
        found = _compared(accepted, known)
        if not dry_run:
            uow.families.add_all(found.added, now)
            for merged, _ in found.changed:
                uow.families.update(merged, now)
            events = [notices.family_imported(f, source, actor, now) for f in found.added]
            events += [_reimported(new, old, source, actor, now) for new, old in found.changed]
            uow.audit.record_all(events)
        opening = None
        if open_accounts is not None:
            of_file = sorted(found.all_states(), key=lambda family: family.id or 0)
            opening = open_accounts_of(uow, of_file, open_accounts, actor, clock, dry_run)
        if not dry_run:
            uow.commit()
    numbers = found.outcomes()
    outcomes = tuple(
        (d.reference, *numbers.get(d.reference, (OnboardingOutcome.REFUSED, None)))
        for d in dossiers
    )
    return OnboardingReport(outcomes, tuple(refusals), recorded=not dry_run, opening=opening)


@define
class _Compared:
    """The file's accepted families against the portal's: new, changed (new state, old state),
    the same as they were (by reference)."""

    added: list[Family] = Factory(list)
    changed: list[tuple[Family, Family]] = Factory(list)
    unchanged: dict[str, Family] = Factory(dict)

    def all_states(self) -> list[Family]:
        """Each family of the file as the portal holds it once the import is recorded."""
        changed = [new for new, _ in self.changed]
        return [*self.added, *changed, *self.unchanged.values()]

    def outcomes(self) -> dict[str, tuple[OnboardingOutcome, int | None]]:
        """What became of each family, by reference, and its dossier number."""
        found = {f.legacy_reference or "": (OnboardingOutcome.ADDED, f.id) for f in self.added}
        found |= {
            new.legacy_reference or "": (OnboardingOutcome.UPDATED, new.id)
            for new, _ in self.changed
        }
        found |= {r: (OnboardingOutcome.UNCHANGED, f.id) for r, f in self.unchanged.items()}
        return found


def _compared(accepted: Sequence[ImportedDossier], known: dict[str, Family]) -> _Compared:
    found = _Compared()
    for dossier in accepted:
        existing = known.get(dossier.reference)
        if existing is None:
            found.added.append(dossier.family)
            continue
        merged = merged_dossier(existing, dossier.family)
        if same_dossier(merged, existing):
            found.unchanged[dossier.reference] = existing
        else:
            found.changed.append((merged, existing))
    return found


def _unknown(dossier: ImportedDossier, catalogue: Catalogue) -> tuple[FileProblem, ...]:
    """The codes of the file the commune's catalogue does not know, each at its line."""
    return tuple(_unknown_codes(dossier, catalogue))


def _unknown_codes(dossier: ImportedDossier, catalogue: Catalogue) -> Iterator[FileProblem]:
    schools = {school.code for school in catalogue.schools}
    units = {e.code: {u.code for u in e.units} for e in catalogue.establishments}
    for consent in dossier.family.consents:
        if consent.establishment_code not in units:
            yield FileProblem(
                dossier.lines[0],
                f"reglements : structure inconnue « {consent.establishment_code} » "
                "(voir `portail catalogue show`).",
            )
    for child, line in zip(dossier.family.children, dossier.child_lines, strict=True):
        if child.school_code is not None and child.school_code not in schools:
            yield FileProblem(
                line,
                f"enfant_ecole : école inconnue « {child.school_code} » ; écoles connues : "
                f"{', '.join(sorted(schools)) or 'aucune'}.",
            )
        for establishment, unit in sorted(child.enrolments):
            if unit not in units.get(establishment, set()):
                yield FileProblem(
                    line,
                    f"enfant_inscriptions : activité inconnue « {establishment}:{unit} » "
                    "(structure:activité du catalogue).",
                )


def merged_dossier(existing: Family, incoming: Family) -> Family:
    """The dossier once the file's family is applied to the portal's: what the file describes
    replaces, what the portal has beyond it stays."""
    merged = attrs.evolve(
        existing,
        name=incoming.name,
        guardians=list(incoming.guardians),
        resident=incoming.resident,
        quotient=incoming.quotient,
        highest_tariff_chosen=incoming.highest_tariff_chosen,
        insurance_valid_until=incoming.insurance_valid_until,
        documents=_documents(existing.documents, incoming.documents),
        consents=list(existing.consents)
        + [
            c
            for c in incoming.consents
            if not existing.has_accepted(c.establishment_code, c.version)
        ],
        mandate=incoming.mandate or existing.mandate,
        children=_children(existing.children, incoming.children),
    )
    merged.id = existing.id
    return merged


def _documents(
    existing: Sequence[SupportingDocument], incoming: Sequence[SupportingDocument]
) -> list[SupportingDocument]:
    """The desk's attestation of the file replaces the previous one, in its place."""
    attestation = next((d for d in incoming if _is_attestation(d)), None)
    if attestation is None:
        return list(existing)
    kept = [attestation if _is_attestation(d) else d for d in existing]
    return kept if attestation in kept else [*kept, attestation]


def _is_attestation(document: SupportingDocument) -> bool:
    return document.kind is DocumentType.PROOF_OF_ADDRESS and document.seen_at_desk


def _identity(child: Child) -> tuple[str, str, Any]:
    return (child.first_name.casefold(), child.last_name.casefold(), child.birth_date)


def _children(existing: Sequence[Child], incoming: Sequence[Child]) -> list[Child]:
    """Each child of the file replaces the portal's same child (same names and birth date),
    keeping its number; the others are added after."""
    by_identity = {_identity(child): child for child in incoming}
    kept = []
    for child in existing:
        update = by_identity.pop(_identity(child), None)
        kept.append(child if update is None else attrs.evolve(update, id=child.id))
    return kept + list(by_identity.values())


def _fields(value: Family | Child, *, leave_out: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in attrs.asdict(value, recurse=False).items() if k not in leave_out}


def same_dossier(one: Family, other: Family) -> bool:
    """Whether two states of a dossier hold the same values (ids of children included)."""
    if _fields(one, leave_out=("children",)) != _fields(other, leave_out=("children",)):
        return False
    return [_fields(c, leave_out=()) for c in one.children] == [
        _fields(c, leave_out=()) for c in other.children
    ]


def _changed_fields(new: Family, old: Family) -> list[str]:
    names = [
        name
        for name, value in _fields(new, leave_out=("children", "id")).items()
        if getattr(old, name) != value
    ]
    if [_fields(c, leave_out=()) for c in new.children] != [
        _fields(c, leave_out=()) for c in old.children
    ]:
        names.append("children")
    return names


def _reimported(
    new: Family, old: Family, source: str, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    """What a re-import changed: the names of the parts (never health values)."""
    return AuditEvent(
        at=now,
        actor=actor,
        action="family.reimport",
        summary=f"Dossier mis à jour par réimportation : famille {new.name} (n° {new.id})",
        details={
            "source": source[:200],
            "reference": new.legacy_reference,
            "changed": _changed_fields(new, old),
        },
        family_id=new.id,
    )
