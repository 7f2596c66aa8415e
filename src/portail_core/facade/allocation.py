"""Fair allocation's use cases, ports bound (``portail.allocation``)."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

from portail_core.domain.allocation import Campaign
from portail_core.domain.audit import Actor
from portail_core.domain.bookings.reservation import Slot
from portail_core.facade.ports import Ports
from portail_core.services.allocation.desk import (
    campaign_status,
    draw_campaign,
    list_campaigns,
    open_campaign,
)
from portail_core.services.allocation.family import (
    campaigns_for,
    request_form,
    results_for,
    submit_requests,
)
from portail_core.services.allocation.publish import publish_campaign
from portail_core.services.allocation.views import (
    CampaignStatus,
    DrawReport,
    FamilyCampaign,
    PublishReport,
    RequestForm,
    RequestOutcome,
)

__all__ = ["AllocationUseCases"]


@frozen
class AllocationUseCases:
    """Oversubscribed periods allocated by a reproducible draw: the families' requests in a
    window, the commune's priority classes, a seeded lottery inside each, the results.
    ``_public_url``: the portal's address, for the results' link e-mailed to each family."""

    _ports: Ports
    _public_url: str = ""

    def campaigns_for(self, family_id: int) -> list[FamilyCampaign]:
        """The campaigns the family may see (open, announced soon, or asked in)."""
        return campaigns_for(self._ports.uow(read_only=True), self._ports.clock, family_id)

    def request_form(self, family_id: int, campaign_code: str, child_id: int) -> RequestForm:
        ports = self._ports
        return request_form(
            ports.uow(read_only=True),
            ports.calendars,
            ports.clock,
            family_id=family_id,
            campaign_code=campaign_code,
            child_id=child_id,
        )

    def submit(
        self,
        family_id: int,
        campaign_code: str,
        child_id: int,
        wanted: Sequence[Slot],
        actor: Actor,
    ) -> None:
        """The child's requests become ``wanted``, the preferred first (empty: withdrawn)."""
        ports = self._ports
        submit_requests(
            ports.uow(),
            ports.calendars,
            ports.clock,
            family_id=family_id,
            campaign_code=campaign_code,
            child_id=child_id,
            wanted=wanted,
            actor=actor,
        )

    def results_for(self, family_id: int, campaign_code: str) -> list[RequestOutcome]:
        """Each request's outcome and why, once published (before: empty)."""
        return results_for(
            self._ports.uow(read_only=True),
            self._ports.clock,
            family_id=family_id,
            campaign_code=campaign_code,
        )

    def campaigns(self) -> list[CampaignStatus]:
        """Every campaign (staff), requests not counted."""
        return list_campaigns(self._ports.uow(read_only=True), self._ports.clock)

    def open(self, code: str, *, actor: Actor | None = None) -> Campaign:
        return open_campaign(
            self._ports.uow(), self._ports.clock, code=code, actor=actor or _SYSTEM
        )

    def status(self, code: str) -> CampaignStatus:
        ports = self._ports
        return campaign_status(ports.uow(read_only=True), ports.calendars, ports.clock, code=code)

    def draw(self, code: str, *, dry_run: bool, actor: Actor | None = None) -> DrawReport:
        ports = self._ports
        uow = ports.uow(read_only=dry_run)
        return draw_campaign(
            uow, ports.calendars, ports.clock, code=code, dry_run=dry_run, actor=actor or _SYSTEM
        )

    def publish(self, code: str, *, actor: Actor | None = None) -> PublishReport:
        ports = self._ports
        return publish_campaign(
            ports.uow(),
            ports.calendars,
            ports.clock,
            code=code,
            actor=actor or _SYSTEM,
            public_url=self._public_url,
        )


_SYSTEM = Actor.system("portail")
