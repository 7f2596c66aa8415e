"""What the dossiers' use cases write in French: their audit entries.

Health values never appear here (RGPD art. 9): an entry names the children or the fields, not
what they hold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pendulum

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.dossiers.changes import ChangeKind, ChangeRequest
from portail_core.domain.dossiers.child import Child, HealthChange
from portail_core.domain.dossiers.documents import StoredDocument
from portail_core.domain.dossiers.duplicates import Likeness
from portail_core.domain.dossiers.family import Family, SupportingDocument
from portail_core.domain.dossiers.guardians import AuthorizedPerson, Guardian
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.domain.shared.instants import as_paris

__all__ = [
    "authorized_persons_changed",
    "change_approved",
    "change_rejected",
    "change_requested",
    "contact_updated",
    "document_added",
    "document_read",
    "documents_purged",
    "family_created",
    "family_edited",
    "family_erased",
    "family_imported",
    "health_read",
    "health_updated",
    "probable_duplicate",
    "regulation_accepted",
]

Changes = Mapping[str, list[str]]  # what changed: key -> [old, new]


def family_created(family: Family, actor: Actor, now: pendulum.DateTime) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action="family.create",
        summary=f"Dossier créé : famille {family.name} (n° {family.id})",
        details={"children": len(family.children)},
        family_id=family.id,
    )


def family_imported(
    family: Family, source: str, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action="family.import",
        summary=f"Dossier importé : famille {family.name} (n° {family.id})"
        + (f", référence {family.legacy_reference}" if family.legacy_reference else ""),
        details={
            "source": source[:200],
            "children": len(family.children),
            "reference": family.legacy_reference,
        },
        family_id=family.id,
    )


def probable_duplicate(family: Family, alike: Likeness) -> str:
    """Why the desk is stopped: the dossier ``family`` is probably a copy of."""
    existing = alike.family
    which = (
        f"le dossier n° {existing.id} (famille {existing.name})"
        if existing.id is not None
        else f"la famille {existing.name}, plus haut dans ce fichier"
    )
    return (
        f"La famille {family.name} a probablement déjà un dossier : {which}, {alike.reason}. "
        "Vérifiez ce dossier ; si ce sont bien deux familles, relancez avec --allow-duplicate."
    )


def family_edited(
    family: Family, changes: Changes, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action="family.edit",
        summary=f"Dossier {family.name} modifié : "
        + ", ".join(_change_label(key) for key in changes),
        details={"changes": changes},
        family_id=family.id,
    )


_LABELS = {
    "name": "nom du foyer",
    "resident": "habitant de la commune",
    "insurance_valid_until": "assurance",
    "quotient": "quotient familial",
    "phones": "téléphones",
    "email": "e-mail",
    "address": "adresse",
    "school_code": "école",
    "school_class": "classe",
}


def _change_label(key: str) -> str:
    """« quotient familial », « responsable n° 1 : adresse », « enfant n° 4 : classe »."""
    parts = key.split(".")
    if len(parts) == 1:
        return _LABELS[key]
    who = "responsable" if parts[0] == "guardians" else "enfant"
    return f"{who} n° {parts[1]} : {_LABELS[parts[2]]}"


def contact_updated(
    family_id: int, guardian: Guardian, changes: Changes, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action="family.contact_update",
        summary=f"Coordonnées de {guardian.first_name} {guardian.last_name} modifiées",
        details={"changes": changes},
        family_id=family_id,
    )


def authorized_persons_changed(
    family_id: int,
    before: Sequence[AuthorizedPerson],
    after: Sequence[AuthorizedPerson],
    actor: Actor,
    now: pendulum.DateTime,
    *,
    added: AuthorizedPerson | None,
) -> AuditEvent:
    """One person ``added``, or (None) one removed."""
    return AuditEvent(
        at=now,
        actor=actor,
        action="family.authorized_persons",
        summary=f"Personne autorisée ajoutée : {added.full_name}"
        if added
        else "Personne autorisée retirée",
        details={
            "changes": {
                "authorized_persons": [
                    ", ".join(p.full_name for p in before),
                    ", ".join(p.full_name for p in after),
                ]
            }
        },
        family_id=family_id,
    )


def health_read(
    family: Family, children: Sequence[Child], actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action="child.health_read",
        summary="Informations de santé consultées : "
        + ", ".join(child.first_name for child in children),
        details={"children": [child.id for child in children]},
        family_id=family.id,
    )


def health_updated(
    family_id: int, child: Child, change: HealthChange, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action="child.health_update",
        summary=f"Santé et autorisations de {child.first_name} modifiées",
        details={"health_fields_changed": change.health_fields, "changes": change.authorizations},
        family_id=family_id,
    )


def document_added(
    family: Family,
    document: SupportingDocument,
    stored: StoredDocument,
    actor: Actor,
    now: pendulum.DateTime,
) -> AuditEvent:
    valid_until = document.valid_until
    return AuditEvent(
        at=now,
        actor=actor,
        action="document.add",
        summary=f"Pièce ajoutée au dossier {family.name} : {document.kind.label}",
        family_id=family.id,
        details={
            "kind": document.kind.value,
            "size": stored.size,
            "format": stored.format.value,
            "valid_until": valid_until.isoformat() if valid_until else None,
        },
    )


def document_read(
    family: Family, document: SupportingDocument, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    """A person opened a document of the dossier (personal data, health data for some)."""
    return AuditEvent(
        at=now,
        actor=actor,
        action="document.read",
        summary=f"Pièce consultée : {document.kind.label} (reçue le {_day(document)})",
        details={"kind": document.kind.value, "file_id": document.file_id},
        family_id=family.id,
    )


def _day(document: SupportingDocument) -> str:
    return numeric_day_fr(as_paris(document.uploaded_at).date())


def documents_purged(
    unfinished: int, unreferenced: int, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    """Files no dossier or absence refers to were deleted (interrupted uploads)."""
    return AuditEvent(
        at=now,
        actor=actor,
        action="document.purge",
        summary=(
            f"Fichiers orphelins supprimés : {unfinished} envoi(s) interrompu(s), "
            f"{unreferenced} fichier(s) non référencé(s)"
        ),
        details={"unfinished": unfinished, "unreferenced": unreferenced},
    )


def _pai_only(change: ChangeRequest) -> dict[str, Any]:
    """What the trail keeps of a PAI change: the child, never the values (health data)."""
    return {"kind": change.kind.value, "child_id": change.child_id, "health_fields": ["pai"]}


def change_requested(change: ChangeRequest, actor: Actor, now: pendulum.DateTime) -> AuditEvent:
    if change.kind is ChangeKind.PAI:
        summary, details = f"Changement demandé : {change.subject}", _pai_only(change)
    else:
        summary = f"Changement {change.kind.of_label} demandé : {change.describe()}"
        details = {"kind": change.kind.value, "proposed": change.proposed}
    return AuditEvent(
        at=now,
        actor=actor,
        action="change.request",
        summary=summary,
        details=details,
        family_id=change.family_id,
    )


def change_approved(
    change: ChangeRequest, before: str, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    """``before``: the address or quotient the change replaced, as text (a PAI's is not
    kept)."""
    if change.kind is ChangeKind.PAI:
        summary, details = f"Changement validé : {change.subject}", _pai_only(change)
    else:
        summary = f"Changement {change.kind.of_label} validé : {change.describe()}"
        details = {"changes": {change.kind.value: [before, change.describe()]}}
    return AuditEvent(
        at=now,
        actor=actor,
        action="change.approve",
        summary=summary,
        details=details,
        family_id=change.family_id,
    )


def change_rejected(change: ChangeRequest, actor: Actor, now: pendulum.DateTime) -> AuditEvent:
    what = change.subject if change.kind is ChangeKind.PAI else change.kind.of_label
    return AuditEvent(
        at=now,
        actor=actor,
        action="change.reject",
        summary=(
            f"Changement refusé ({what}) : {change.reason}"
            if change.kind is ChangeKind.PAI
            else f"Changement {what} refusé : {change.reason}"
        ),
        details=(
            _pai_only(change) if change.kind is ChangeKind.PAI else {"proposed": change.proposed}
        ),
        family_id=change.family_id,
    )


def regulation_accepted(
    family_id: int,
    establishment: Establishment,
    versions: tuple[str, str],
    actor: Actor,
    now: pendulum.DateTime,
) -> AuditEvent:
    """``versions``: the one accepted before ("" if none) and the one accepted now."""
    return AuditEvent(
        at=now,
        actor=actor,
        action="regulation.accept",
        summary=(
            f"Règlement intérieur de « {establishment.name} » accepté (version {versions[1]})"
        ),
        details={"establishment": establishment.code, "version": list(versions)},
        family_id=family_id,
    )


def family_erased(
    family_id: int, documents: int, account: bool, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action="family.erase",
        summary=f"Dossier n° {family_id} effacé à la demande de la famille",
        details={"documents": documents, "account": account},
        family_id=family_id,
    )
