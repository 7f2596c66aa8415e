"""The waiting room of opening day: when the booking pages are saturated, families wait their
turn on a light page and come in at the rate the portal serves.

- A family holds at most one **ticket**, tied to its account (not to a browser, a session or a
  tab): reloading, logging in again or opening more tabs shows the same ticket. Its number is
  given by the database in arrival order, and families come in **first come, first in**.
- At most ``capacity`` families are **inside** (admitted) at once. A family inside keeps its
  place while it is active: each booking page renews its lease (``lease_seconds`` without a
  page, a few minutes); it leaves when it confirms a booking or logs out, or when the lease
  runs out. Each place freed lets the next in line in, so admission follows the rate the
  portal serves.
- A family that left so keeps its ticket's number ``RETURN_SECONDS``: booking another child
  right after, it is first in line again rather than last.
- A waiting family keeps its place while its page asks for news (``KEEP_PLACE_SECONDS`` without
  any); an admitted family has ``ARRIVAL_SECONDS`` to come in, then the lease counts.
- Modes: **automatic** (a queue forms only once ``capacity`` families are inside), **open
  early** (the desk opens it before the bookings open: everyone arriving takes a ticket, and
  admission starts at ``admit_from``, or when the desk switches to automatic), **off** (everyone
  goes in, no ticket).
- The estimate is the position divided by the recent admission rate (families a second over
  the current and the previous minute).
"""

from __future__ import annotations

import enum
import math

import pendulum
from attrs import define, field, frozen

from portail_core.domain.shared.french_dates import moment_fr
from portail_core.domain.shared.instants import as_utc
from portail_core.errors import InvalidInput

__all__ = [
    "ARRIVAL_SECONDS",
    "DEFAULT_CAPACITY",
    "DEFAULT_LEASE_SECONDS",
    "KEEP_PLACE_SECONDS",
    "MAX_CAPACITY",
    "MAX_LEASE_MINUTES",
    "PASS_EVERY_SECONDS",
    "RENEW_AFTER_SECONDS",
    "RETURN_SECONDS",
    "QueuePlace",
    "RoomMode",
    "Ticket",
    "TicketState",
    "WaitingRoom",
    "return_deadline",
    "wait_fr",
]

DEFAULT_CAPACITY = 200  # families inside at once; the desk sizes it (docs: operator guide)
MAX_CAPACITY = 100_000
DEFAULT_LEASE_SECONDS = 300  # an admitted family's place, kept this long without a page
MAX_LEASE_MINUTES = 60
ARRIVAL_SECONDS = 120  # an admitted family's time to come in (its first page renews the lease)
RETURN_SECONDS = 120  # after a confirmation, the ticket's number kept for another booking
KEEP_PLACE_SECONDS = 900  # a waiting family's place, kept this long without news of its page
RENEW_AFTER_SECONDS = 30  # a lease is written again at most every 30 s (one write per family)
PASS_EVERY_SECONDS = 1.0  # waiting pages move the queue at most once a second
RATE_WINDOW_SECONDS = 60  # the admission rate: over the current and the previous minute
POLL_MIN_SECONDS, POLL_MAX_SECONDS = 2, 60  # how often a waiting page asks for news


class RoomMode(enum.Enum):
    AUTOMATIC = "auto"
    OPEN_EARLY = "open"
    OFF = "off"

    @property
    def label(self) -> str:
        return {"auto": "automatique", "open": "ouverte en avance", "off": "arrêtée"}[self.value]


class TicketState(enum.Enum):
    WAITING = "waiting"
    ADMITTED = "admitted"
    RELEASED = "released"  # left (confirmed, logged out); its number kept RETURN_SECONDS


def _seconds(later: pendulum.DateTime, earlier: pendulum.DateTime) -> float:
    return later.timestamp() - earlier.timestamp()


def _optional_utc(value: pendulum.DateTime | None) -> pendulum.DateTime | None:
    return None if value is None else as_utc(value)


