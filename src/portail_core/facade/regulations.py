"""The regulations' use cases, ports bound."""

from __future__ import annotations

from datetime import date

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.regulations import RegulationVersion
from portail_core.facade.ports import Ports
from portail_core.services.dossiers.regulations import Acceptance, accept_regulation
from portail_core.services.regulations.publishing import (
    PublishedRegulation,
    RegulationUpload,
    publish_regulation,
)
from portail_core.services.regulations.reading import (
    EstablishmentRegulation,
    RegulationDetails,
    RegulationLine,
    list_regulations,
    regulation_document,
    regulations_for,
    show_regulation,
)

__all__ = ["RegulationUseCases"]


@frozen
class RegulationUseCases:
    """The règlements intérieurs: published by the desk, read and accepted by families
    (``portail.regulations``)."""

    _ports: Ports
    _public_url: str

    def publish(
        self,
        *,
        establishment_code: str,
        upload: RegulationUpload,
        version: str,
        effective_from: date | str,
        actor: Actor,
        deadline: date | str | None = None,
        title: str | None = None,
    ) -> PublishedRegulation:
        """A new version (a PDF) from ``effective_from``; the accepted one still counts for
        bookings until ``deadline``; each family concerned is e-mailed."""
        ports = self._ports
        return publish_regulation(
            ports.uow(),
            ports.regulation_files,
            ports.clock,
            establishment_code=establishment_code,
            upload=upload,
            version=version,
            effective_from=effective_from,
            deadline=deadline,
            title=title,
            actor=actor,
            public_url=self._public_url,
        )

    def listing(self, establishment_code: str | None = None) -> list[RegulationLine]:
        """Every published version (of one establishment), with its status today."""
        ports = self._ports
        return list_regulations(
            ports.uow(read_only=True), ports.clock, establishment_code=establishment_code
        )

    def show(self, establishment_code: str, version: str) -> RegulationDetails:
        """One version, with how many families concerned accepted it."""
        ports = self._ports
        return show_regulation(
            ports.uow(read_only=True),
            ports.clock,
            establishment_code=establishment_code,
            version=version,
        )

    def for_family(self, family_id: int | None) -> list[EstablishmentRegulation]:
        """The published règlements as the family (None: anyone) sees them."""
        return regulations_for(self._ports.uow(read_only=True), self._ports.clock, family_id)

    def due(self, family_id: int) -> list[EstablishmentRegulation]:
        """The règlements the family is asked to accept online (for a notice)."""
        return [r for r in self.for_family(family_id) if r.to_accept is not None]

    def any_published(self) -> bool:
        """Whether the commune publishes any règlement (else the pages say nothing of them)."""
        return bool(self.for_family(None))

    def document(self, establishment_code: str, version: str) -> tuple[RegulationVersion, bytes]:
        """A published version and its PDF."""
        ports = self._ports
        return regulation_document(
            ports.uow(read_only=True),
            ports.regulation_files,
            establishment_code=establishment_code,
            version=version,
        )

    def accept(
        self, *, family_id: int, establishment_code: str, version: str, actor: Actor
    ) -> Acceptance:
        """The family accepts online the published version it read (once, audited)."""
        ports = self._ports
        return accept_regulation(
            ports.uow(),
            ports.clock,
            family_id=family_id,
            establishment_code=establishment_code,
            actor=actor,
            version=version,
            online=True,
        )
