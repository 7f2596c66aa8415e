"""``max_days_per_child`` counts the days a child already holds in the period (booked before
the campaign existed): a child with one day held and a limit of two gets one more, not two."""

from __future__ import annotations

from datetime import date, timedelta

from portail_core.domain.allocation import Outcome, Wish, allocate
from portail_core.domain.bookings.reservation import PlaceKey, Slot

DAYS = [date(2027, 7, 5) + timedelta(days=n) for n in range(4)]
SEED = "00" * 32


def test_the_days_already_held_count_towards_the_limit() -> None:
    wishes = [Wish(1, 10, PlaceKey("ALSH", "JOURNEE", day), n) for n, day in enumerate(DAYS[1:], 1)]
    decisions = allocate(
        wishes,
        seed=SEED,
        classes={1: 1},
        capacity={},
        booked={10: frozenset({Slot(DAYS[0], "JOURNEE")})},
        max_days_per_child=2,
    )
    assert [d.outcome for d in decisions] == [Outcome.GRANTED, Outcome.REFUSED, Outcome.REFUSED]
    assert decisions[1].reason == "limite de 2 jours par enfant atteinte"


def test_a_second_unit_on_a_day_already_held_is_no_new_day() -> None:
    wishes = [Wish(1, 10, PlaceKey("ALSH", "MATIN", DAYS[0]), 1)]
    decisions = allocate(
        wishes,
        seed=SEED,
        classes={1: 1},
        capacity={},
        booked={10: frozenset({Slot(DAYS[0], "REPAS")})},
        max_days_per_child=1,
    )
    assert [d.outcome for d in decisions] == [Outcome.GRANTED]
