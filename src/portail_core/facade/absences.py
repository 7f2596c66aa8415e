"""The absences' use cases, ports bound."""

from __future__ import annotations

from datetime import date

from attrs import frozen

from portail_core.domain.absences import AbsenceReason
from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.documents import DocumentFormat
from portail_core.facade.ports import Ports
from portail_core.services.absences.common import Upload
from portail_core.services.absences.declaration import declare_absence
from portail_core.services.absences.justification import Justification, justify_absence
from portail_core.services.absences.listing import (
    AbsenceLine,
    absence_certificate,
    family_absences,
    list_absences,
)
from portail_core.services.absences.withdrawal import Withdrawal, withdraw_absence

__all__ = ["AbsenceUseCases"]


@frozen
class AbsenceUseCases:
    """Absences and illnesses signalled by families or the desk, justified by the desk
    (``portail.absences``)."""

    _ports: Ports

    def declare(
        self,
        *,
        family_id: int,
        child_id: int | str,
        first_day: date | str,
        last_day: date | str,
        reason: AbsenceReason | str,
        actor: Actor,
        certificate: Upload | None = None,
        justified: bool = False,
    ) -> AbsenceLine:
        """Signal an absence (with a medical certificate, or justified at once by the desk)."""
        ports = self._ports
        return declare_absence(
            ports.uow(),
            ports.documents,
            ports.clock,
            family_id=family_id,
            child_id=child_id,
            first_day=first_day,
            last_day=last_day,
            reason=reason,
            certificate=certificate,
            justified=justified,
            actor=actor,
        )

    def justify(
        self,
        *,
        absence_id: int,
        actor: Actor,
        justified: bool = True,
        certificate: Upload | None = None,
    ) -> Justification:
        """The desk justifies an absence (or takes it back with ``justified=False``)."""
        ports = self._ports
        return justify_absence(
            ports.uow(),
            ports.documents,
            ports.clock,
            absence_id=absence_id,
            justified=justified,
            certificate=certificate,
            actor=actor,
        )

    def withdraw(self, *, family_id: int | None, absence_id: int, actor: Actor) -> Withdrawal:
        """Withdraw an absence signalled by mistake (``family_id`` None: the desk)."""
        ports = self._ports
        return withdraw_absence(
            ports.uow(),
            ports.documents,
            ports.clock,
            family_id=family_id,
            absence_id=absence_id,
            actor=actor,
        )

    def listing(
        self,
        *,
        first: date,
        last: date,
        family_id: int | None = None,
        unjustified_only: bool = False,
    ) -> list[AbsenceLine]:
        return list_absences(
            self._ports.uow(read_only=True),
            first=first,
            last=last,
            family_id=family_id,
            unjustified_only=unjustified_only,
        )

    def of_family(self, family_id: int) -> list[AbsenceLine]:
        """The family's absences, as its page lists them."""
        return family_absences(self._ports.uow(read_only=True), family_id)

    def certificate(
        self, *, absence_id: int, actor: Actor, family_id: int | None = None
    ) -> tuple[AbsenceLine, bytes, DocumentFormat | None]:
        """An absence's medical certificate (the read is audited like health information)."""
        ports = self._ports
        return absence_certificate(
            ports.uow(),
            ports.documents,
            ports.clock,
            absence_id=absence_id,
            actor=actor,
            family_id=family_id,
        )
