"""The desk publishes a new version of an establishment's règlement intérieur (a PDF), and each
family concerned is e-mailed in the same transaction (through the outbox)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.regulations import (
    RegulationVersion,
    check_establishment,
    establishments_used_by,
)
from portail_core.errors import Conflict, RuleViolation
from portail_core.ports.clock import Clock
from portail_core.ports.regulations import RegulationFiles
from portail_core.services.bookings.context import recipient_of
from portail_core.services.regulations import notices

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["PublishedRegulation", "RegulationUpload", "publish_regulation", "regulations_url"]


@frozen
class RegulationUpload:
    """The PDF as received: its bytes (5 MB at most are read) and the name the sender gave."""

    data: bytes
    filename: str


@frozen
class PublishedRegulation:
    version: RegulationVersion
    establishment_name: str
    families_told: int


def regulations_url(public_url: str) -> str:
    """The page where families read and accept the règlements."""
    return f"{public_url}/informations/reglements"


def publish_regulation(
    uow: UnitOfWork,
    files: RegulationFiles,
    clock: Clock,
    *,
    establishment_code: str,
    upload: RegulationUpload,
    version: str,
    effective_from: date | str,
    deadline: date | str | None,
    title: str | None,
    actor: Actor,
    public_url: str,
) -> PublishedRegulation:
    """Store the PDF (checked by its content), record the version, e-mail each family whose
    children may use the establishment and did not accept this version already; nothing is
    kept (the file neither) when anything is refused."""
    now = clock.now()
    stored = files.save(upload.data, upload.filename)
    try:
        with uow:
            establishment = check_establishment(uow.catalogue.get(), establishment_code)
            regulation = RegulationVersion.create(
                establishment_code=establishment.code,
                version=version,
                title=title or f"Règlement intérieur – {establishment.name}",
                effective_from=effective_from,
                deadline=deadline,
                document=stored,
                published_at=now,
                published_by=actor.identifier,
            )
            _check_new(uow, establishment, regulation)
            regulation = uow.regulations.add(regulation)
            told = _tell_families(uow, regulation, establishment, public_url, now)
            uow.audit.record(
                notices.regulation_published(regulation, establishment, told, actor, now)
            )
            uow.commit()
    except BaseException:
        files.discard(stored.file_id)
        raise
    return PublishedRegulation(regulation, establishment.name, told)


def _check_new(
    uow: UnitOfWork, establishment: Establishment, regulation: RegulationVersion
) -> None:
    """A version number is published once; versions take effect in the order published."""
    if uow.regulations.get(establishment.code, regulation.version) is not None:
        raise Conflict(
            f"La version {regulation.version} du règlement de « {establishment.name} » est déjà "
            "publiée : une version publiée ne change plus, publiez-en une nouvelle."
        )
    later = [
        v
        for v in uow.regulations.listing(establishment.code)
        if v.effective_from > regulation.effective_from
    ]
    if later:
        raise RuleViolation(
            f"La version {later[-1].version} de « {establishment.name} » entre en vigueur après "
            "cette date : une nouvelle version ne peut entrer en vigueur avant elle."
        )


def _tell_families(
    uow: UnitOfWork,
    regulation: RegulationVersion,
    establishment: Establishment,
    public_url: str,
    now: pendulum.DateTime,
) -> int:
    """E-mail each family concerned (children who may use the establishment, the version not
    accepted yet, an address to write to); how many."""
    catalogue, commune = uow.catalogue.get(), uow.communes.get()
    commune_name = commune.name if commune is not None else ""
    told = 0
    for family in uow.families.each():
        if family.has_accepted(establishment.code, regulation.version):
            continue
        used = {e.code for e in establishments_used_by(family, catalogue)}
        if establishment.code not in used:
            continue
        to = recipient_of(uow, family)
        if to is None or family.id is None:
            continue
        uow.outbox.add(
            notices.regulation_published_email(
                regulation,
                establishment,
                to=to,
                family_id=family.id,
                family_name=family.name,
                commune_name=commune_name,
                url=regulations_url(public_url),
                now=now,
            )
        )
        told += 1
    return told
