"""An in-memory unit of work with the same promises as the database one.

The committed state lives in an ``InMemoryStore``; a unit of work works on a deep copy of it and
publishes the copy only on ``commit()``, so leaving without committing loses everything, exactly
as a rolled-back transaction would. Repositories hand out and keep copies, so a change to an
object read from them counts only once written back, as with the database. Units of work on one
store are serialised by a lock, like writers on SQLite.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from types import TracebackType
from typing import Self

import attrs
import pendulum
from attrs import define, field

from adapters.memory.billing import (
    BillingState,
    InMemoryAbsenceRepository,
    InMemoryAttendanceRepository,
    InMemoryInvoiceRepository,
    InMemoryPaymentRepository,
)
from adapters.memory.reservations import (
    BookingState,
    InMemoryPlanningDraftRepository,
    InMemoryReservationRepository,
    InMemoryWaitingListRepository,
)
from portail_core.domain.accounts.account import Account, OneTimeToken, TokenPurpose
from portail_core.domain.accounts.session import PortalSession
from portail_core.domain.accounts.throttle import LoginThrottle
from portail_core.domain.audit import AuditEvent
from portail_core.domain.catalogue.establishments import Catalogue, Establishment
from portail_core.domain.catalogue.school_calendar import SchoolCalendar
from portail_core.domain.communes import Commune
from portail_core.domain.dossiers.changes import ChangeRequest, ChangeStatus
from portail_core.domain.dossiers.family import Family
from portail_core.domain.messaging import OutgoingEmail
from portail_core.errors import Conflict

__all__ = [
    "InMemoryAccountRepository",
    "InMemoryAuditTrail",
    "InMemoryCatalogueRepository",
    "InMemoryChangeRequestRepository",
    "InMemoryCommuneRepository",
    "InMemoryFamilyRepository",
    "InMemoryOutbox",
    "InMemorySchoolCalendarRepository",
    "InMemorySessionRepository",
    "InMemoryStore",
    "InMemoryThrottleRepository",
    "InMemoryTokenRepository",
    "InMemoryUnitOfWork",
]

THE_COMMUNE_ID = 1


@define
class _State:
    commune: Commune | None = None
    catalogue: Catalogue = field(factory=lambda: Catalogue((), ()))
    archived: dict[str, Establishment] = field(factory=dict)
    establishment_ids: dict[str, int] = field(factory=dict)
    school_calendar: SchoolCalendar = field(factory=SchoolCalendar)
    audit_events: list[AuditEvent] = field(factory=list)
    outbox: list[OutgoingEmail] = field(factory=list)
    families: dict[int, Family] = field(factory=dict)
    next_child_id: int = 1
    accounts: dict[int, Account] = field(factory=dict)
    tokens: dict[int, OneTimeToken] = field(factory=dict)
    sessions: dict[str, PortalSession] = field(factory=dict)
    throttles: dict[str, LoginThrottle] = field(factory=dict)
    changes: dict[int, ChangeRequest] = field(factory=dict)
    bookings: BookingState = field(factory=BookingState)
    billing: BillingState = field(factory=BillingState)


@define
class InMemoryStore:
    """The committed data shared by the in-memory units of work of one test or demo."""

    state: _State = field(factory=_State)
    lock: threading.RLock = field(factory=threading.RLock)


class InMemoryCommuneRepository:
    def __init__(self, state: _State) -> None:
        self._state = state

    def get(self) -> Commune | None:
        return copy.deepcopy(self._state.commune)

    def add(self, commune: Commune) -> None:
        if self._state.commune is not None:
            raise Conflict("Ce portail a déjà une commune.")
        commune.id = THE_COMMUNE_ID
        self._state.commune = copy.deepcopy(commune)

    def update(self, commune: Commune) -> None:
        if self._state.commune is None or commune.id != THE_COMMUNE_ID:
            raise LookupError(f"commune {commune.id} was never added")
        self._state.commune = copy.deepcopy(commune)


class InMemoryCatalogueRepository:
    def __init__(self, state: _State) -> None:
        self._state = state

    def get(self) -> Catalogue:
        return copy.deepcopy(self._state.catalogue)

    def replace(self, catalogue: Catalogue) -> None:
        ids = self._state.establishment_ids
        kept = copy.deepcopy(catalogue)
        for establishment in kept.establishments:
            establishment.id = ids.setdefault(establishment.code, len(ids) + 1)
        listed = {e.code for e in kept.establishments}
        for gone in self._state.catalogue.establishments:
            if gone.code not in listed:
                self._state.archived[gone.code] = gone
        self._state.catalogue = kept


class InMemorySchoolCalendarRepository:
    def __init__(self, state: _State) -> None:
        self._state = state

    def imported(self) -> SchoolCalendar:
        return self._state.school_calendar

    def replace_years(self, calendar: SchoolCalendar) -> None:
        self._state.school_calendar = self._state.school_calendar.overlaid_with(calendar)


class InMemoryAuditTrail:
    def __init__(self, state: _State) -> None:
        self._state = state

    def record(self, event: AuditEvent) -> None:
        self._state.audit_events.append(event)

    def latest(self, limit: int) -> list[AuditEvent]:
        return list(reversed(self._state.audit_events))[:limit]

    def of_family(self, family_id: int, limit: int) -> list[AuditEvent]:
        mine = [e for e in self._state.audit_events if e.family_id == family_id]
        return list(reversed(mine))[:limit]

    def redact_family(self, family_id: int) -> int:
        redacted = 0
        for index, event in enumerate(self._state.audit_events):
            if event.family_id == family_id:
                self._state.audit_events[index] = attrs.evolve(
                    event, summary="[effacé à la demande de la famille]", details={}
                )
                redacted += 1
        return redacted


class InMemoryOutbox:
    def __init__(self, state: _State) -> None:
        self._state = state

    def add(self, message: OutgoingEmail) -> None:
        message.id = len(self._state.outbox) + 1
        self._state.outbox.append(copy.deepcopy(message))

    def claim_due(self, now: pendulum.DateTime, limit: int) -> list[OutgoingEmail]:
        due = [m for m in self._state.outbox if m.is_due(now)][:limit]
        for message in due:
            message.claim(now)
        return copy.deepcopy(due)

    def save(self, message: OutgoingEmail) -> None:
        index = next(i for i, m in enumerate(self._state.outbox) if m.id == message.id)
        self._state.outbox[index] = copy.deepcopy(message)

    def listing(self, limit: int) -> list[OutgoingEmail]:
        return copy.deepcopy(list(reversed(self._state.outbox))[:limit])


class InMemoryFamilyRepository:
    def __init__(self, state: _State) -> None:
        self._state = state

    def add(self, family: Family, now: pendulum.DateTime) -> None:
        family.id = len(self._state.families) + 1
        self.update(family, now)

    def get(self, family_id: int, *, for_update: bool = False) -> Family | None:
        # for_update: units of work on the store are serialised already (its lock)
        return copy.deepcopy(self._state.families.get(family_id))

    def update(self, family: Family, now: pendulum.DateTime) -> None:
        for child in family.children:
            if child.id is None:
                child.id = self._state.next_child_id
                self._state.next_child_id += 1
        assert family.id is not None  # noqa: S101  (a twin for tests: misuse should fail loudly)
        self._state.families[family.id] = copy.deepcopy(family)

    def listing(self) -> list[Family]:
        return copy.deepcopy(sorted(self._state.families.values(), key=lambda f: (f.name, f.id)))

    def each(self, batch: int = 500) -> Iterator[Family]:
        if batch < 1:
            raise ValueError("batch must be positive")
        for family_id in sorted(self._state.families):
            family = self._state.families.get(family_id)
            if family is not None:
                yield copy.deepcopy(family)

    def count(self) -> int:
        return len(self._state.families)


class InMemoryAccountRepository:
    def __init__(self, state: _State) -> None:
        self._state = state

    def add(self, account: Account) -> None:
        if any(
            a.identifier == account.identifier or a.family_id == account.family_id
            for a in self._state.accounts.values()
        ):
            raise Conflict("Cette famille ou cet identifiant a déjà un compte.")
        account.id = len(self._state.accounts) + 1
        self._state.accounts[account.id] = copy.deepcopy(account)

    def get(self, account_id: int, *, for_update: bool = False) -> Account | None:
        return copy.deepcopy(self._state.accounts.get(account_id))

    def by_identifier(self, identifier: str, *, for_update: bool = False) -> Account | None:
        found = [a for a in self._state.accounts.values() if a.identifier == identifier]
        return copy.deepcopy(found[0]) if found else None

    def of_family(self, family_id: int) -> Account | None:
        found = [a for a in self._state.accounts.values() if a.family_id == family_id]
        return copy.deepcopy(found[0]) if found else None

    def identifiers(self) -> dict[int, str]:
        return {a.family_id: a.identifier for a in self._state.accounts.values()}

    def update(self, account: Account) -> None:
        assert account.id is not None  # noqa: S101  (same)
        self._state.accounts[account.id] = copy.deepcopy(account)

    def delete(self, account_id: int) -> None:
        self._state.accounts.pop(account_id, None)
        self._state.sessions = {
            h: s for h, s in self._state.sessions.items() if s.account_id != account_id
        }
        self._state.tokens = {
            i: t for i, t in self._state.tokens.items() if t.account_id != account_id
        }


class InMemoryTokenRepository:
    def __init__(self, state: _State) -> None:
        self._state = state

    def add(self, token: OneTimeToken) -> None:
        token.id = len(self._state.tokens) + 1
        self._state.tokens[token.id] = copy.deepcopy(token)

    def by_hash(self, token_hash: str, *, for_update: bool = False) -> OneTimeToken | None:
        found = [t for t in self._state.tokens.values() if t.token_hash == token_hash]
        return copy.deepcopy(found[0]) if found else None

    def update(self, token: OneTimeToken) -> None:
        assert token.id is not None  # noqa: S101  (same)
        self._state.tokens[token.id] = copy.deepcopy(token)

    def revoke_all(self, account_id: int, purpose: TokenPurpose) -> None:
        for token in self._state.tokens.values():
            if token.account_id == account_id and token.purpose is purpose and not token.used_at:
                token.revoked = True


class InMemorySessionRepository:
    def __init__(self, state: _State) -> None:
        self._state = state

    def add(self, session: PortalSession) -> None:
        session.id = len(self._state.sessions) + 1
        self._state.sessions[session.token_hash] = copy.deepcopy(session)

    def by_hash(self, token_hash: str) -> PortalSession | None:
        return copy.deepcopy(self._state.sessions.get(token_hash))

    def touch(self, session: PortalSession) -> None:
        self._state.sessions[session.token_hash] = copy.deepcopy(session)

    def delete(self, token_hash: str) -> None:
        self._state.sessions.pop(token_hash, None)

    def delete_all(self, account_id: int) -> None:
        for key in [k for k, s in self._state.sessions.items() if s.account_id == account_id]:
            del self._state.sessions[key]


class InMemoryThrottleRepository:
    def __init__(self, state: _State) -> None:
        self._state = state

    def get(self, key: str, *, for_update: bool = False) -> LoginThrottle | None:
        return copy.deepcopy(self._state.throttles.get(key))

    def save(self, throttle: LoginThrottle) -> None:
        self._state.throttles[throttle.key] = copy.deepcopy(throttle)


class InMemoryChangeRequestRepository:
    def __init__(self, state: _State) -> None:
        self._state = state

    def add(self, change: ChangeRequest) -> None:
        change.id = len(self._state.changes) + 1
        self._state.changes[change.id] = copy.deepcopy(change)

    def get(self, change_id: int, *, for_update: bool = False) -> ChangeRequest | None:
        return copy.deepcopy(self._state.changes.get(change_id))

    def listing(
        self, *, family_id: int | None = None, pending_only: bool = True
    ) -> list[ChangeRequest]:
        return copy.deepcopy(
            [
                c
                for _, c in sorted(self._state.changes.items())
                if (family_id is None or c.family_id == family_id)
                and (not pending_only or c.status is ChangeStatus.PENDING)
            ]
        )

    def update(self, change: ChangeRequest) -> None:
        assert change.id is not None  # noqa: S101  (a twin for tests)
        self._state.changes[change.id] = copy.deepcopy(change)

    def delete_of_family(self, family_id: int) -> None:
        self._state.changes = {
            i: c for i, c in self._state.changes.items() if c.family_id != family_id
        }


class InMemoryUnitOfWork:
    """Implements ``portail_core.ports.UnitOfWork``; ``commits`` counts the commits, for tests."""

    def __init__(self, store: InMemoryStore | None = None, *, read_only: bool = False) -> None:
        self.store = store or InMemoryStore()
        self.commits = 0
        self._read_only = read_only
        self._working: _State | None = None

    @property
    def communes(self) -> InMemoryCommuneRepository:
        return InMemoryCommuneRepository(self._require_working())

    @property
    def catalogue(self) -> InMemoryCatalogueRepository:
        return InMemoryCatalogueRepository(self._require_working())

    @property
    def school_calendars(self) -> InMemorySchoolCalendarRepository:
        return InMemorySchoolCalendarRepository(self._require_working())

    @property
    def audit(self) -> InMemoryAuditTrail:
        return InMemoryAuditTrail(self._require_working())

    @property
    def outbox(self) -> InMemoryOutbox:
        return InMemoryOutbox(self._require_working())

    @property
    def families(self) -> InMemoryFamilyRepository:
        return InMemoryFamilyRepository(self._require_working())

    @property
    def accounts(self) -> InMemoryAccountRepository:
        return InMemoryAccountRepository(self._require_working())

    @property
    def tokens(self) -> InMemoryTokenRepository:
        return InMemoryTokenRepository(self._require_working())

    @property
    def sessions(self) -> InMemorySessionRepository:
        return InMemorySessionRepository(self._require_working())

    @property
    def throttles(self) -> InMemoryThrottleRepository:
        return InMemoryThrottleRepository(self._require_working())

    @property
    def changes(self) -> InMemoryChangeRequestRepository:
        return InMemoryChangeRequestRepository(self._require_working())

    @property
    def reservations(self) -> InMemoryReservationRepository:
        return InMemoryReservationRepository(self._require_working().bookings)

    @property
    def waiting_list(self) -> InMemoryWaitingListRepository:
        return InMemoryWaitingListRepository(self._require_working().bookings)

    @property
    def drafts(self) -> InMemoryPlanningDraftRepository:
        return InMemoryPlanningDraftRepository(self._require_working().bookings)

    @property
    def attendance(self) -> InMemoryAttendanceRepository:
        return InMemoryAttendanceRepository(self._require_working().billing)

    @property
    def absences(self) -> InMemoryAbsenceRepository:
        return InMemoryAbsenceRepository(self._require_working().billing)

    @property
    def invoices(self) -> InMemoryInvoiceRepository:
        return InMemoryInvoiceRepository(self._require_working().billing)

    @property
    def payments(self) -> InMemoryPaymentRepository:
        return InMemoryPaymentRepository(self._require_working().billing)

    def __enter__(self) -> Self:
        if self._working is not None:
            raise RuntimeError("a unit of work is not re-entrant")
        self.store.lock.acquire()
        try:
            self._working = copy.deepcopy(self.store.state)
        except BaseException:
            self.store.lock.release()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._working = None
        self.store.lock.release()

    def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        self.store.state = copy.deepcopy(self._require_working())
        self.commits += 1

    def rollback(self) -> None:
        self._require_working()
        self._working = copy.deepcopy(self.store.state)

    def _require_working(self) -> _State:
        if self._working is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return self._working
