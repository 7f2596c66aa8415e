"""The bookings' use cases, ports bound."""

from __future__ import annotations

from datetime import date, timedelta

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.bookings.planning import Planning
from portail_core.domain.bookings.reservation import ReservationEvent, WaitingEntry
from portail_core.domain.bookings.selection import PlanningDraft, Selection, Summary
from portail_core.domain.catalogue.establishments import Establishment
from portail_core.facade.ports import Ports
from portail_core.services.bookings.choice import BookingChoices, booking_choices, booking_page
from portail_core.services.bookings.confirmation import Confirmation, confirm_planning
from portail_core.services.bookings.desk import DeskTarget, desk_target, forced_reason
from portail_core.services.bookings.desk_booking import book_at_desk
from portail_core.services.bookings.history import (
    DRAFT_RETENTION_DAYS,
    DraftPage,
    HistoryLine,
    child_history,
    draft_of_family,
    draft_page,
    family_history,
    purge_planning_drafts,
)
from portail_core.services.bookings.occupancy import (
    Occupancy,
    WaitingLine,
    occupancy,
    waiting_list_report,
)
from portail_core.services.bookings.pattern import (
    PatternForm,
    PatternRequest,
    book_pattern_at_desk,
    pattern_form,
    preview_pattern,
    validate_pattern,
)
from portail_core.services.bookings.planning import (
    ChildPlanning,
    bookable_establishments,
    show_child_planning,
    show_planning,
)
from portail_core.services.bookings.validation import Validation, validate_planning
from portail_core.services.bookings.waiting_list import (
    ProcessReport,
    accept_offer,
    leave_waiting_list,
    process_waiting_lists,
    waiting_entries,
)

__all__ = ["WAITING_HORIZON", "BookingUseCases"]

WAITING_HORIZON = timedelta(days=400)  # how far ahead a family's waiting-list entries are shown


