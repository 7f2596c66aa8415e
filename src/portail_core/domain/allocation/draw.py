"""The allocation: classes in order; inside a class, families in lottery order, in rounds by
preference (round 1: each child's first choice, round 2 the second...). A class is served
entirely before the next, so a family of a higher class never waits for a place a lower class
got. Capacity only decreases: what is full for one is full for every later one.

Pure and in memory: the service checks the rules beforehand (``Wish.refusal``) and writes the
decisions in bulk.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date

from attrs import evolve, field, frozen

from portail_core.domain.allocation.lottery import lottery_order
from portail_core.domain.bookings.reservation import PlaceKey, Slot

__all__ = [
    "RULES_REFUSAL",
    "Decision",
    "DrawInputs",
    "Outcome",
    "Wish",
    "allocate",
    "redraw",
    "same_draw",
]

# What the snapshot keeps of a refusal by the booking rules: that there was one, never its text
# (it may name a guardian), so that the snapshot holds numbers and days only.
RULES_REFUSAL = "refusé par les règles de réservation au moment du tirage"


class Outcome(enum.Enum):
    GRANTED = "granted"
    WAITING = "waiting"  # full: on the waiting list, in draw order
    REFUSED = "refused"  # a rule refuses it (dossier, eligibility, incompatibility, limit)

    @property
    def label(self) -> str:
        return {
            Outcome.GRANTED: "Place attribuée",
            Outcome.WAITING: "Liste d'attente",
            Outcome.REFUSED: "Refusé",
        }[self]


@frozen
class Wish:
    """One day x unit a child asks for; ``preference`` 1 is the child's first choice;
    ``refusal``: why the booking rules refuse it ("" when they accept it)."""

    family_id: int
    child_id: int
    place: PlaceKey  # its unit, day and age group: what its place is counted against
    preference: int
    refusal: str = ""

    @property
    def slot(self) -> Slot:
        return Slot(self.place.day, self.place.unit_code)


@frozen
class DrawInputs:
    """Everything the draw read, kept so that it can be recomputed later whatever changes
    after it (a family erased or moved, a dossier completed, the structure edited): the places
    left per place (None: unlimited), each child's slots already held, the wishes (numbers and
    days; a refusal by the rules as ``RULES_REFUSAL``), each family's priority class, the
    units' incompatibilities and the limit of days per child. A snapshot taken before the
    wishes were kept has none: it is recomputed from the stored decisions."""

    capacity: Mapping[PlaceKey, int | None]
    booked: Mapping[int, frozenset[Slot]]
    wishes: tuple[Wish, ...] = ()
    classes: Mapping[int, int] = field(factory=dict)
    incompatible: Mapping[str, frozenset[str]] = field(factory=dict)
    max_days_per_child: int | None = None

    @staticmethod
    def kept(wish: Wish) -> Wish:
        """The wish as the snapshot keeps it: its refusal's text replaced."""
        return evolve(wish, refusal=RULES_REFUSAL) if wish.refusal else wish


@frozen
class Decision:
    wish: Wish
    outcome: Outcome
    priority_class: int
    draw_rank: int  # the family's rank in its class's lottery
    waiting_rank: int | None = None
    reason: str = ""  # why refused

    @property
    def explanation(self) -> str:
        head = f"priorité {self.priority_class}, rang {self.draw_rank} au tirage"
        if self.outcome is Outcome.GRANTED:
            return f"{head} : place attribuée (choix n° {self.wish.preference})"
        if self.outcome is Outcome.WAITING and self.waiting_rank is None:  # see publish
            return f"{head} : place prise avant la publication, liste d'attente"
        if self.outcome is Outcome.WAITING:
            return f"{head} : complet, liste d'attente rang {self.waiting_rank}"
        return f"{head} : refusé ({self.reason.rstrip('.')})"


