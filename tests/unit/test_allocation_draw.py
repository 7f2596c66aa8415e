"""The allocation's properties (Hypothesis): capacity is never exceeded; a family of a higher
class never waits for a place a lower class got; the same seed gives the same result; another
seed only permutes families inside their class."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from portail_core.domain.allocation import Decision, Outcome, Wish, allocate, lottery_order
from portail_core.domain.bookings.reservation import PlaceKey

DAYS = [date(2027, 7, 5) + timedelta(days=n) for n in range(5)]
UNITS = ("JOURNEE", "MATIN")
Case = tuple[list[Wish], dict[int, int], dict[PlaceKey, int | None]]
SEEDS = st.binary(min_size=32, max_size=32).map(bytes.hex)


def place(day: date, unit: str) -> PlaceKey:
    return PlaceKey("ALSH", unit, day, "")


@st.composite
def campaigns(draw: st.DrawFn) -> Case:
    """Families (1 to 3 children), their wishes in order, their class, places per day."""
    families = draw(st.integers(min_value=1, max_value=12))
    wishes: list[Wish] = []
    classes: dict[int, int] = {}
    child = 0
    for family_id in range(1, families + 1):
        classes[family_id] = draw(st.integers(min_value=1, max_value=3))
        for _ in range(draw(st.integers(min_value=1, max_value=2))):
            child += 1
            slots = draw(
                st.lists(
                    st.sampled_from([(d, u) for d in DAYS for u in UNITS]), max_size=6, unique=True
                )
            )
            wishes += [
                Wish(
                    family_id, child, place(d, u), n, draw(st.sampled_from(["", "", "", "refusé"]))
                )
                for n, (d, u) in enumerate(slots, 1)
            ]
    capacity = {
        place(d, u): draw(st.one_of(st.none(), st.integers(min_value=0, max_value=4)))
        for d in DAYS
        for u in UNITS
    }
    return wishes, classes, capacity


def decide(case: Case, seed: str) -> list[Decision]:
    wishes, classes, capacity = case
    return allocate(wishes, seed=seed, classes=classes, capacity=capacity, max_days_per_child=3)


@given(campaigns(), SEEDS)
def test_the_places_given_never_exceed_the_capacity(case: Case, seed: str) -> None:
    granted = Counter(d.wish.place for d in decide(case, seed) if d.outcome is Outcome.GRANTED)
    capacity = case[2]
    for where, count in granted.items():
        places = capacity[where]
        assert places is None or count <= places


@given(campaigns(), SEEDS)
def test_a_higher_class_never_waits_for_a_place_a_lower_class_got(case: Case, seed: str) -> None:
    decisions = decide(case, seed)
    best_granted: dict[PlaceKey, int] = {}
    for d in decisions:
        if d.outcome is Outcome.GRANTED:
            best_granted[d.wish.place] = max(best_granted.get(d.wish.place, 0), d.priority_class)
    for d in decisions:
        if d.outcome is Outcome.WAITING:
            assert best_granted.get(d.wish.place, 0) <= d.priority_class


@given(campaigns(), SEEDS)
def test_the_same_seed_gives_the_same_result_whatever_the_order_of_the_requests(
    case: Case, seed: str
) -> None:
    wishes, classes, capacity = case
    again = decide((list(reversed(wishes)), classes, capacity), seed)
    assert sorted(decide(case, seed), key=_key) == sorted(again, key=_key)


@given(campaigns(), SEEDS, SEEDS)
def test_another_seed_permutes_only_within_classes(case: Case, seed: str, other: str) -> None:
    one, two = _draw_order(decide(case, seed)), _draw_order(decide(case, other))
    assert [c for c, _ in one] == [c for c, _ in two]  # same classes, in the same order
    for priority in {c for c, _ in one}:
        assert {f for c, f in one if c == priority} == {f for c, f in two if c == priority}


def _key(decision: Decision) -> tuple[object, ...]:
    w = decision.wish
    return (
        w.child_id,
        w.place,
        decision.outcome.value,
        decision.draw_rank,
        decision.waiting_rank or 0,
    )


def _draw_order(decisions: list[Decision]) -> list[tuple[int, int]]:
    """(class, family) for each family, in the order of the draw."""
    ranks = {(d.priority_class, d.draw_rank, d.wish.family_id) for d in decisions}
    return [(c, f) for c, _, f in sorted(ranks)]


def test_classes_are_served_in_order_then_the_lottery_then_the_preferences() -> None:
    seed = "00" * 32
    day = place(DAYS[0], "JOURNEE")
    other_day = place(DAYS[1], "JOURNEE")
    order = lottery_order(seed, [1, 2, 3])
    wishes = [
        Wish(order[0], 10, day, 1),
        Wish(order[0], 10, other_day, 2),
        Wish(order[1], 20, other_day, 1),
        Wish(order[1], 20, day, 2),
        Wish(order[2], 30, day, 1),  # class 2: served after the others
    ]
    classes = {order[0]: 1, order[1]: 1, order[2]: 2}
    decisions = allocate(wishes, seed=seed, classes=classes, capacity={day: 1, other_day: 1})
    outcome = {(d.wish.child_id, d.wish.place.day): d for d in decisions}
    assert outcome[(10, DAYS[0])].outcome is Outcome.GRANTED  # round 1, first drawn
    assert outcome[(20, DAYS[1])].outcome is Outcome.GRANTED  # round 1, its first choice
    assert outcome[(10, DAYS[1])].outcome is Outcome.WAITING  # round 2: taken in round 1
    assert outcome[(20, DAYS[0])].waiting_rank == 1
    last = outcome[(30, DAYS[0])]
    assert (last.outcome, last.waiting_rank) == (Outcome.WAITING, 2)
    assert last.explanation == "priorité 2, rang 1 au tirage : complet, liste d'attente rang 2"
    assert outcome[(10, DAYS[0])].explanation == (
        "priorité 1, rang 1 au tirage : place attribuée (choix n° 1)"
    )


def test_a_rule_a_limit_or_an_incompatible_unit_refuses_with_its_reason() -> None:
    seed = "ab" * 32
    morning, day = place(DAYS[0], "MATIN"), place(DAYS[0], "JOURNEE")
    wishes = [
        Wish(1, 10, day, 1),
        Wish(1, 10, morning, 2),
        Wish(1, 10, place(DAYS[1], "JOURNEE"), 3),
        Wish(1, 10, place(DAYS[2], "JOURNEE"), 4, "Dossier incomplet."),
    ]
    decisions = allocate(
        wishes,
        seed=seed,
        classes={1: 1},
        capacity={},
        incompatible={"JOURNEE": frozenset({"MATIN"}), "MATIN": frozenset({"JOURNEE"})},
        max_days_per_child=1,
    )
    reasons = [d.reason for d in decisions]
    assert reasons == [
        "",
        "incompatible avec JOURNEE le même jour",
        "limite de 1 jours par enfant atteinte",
        "Dossier incomplet.",
    ]
    assert decisions[3].explanation == "priorité 1, rang 1 au tirage : refusé (Dossier incomplet)"