@frozen
class BookingUseCases:
    """Reservations: the seed's seven steps, the desk's bookings, waiting lists, occupancy
    (``portail.bookings``)."""

    _ports: Ports

    def choices(self, family_id: int) -> BookingChoices:
        """Steps 2 to 4 on one screen: the children, the establishments, why a pair is refused."""
        return booking_choices(self._ports.uow(read_only=True), family_id)

    def page(self, family_id: int) -> BookingChoices:
        """The « Réservations » page: the choices, and the family's waiting-list entries (from
        today to ``WAITING_HORIZON``) with their position, read together."""
        today = self._ports.clock.today()
        return booking_page(
            self._ports.uow(read_only=True), family_id, today, today + WAITING_HORIZON
        )

    def establishments(self, family_id: int, child_id: int) -> list[Establishment]:
        """Step 3: where this child may be booked."""
        return bookable_establishments(self._ports.uow(read_only=True), family_id, child_id)

    def planning(
        self, *, family_id: int, child_id: int, establishment_code: str, first: date, last: date
    ) -> Planning:
        """Step 5: the grid of dates x units, each cell with its state and reason."""
        ports = self._ports
        return show_planning(
            ports.uow(read_only=True),
            ports.calendars,
            ports.clock,
            family_id=family_id,
            child_id=child_id,
            establishment_code=establishment_code,
            first=first,
            last=last,
        )

    def grid(
        self, *, family_id: int, child_id: int, establishment_code: str, first: date, last: date
    ) -> ChildPlanning:
        """Step 5's page: ``planning``, with the child it is for."""
        ports = self._ports
        return show_child_planning(
            ports.uow(read_only=True),
            ports.calendars,
            ports.clock,
            family_id=family_id,
            child_id=child_id,
            establishment_code=establishment_code,
            first=first,
            last=last,
        )

    def validate(
        self, *, family_id: int, child_id: int, establishment_code: str, selection: Selection
    ) -> Validation:
        """Step 5's « Valider le planning »: the summary, kept as a draft to confirm."""
        ports = self._ports
        return validate_planning(
            ports.uow(),
            ports.calendars,
            ports.clock,
            family_id=family_id,
            child_id=child_id,
            establishment_code=establishment_code,
            selection=selection,
        )

    def confirm(self, *, family_id: int, token: str, actor: Actor) -> Confirmation:
        """Step 6's « Confirmer la réservation », in one transaction; twice books once."""
        ports = self._ports
        return confirm_planning(
            ports.uow(), ports.calendars, ports.clock, family_id=family_id, token=token, actor=actor
        )

    def draft(self, *, family_id: int, token: str) -> PlanningDraft:
        """A summary this family validated."""
        return draft_of_family(self._ports.uow(read_only=True), family_id=family_id, token=token)

    def draft_page(self, *, family_id: int, token: str) -> DraftPage:
        """A summary this family validated, or its confirmation, with the child it is for."""
        return draft_page(self._ports.uow(read_only=True), family_id=family_id, token=token)

    def history(self, *, family_id: int, child_id: int, limit: int = 500) -> list[ReservationEvent]:
        """The child's whole reservation history, most recent first (with the reasons the desk
        gave to lift a deadline: for staff, not for the family)."""
        return child_history(
            self._ports.uow(read_only=True), family_id=family_id, child_id=child_id, limit=limit
        )

    def family_history(
        self, *, family_id: int, child_id: int, limit: int = 500
    ) -> list[HistoryLine]:
        """The child's reservation history as the family's portal shows it: names, not codes;
        a deadline lifted by the desk, not the agent's reason."""
        return family_history(
            self._ports.uow(read_only=True), family_id=family_id, child_id=child_id, limit=limit
        )

    def purge_drafts(self, *, days: int = DRAFT_RETENTION_DAYS) -> int:
        """Delete planning summaries older than ``days``; how many."""
        return purge_planning_drafts(self._ports.uow(), self._ports.clock, days=days)

    @staticmethod
    def forced_reason(text: str) -> str:
        """Why the desk forces a change past a deadline, checked and cleaned: one readable line
        of 5 to 300 characters (it goes to the history and the audit trail)."""
        return forced_reason(text)

    def desk_target(
        self,
        *,
        family_id: int,
        child_id: int,
        establishment_code: str,
        unit_codes: tuple[str, ...],
    ) -> DeskTarget:
        """Whom and where the desk is about to book, checked and named."""
        return desk_target(
            self._ports.uow(read_only=True),
            family_id=family_id,
            child_id=child_id,
            establishment_code=establishment_code,
            unit_codes=unit_codes,
        )

    def book_at_desk(
        self,
        *,
        family_id: int,
        child_id: int,
        establishment_code: str,
        selection: Selection,
        actor: Actor,
        forced_reason: str | None = None,
    ) -> Confirmation:
        """The desk books or cancels for a family; past a deadline only with a reason."""
        ports = self._ports
        return book_at_desk(
            ports.uow(),
            ports.calendars,
            ports.clock,
            family_id=family_id,
            child_id=child_id,
            establishment_code=establishment_code,
            selection=selection,
            actor=actor,
            forced_reason=forced_reason,
        )

    def pattern_form(
        self, *, family_id: int, child_id: int, establishment_code: str
    ) -> PatternForm:
        """« Semaine type »: the weekdays and the units open on each, for the form."""
        ports = self._ports
        return pattern_form(
            ports.uow(read_only=True),
            ports.calendars,
            ports.clock,
            family_id=family_id,
            child_id=child_id,
            establishment_code=establishment_code,
        )

    def validate_pattern(
        self, *, family_id: int, child_id: int, establishment_code: str, asked: PatternRequest
    ) -> Validation:
        """« Semaine type »: the weekly pattern's summary, a draft step 6 confirms."""
        ports = self._ports
        return validate_pattern(
            ports.uow(),
            ports.calendars,
            ports.clock,
            family_id=family_id,
            child_id=child_id,
            establishment_code=establishment_code,
            asked=asked,
        )

    def preview_pattern(
        self,
        *,
        family_id: int,
        child_id: int,
        establishment_code: str,
        asked: PatternRequest,
        forced: bool = False,
    ) -> Summary:
        """What the desk would book with a weekly pattern; nothing is written."""
        ports = self._ports
        return preview_pattern(
            ports.uow(read_only=True),
            ports.calendars,
            ports.clock,
            family_id=family_id,
            child_id=child_id,
            establishment_code=establishment_code,
            asked=asked,
            forced=forced,
        )

    def book_pattern_at_desk(
        self,
        *,
        family_id: int,
        child_id: int,
        establishment_code: str,
        asked: PatternRequest,
        actor: Actor,
        forced_reason: str | None = None,
    ) -> Confirmation:
        """The desk books a weekly pattern for a family, in one step."""
        ports = self._ports
        return book_pattern_at_desk(
            ports.uow(),
            ports.calendars,
            ports.clock,
            family_id=family_id,
            child_id=child_id,
            establishment_code=establishment_code,
            asked=asked,
            actor=actor,
            forced_reason=forced_reason,
        )

    def waiting_entries(
        self,
        *,
        family_id: int | None = None,
        establishment_code: str | None = None,
        first: date | None = None,
        last: date | None = None,
    ) -> list[tuple[WaitingEntry, int]]:
        """Active waiting-list entries with their position, from today to ``WAITING_HORIZON``
        unless dates are given."""
        start = first or self._ports.clock.today()
        return waiting_entries(
            self._ports.uow(read_only=True),
            establishment_code=establishment_code,
            first=start,
            last=last or start + WAITING_HORIZON,
            family_id=family_id,
        )

    def accept_offer(self, *, family_id: int, entry_id: int, actor: Actor) -> str:
        """Take the place offered; returns the confirmation number."""
        return accept_offer(
            self._ports.uow(),
            self._ports.clock,
            family_id=family_id,
            entry_id=entry_id,
            actor=actor,
        )

    def leave_waiting_list(self, *, family_id: int, entry_id: int, actor: Actor) -> None:
        ports = self._ports
        leave_waiting_list(
            ports.uow(),
            ports.calendars,
            ports.clock,
            family_id=family_id,
            entry_id=entry_id,
            actor=actor,
        )

    def process_waiting_lists(self) -> ProcessReport:
        """Expire the offers that ran out and give the places freed to the next in line."""
        ports = self._ports
        return process_waiting_lists(ports.uow(), ports.calendars, ports.clock)

    def occupancy(self, *, establishment_code: str, month: date) -> Occupancy:
        """How full each unit of an establishment is, day by day, over a month."""
        ports = self._ports
        return occupancy(
            ports.uow(read_only=True),
            ports.calendars,
            ports.clock,
            establishment_code=establishment_code,
            month=month,
        )

    def waiting_list_report(
        self, *, establishment_code: str | None, first: date, last: date
    ) -> list[WaitingLine]:
        """Who waits for a place, in order, between two dates."""
        return waiting_list_report(
            self._ports.uow(read_only=True),
            establishment_code=establishment_code,
            first=first,
            last=last,
        )
