"""SMA pre-registrations' use cases, ports bound (``portail.sma``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.sma import SmaRequest, SmaSettings
from portail_core.facade.ports import Ports
from portail_core.services.sma.common import RequestLine, settings_of, sma_establishments
from portail_core.services.sma.desk import (
    Commission,
    commission,
    expire_offers,
    make_offer,
    purge_unconfirmed,
    remind_unconfirmed,
)
from portail_core.services.sma.family import (
    answer_offer,
    confirm_request,
    family_requests,
    request_place,
)

__all__ = ["SmaUseCases"]


@frozen
class SmaUseCases:
    """Pre-registrations at the SMA: the family's requests, the commission, the offers."""

    _ports: Ports

    def establishments(self) -> list[Establishment]:
        """The commune's SMA structures (none: nothing about the SMA is shown to families)."""
        with self._ports.uow(read_only=True) as uow:
            return sma_establishments(uow.catalogue.get())

    def settings(self) -> SmaSettings:
        with self._ports.uow(read_only=True) as uow:
            return settings_of(uow)

    def request(
        self,
        *,
        family_id: int,
        child_id: int | None,
        start_date: date | str | None,
        hours: Mapping[str, tuple[str, str]],
        wishes: Iterable[str],
        actor: Actor,
        last_name: str = "",
        expected_birth_date: date | str | None = None,
    ) -> SmaRequest:
        ports = self._ports
        return request_place(
            ports.uow(),
            ports.clock,
            family_id=family_id,
            child_id=child_id,
            last_name=last_name,
            expected_birth_date=expected_birth_date,
            start_date=start_date,
            hours=hours,
            wishes=wishes,
            actor=actor,
        )

    def of_family(self, family_id: int) -> list[RequestLine]:
        return family_requests(self._ports.uow(read_only=True), family_id=family_id)

    def answer(
        self, *, family_id: int, request_id: int, accepted: bool, actor: Actor
    ) -> SmaRequest:
        ports = self._ports
        return answer_offer(
            ports.uow(),
            ports.clock,
            family_id=family_id,
            request_id=request_id,
            accepted=accepted,
            actor=actor,
        )

    def confirm(self, *, family_id: int, request_id: int, actor: Actor) -> SmaRequest:
        ports = self._ports
        return confirm_request(
            ports.uow(), ports.clock, family_id=family_id, request_id=request_id, actor=actor
        )

    def commission(self, *, day: date, establishment_code: str | None = None) -> Commission:
        return commission(
            self._ports.uow(read_only=True), day=day, establishment_code=establishment_code
        )

    def offer(
        self, request_id: int, *, establishment_code: str, start: date, deadline: date, actor: Actor
    ) -> SmaRequest:
        ports = self._ports
        return make_offer(
            ports.uow(),
            ports.clock,
            request_id=request_id,
            establishment_code=establishment_code,
            start=start,
            deadline=deadline,
            actor=actor,
        )

    def expire(self, *, actor: Actor) -> list[SmaRequest]:
        return expire_offers(self._ports.uow(), self._ports.clock, actor=actor)

    def remind(self, *, actor: Actor) -> list[SmaRequest]:
        return remind_unconfirmed(self._ports.uow(), self._ports.clock, actor=actor)

    def purge(self, *, actor: Actor) -> list[SmaRequest]:
        return purge_unconfirmed(self._ports.uow(), self._ports.clock, actor=actor)