@define(slots=False, eq=False)
class Ticket:
    """A family account's place: waiting, inside (admitted) or just left (released).

    ``expires_at``: the end of the place kept without news (waiting), of the lease (inside), of
    the number kept after a confirmation (released). ``queued_at``: when it (re)joined the
    queue. ``number``: its order, given by the database."""

    account_id: int
    state: TicketState
    queued_at: pendulum.DateTime = field(converter=as_utc)
    expires_at: pendulum.DateTime = field(converter=as_utc)
    admitted_at: pendulum.DateTime | None = field(default=None, converter=_optional_utc)
    number: int | None = field(default=None, kw_only=True)

    @classmethod
    def issue(cls, account_id: int, now: pendulum.DateTime) -> Ticket:
        """A new ticket, waiting at the end of the queue: only a move of the queue, under the
        room's lock, lets a ticket in (so that nobody counts in without the lock)."""
        return cls(account_id, TicketState.WAITING, now, now.add(seconds=KEEP_PLACE_SECONDS))

    def valid(self, now: pendulum.DateTime) -> bool:
        return _seconds(self.expires_at, now) >= 0

    def inside(self, now: pendulum.DateTime) -> bool:
        return self.state is TicketState.ADMITTED and self.valid(now)

    def waiting(self, now: pendulum.DateTime) -> bool:
        return self.state is TicketState.WAITING and self.valid(now)

    def returning(self, now: pendulum.DateTime) -> bool:
        """Released a short while ago: the family comes back with its number."""
        return self.state is TicketState.RELEASED and self.valid(now)

    def admit(self, room: WaitingRoom, now: pendulum.DateTime) -> None:
        self.state, self.admitted_at = TicketState.ADMITTED, as_utc(now)
        self.expires_at = room.arrival_deadline(now)

    def needs_renewal(self, room: WaitingRoom, now: pendulum.DateTime) -> bool:
        """True when the page should write the ticket's new end (at most every 30 s)."""
        if self.state is TicketState.RELEASED:
            return False
        return _seconds(self.expires_at, now) < self._keep(room) - RENEW_AFTER_SECONDS

    def renew(self, room: WaitingRoom, now: pendulum.DateTime) -> None:
        self.expires_at = as_utc(now.add(seconds=self._keep(room)))

    def release(self, now: pendulum.DateTime) -> None:
        """Leave after a confirmation: the place is free, the number kept a short while."""
        self.state, self.expires_at = TicketState.RELEASED, return_deadline(now)

    def rejoin(self, now: pendulum.DateTime) -> None:
        """Back within ``RETURN_SECONDS``: waiting again, with its number (first in line)."""
        self.state, self.queued_at = TicketState.WAITING, as_utc(now)
        self.expires_at = as_utc(now.add(seconds=KEEP_PLACE_SECONDS))

    def _keep(self, room: WaitingRoom) -> int:
        return room.lease_seconds if self.state is TicketState.ADMITTED else KEEP_PLACE_SECONDS