def allocate(
    wishes: Sequence[Wish],
    *,
    seed: str,
    classes: Mapping[int, int],
    capacity: Mapping[PlaceKey, int | None],
    incompatible: Mapping[str, frozenset[str]] | None = None,
    booked: Mapping[int, frozenset[Slot]] | None = None,
    max_days_per_child: int | None = None,
) -> list[Decision]:
    """Decide every wish. ``classes``: family -> priority class (1 first); ``capacity``:
    places left per place (absent or None: unlimited); ``incompatible``: unit -> the units it
    may not share a day with; ``booked``: each child's slots already held in the period (their
    days count towards ``max_days_per_child``). Returns the
    decisions in the order they were taken (class, round, lottery)."""
    by_family: dict[int, dict[int, list[Wish]]] = defaultdict(lambda: defaultdict(list))
    for wish in wishes:
        by_family[wish.family_id][wish.child_id].append(wish)
    for children in by_family.values():
        for asked in children.values():
            asked.sort(key=lambda w: (w.preference, w.place.day, w.place.unit_code))
    state = _State(capacity, incompatible or {}, booked or {}, max_days_per_child)
    decisions: list[Decision] = []
    for priority in sorted({classes[f] for f in by_family}):
        order = lottery_order(seed, (f for f in by_family if classes[f] == priority))
        rounds = max(len(asked) for f in order for asked in by_family[f].values())
        for round_index in range(rounds):
            for rank, family_id in enumerate(order, 1):
                for child_id in sorted(by_family[family_id]):
                    asked = by_family[family_id][child_id]
                    if round_index < len(asked):
                        decisions.append(state.decide(asked[round_index], priority, rank))
    return decisions


def redraw(inputs: DrawInputs, seed: str) -> list[Decision]:
    """The draw again from its snapshot alone (the verification)."""
    return allocate(
        inputs.wishes,
        seed=seed,
        classes=inputs.classes,
        capacity=inputs.capacity,
        incompatible=inputs.incompatible,
        booked=inputs.booked,
        max_days_per_child=inputs.max_days_per_child,
    )


def _verifiable(decision: Decision) -> tuple[object, ...]:
    """What a recomputation must give again: everything but the rules' own wording."""
    w = decision.wish
    refused_by_rules = bool(w.refusal)
    reason = "" if refused_by_rules else decision.reason
    return (
        w.family_id,
        w.child_id,
        w.place,
        w.preference,
        refused_by_rules,
        decision.outcome,
        decision.priority_class,
        decision.draw_rank,
        decision.waiting_rank,
        reason,
    )


def same_draw(stored: Sequence[Decision], again: Sequence[Decision]) -> bool:
    return [_verifiable(d) for d in stored] == [_verifiable(d) for d in again]


class _State:
    """Places left, and what each child has been given so far."""

    def __init__(
        self,
        capacity: Mapping[PlaceKey, int | None],
        incompatible: Mapping[str, frozenset[str]],
        booked: Mapping[int, frozenset[Slot]],
        max_days: int | None,
    ) -> None:
        self.left = dict(capacity)
        self.incompatible = incompatible
        self.held: dict[int, set[Slot]] = {c: set(s) for c, s in booked.items()}
        # the days a child already holds in the period count towards the limit
        self.given_days: dict[int, set[date]] = defaultdict(set)
        for child_id, slots in booked.items():
            self.given_days[child_id] = {s.day for s in slots}
        self.max_days = max_days
        self.queues: dict[PlaceKey, int] = defaultdict(int)

    def decide(self, wish: Wish, priority: int, rank: int) -> Decision:
        refusal = wish.refusal or self._refusal(wish)
        if refusal:
            return Decision(wish, Outcome.REFUSED, priority, rank, reason=refusal)
        left = self.left.get(wish.place)
        if left is not None and left <= 0:
            self.queues[wish.place] += 1
            return Decision(wish, Outcome.WAITING, priority, rank, self.queues[wish.place])
        if left is not None:
            self.left[wish.place] = left - 1
        self.held.setdefault(wish.child_id, set()).add(wish.slot)
        self.given_days[wish.child_id].add(wish.place.day)
        return Decision(wish, Outcome.GRANTED, priority, rank)

    def _refusal(self, wish: Wish) -> str:
        held = self.held.get(wish.child_id, set())
        if wish.slot in held:
            return "déjà réservé"
        day, unit = wish.place.day, wish.place.unit_code
        clashing = sorted(
            s.unit_code
            for s in held
            if s.day == day and s.unit_code in self.incompatible.get(unit, frozenset())
        )
        if clashing:
            return f"incompatible avec {', '.join(clashing)} le même jour"
        given = self.given_days[wish.child_id]
        if self.max_days is not None and day not in given and len(given) >= self.max_days:
            return f"limite de {self.max_days} jours par enfant atteinte"
        return ""
