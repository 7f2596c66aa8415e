"""The school pre-registrations' use cases, ports bound (``portail.preregistrations``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.facade.ports import Ports
from portail_core.services.absences.common import Upload
from portail_core.services.preregistrations.common import PreregistrationLine
from portail_core.services.preregistrations.decisions import (
    accept_preregistration,
    examine_preregistration,
    hold_preregistration,
    refuse_preregistration,
)
from portail_core.services.preregistrations.reading import (
    PreregistrationForm,
    family_preregistrations,
    list_preregistrations,
    preregistration_form,
    show_preregistration,
)
from portail_core.services.preregistrations.submission import submit_preregistration

__all__ = ["PreregistrationUseCases"]


@frozen
class PreregistrationUseCases:
    """School pre-registrations: submitted by families, decided by the guichet unique."""

    _ports: Ports
    _public_url: str

    def form(self, family_id: int) -> PreregistrationForm:
        """What the family's form offers (``open`` False: the commune offers none online)."""
        ports = self._ports
        return preregistration_form(ports.uow(read_only=True), ports.clock, family_id)

    def of_family(self, family_id: int) -> list[PreregistrationLine]:
        return family_preregistrations(self._ports.uow(read_only=True), family_id)

    def submit(
        self,
        *,
        family_id: int,
        child: int | str,
        school_year: str,
        documents: Mapping[str, Upload | None],
        actor: Actor,
        first_name: str = "",
        last_name: str = "",
        birth_date: date | str = "",
        level: str = "",
        level_reason: str = "",
        school: str = "",
        derogation_reason: str = "",
    ) -> PreregistrationLine:
        """A new request (``child``: a child's number or ``"nouveau"``); see the service."""
        ports = self._ports
        return submit_preregistration(
            ports.uow(),
            ports.clock,
            ports.documents,
            family_id=family_id,
            child=child,
            school_year=school_year,
            documents=documents,
            actor=actor,
            public_url=self._public_url,
            first_name=first_name,
            last_name=last_name,
            birth_date=birth_date,
            level=level,
            level_reason=level_reason,
            school=school,
            derogation_reason=derogation_reason,
        )

    def listing(
        self,
        *,
        school: str | None = None,
        level: str | None = None,
        state: str | None = None,
        school_year: str | None = None,
    ) -> list[PreregistrationLine]:
        return list_preregistrations(
            self._ports.uow(read_only=True),
            school=school,
            level=level,
            state=state,
            school_year=school_year,
        )

    def show(self, request_id: int) -> PreregistrationLine:
        return show_preregistration(self._ports.uow(read_only=True), request_id)

    def examine(self, request_id: int, *, actor: Actor) -> PreregistrationLine:
        ports = self._ports
        return examine_preregistration(
            ports.uow(), ports.clock, request_id, actor=actor, public_url=self._public_url
        )

    def accept(
        self,
        request_id: int,
        *,
        actor: Actor,
        school: str | None = None,
        school_class: str | None = None,
    ) -> PreregistrationLine:
        """The desk's act: the child (joining the dossier if new) gets its school and class."""
        ports = self._ports
        return accept_preregistration(
            ports.uow(),
            ports.clock,
            request_id,
            actor=actor,
            public_url=self._public_url,
            school=school,
            school_class=school_class,
        )

    def refuse(self, request_id: int, *, reason: str, actor: Actor) -> PreregistrationLine:
        ports = self._ports
        return refuse_preregistration(
            ports.uow(),
            ports.clock,
            request_id,
            reason=reason,
            actor=actor,
            public_url=self._public_url,
        )

    def wait(self, request_id: int, *, reason: str, actor: Actor) -> PreregistrationLine:
        ports = self._ports
        return hold_preregistration(
            ports.uow(),
            ports.clock,
            request_id,
            reason=reason,
            actor=actor,
            public_url=self._public_url,
        )