@define(slots=False, eq=False)
class WaitingRoom:
    """The room's settings (mode, capacity, lease, start of admission) and what it counted at
    its last move: families inside and waiting, admissions of the current and previous
    minute (the rate the estimates use)."""

    mode: RoomMode = RoomMode.AUTOMATIC
    capacity: int = DEFAULT_CAPACITY
    lease_seconds: int = DEFAULT_LEASE_SECONDS
    admit_from: pendulum.DateTime | None = field(default=None, converter=_optional_utc)
    inside: int = 0
    waiting: int = 0
    last_pass_at: pendulum.DateTime | None = field(default=None, converter=_optional_utc)
    window_started_at: pendulum.DateTime | None = field(default=None, converter=_optional_utc)
    window_admitted: int = 0
    previous_admitted: int = 0
    previous_seconds: int = 0
    changed_at: pendulum.DateTime | None = field(default=None, converter=_optional_utc)
    changed_by: str | None = None

    @property
    def lets_everyone_in(self) -> bool:
        return self.mode is RoomMode.OFF

    def admitting(self, now: pendulum.DateTime) -> bool:
        """Whether families come in now (open early: from ``admit_from``, once given)."""
        if self.mode is RoomMode.OPEN_EARLY:
            return self.admit_from is not None and _seconds(now, self.admit_from) >= 0
        return self.mode is RoomMode.AUTOMATIC

    def places_to_fill(self, inside: int, waiting: int, now: pendulum.DateTime) -> int:
        """How many of the queue come in now, ``inside`` being inside and ``waiting`` waiting."""
        return min(self.places_free(inside, now), max(0, waiting))

    def places_free(self, inside: int, now: pendulum.DateTime) -> int:
        """How many more may come in now, ``inside`` being inside (0 before admission)."""
        return max(0, self.capacity - inside) if self.admitting(now) else 0

    def arrival_deadline(self, now: pendulum.DateTime) -> pendulum.DateTime:
        """An admitted family comes in before this (its first page then renews its lease)."""
        return as_utc(now.add(seconds=min(ARRIVAL_SECONDS, self.lease_seconds)))

    def pass_due(self, now: pendulum.DateTime) -> bool:
        """Whether a waiting family's page should move the queue (at most every second). The
        counts of the last move may be stale (tickets are taken and released without the
        room's lock): the caller's own waiting ticket is what says someone waits."""
        if not self.admitting(now):
            return False
        last = self.last_pass_at
        return last is None or _seconds(now, last) >= PASS_EVERY_SECONDS

    def record_pass(self, now: pendulum.DateTime, inside: int, waiting: int, admitted: int) -> None:
        """After moving the queue: the counts as the database has them, and the admissions."""
        self.inside, self.waiting, self.last_pass_at = inside, waiting, as_utc(now)
        self.record_admissions(admitted, now)

    def record_admissions(self, admitted: int, now: pendulum.DateTime) -> None:
        started = self.window_started_at
        if started is None or _seconds(now, started) >= RATE_WINDOW_SECONDS:
            elapsed = 0 if started is None else round(_seconds(now, started))
            self.previous_admitted, self.previous_seconds = self.window_admitted, elapsed
            self.window_started_at, self.window_admitted = as_utc(now), 0
        self.window_admitted += admitted

    def admissions_per_second(self, now: pendulum.DateTime) -> float | None:
        """The recent admission rate, None before there is any to measure."""
        if self.window_started_at is None:
            return None
        seconds = max(0.0, _seconds(now, self.window_started_at)) + self.previous_seconds
        admitted = self.window_admitted + self.previous_admitted
        return admitted / seconds if admitted and seconds >= 1 else None

    def estimate_seconds(self, position: int, now: pendulum.DateTime) -> int | None:
        """Position over the recent rate, plus the time left before admission starts."""
        rate = self.admissions_per_second(now)
        if rate is None:
            return None
        before = 0.0
        if self.mode is RoomMode.OPEN_EARLY and self.admit_from is not None:
            before = max(0.0, _seconds(self.admit_from, now))
        return math.ceil(before + position / rate)

    def place_of(self, position: int, now: pendulum.DateTime) -> QueuePlace:
        """A waiting family's place: ``position`` in the queue (1: next in)."""
        estimate = self.estimate_seconds(position, now)
        if not self.admitting(now):
            opens = self.admit_from if self.mode is RoomMode.OPEN_EARLY else None
            later = POLL_MAX_SECONDS if opens is None else _seconds(opens, now) / 2
            poll = max(_polls(position, None), min(POLL_MAX_SECONDS, int(later)))
            return QueuePlace(True, position, estimate, False, opens, poll)
        poll = _polls(position, estimate)
        return QueuePlace(True, position, estimate, poll_seconds=poll)

    def configure(
        self,
        mode: RoomMode,
        *,
        capacity: int | None,
        lease_minutes: int | None,
        admit_from: pendulum.DateTime | None,
        actor: str,
        now: pendulum.DateTime,
    ) -> dict[str, list[object]]:
        """The desk's change; what changed, as [old, new] (InvalidInput when out of range)."""
        problems = {}
        if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
            problems["capacite"] = f"La capacité va de 1 à {MAX_CAPACITY} familles."
        if lease_minutes is not None and not 1 <= lease_minutes <= MAX_LEASE_MINUTES:
            problems["bail"] = f"Le bail va de 1 à {MAX_LEASE_MINUTES} minutes."
        if admit_from is not None and mode is not RoomMode.OPEN_EARLY:
            problems["entrees"] = "Une heure d'entrée ne se donne qu'en ouvrant en avance."
        if problems:
            raise InvalidInput(next(iter(problems.values())), problems)
        before = self._settings()
        self.mode, self.admit_from = mode, _optional_utc(admit_from)
        self.capacity = self.capacity if capacity is None else capacity
        self.lease_seconds = self.lease_seconds if lease_minutes is None else lease_minutes * 60
        self.changed_at, self.changed_by = as_utc(now), actor
        after = self._settings()
        return {key: [before[key], after[key]] for key in after if before[key] != after[key]}

    def emptied(self) -> None:
        """Every ticket deleted (switched off)."""
        self.inside = self.waiting = 0

    def _settings(self) -> dict[str, object]:
        return {
            "mode": self.mode.value,
            "capacity": self.capacity,
            "lease_minutes": self.lease_seconds // 60,
            "admit_from": None if self.admit_from is None else self.admit_from.isoformat(),
        }


@frozen
class QueuePlace:
    """What a family's page says: go on to the page asked for (``waiting`` False: inside, or
    no ticket yet, which the page's gate takes), or its position, the estimate, whether
    admission has started, and in how many seconds to ask again."""

    waiting: bool
    position: int = 0
    estimate_seconds: int | None = None
    started: bool = True
    opens_at: pendulum.DateTime | None = None
    poll_seconds: int = POLL_MIN_SECONDS

    @property
    def position_fr(self) -> str:
        if self.position <= 1:
            return "Vous êtes la prochaine famille à entrer."
        return f"Vous êtes n° {self.position} dans la file : {self.position - 1} avant vous."

    @property
    def wait_fr(self) -> str:
        if not self.started and self.opens_at is not None:
            return f"Les entrées commencent le {moment_fr(self.opens_at)}."
        if not self.started:
            return "Les entrées n’ont pas encore commencé : elles commenceront à l’ouverture."
        if self.estimate_seconds is None:
            return "L’attente sera estimée dès les premières entrées."
        return f"Attente estimée : {wait_fr(self.estimate_seconds)}."


def return_deadline(now: pendulum.DateTime) -> pendulum.DateTime:
    """The end of a released ticket: its number kept ``RETURN_SECONDS`` for another booking."""
    return as_utc(now.add(seconds=RETURN_SECONDS))


def _polls(position: int, estimate: int | None) -> int:
    """Soon near the head of the queue, seldom far from it: 2 s plus a second per ten families
    ahead, sooner when the estimate is shorter, 2 to 60 s. The place of a family let in is
    idle until its page learns it (2,500 families in the rush asked 36 times a second)."""
    seconds = POLL_MIN_SECONDS + position // 10
    if estimate is not None:
        seconds = min(seconds, estimate // 2)
    return int(max(POLL_MIN_SECONDS, min(POLL_MAX_SECONDS, seconds)))


def wait_fr(seconds: int) -> str:
    """« moins d’une minute », « environ 6 minutes », « environ 1 h 05 »."""
    if seconds < 60:
        return "moins d’une minute"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"environ {minutes} minute{'s' if minutes > 1 else ''}"
    return f"environ {minutes // 60} h {minutes % 60:02d}"
