"""Between the draw and its publication, places may be taken outside the draw (a waiting-list
entry made before the campaign given a place freed meanwhile). Publishing, on SQLite and
PostgreSQL, then neither fails nor overbooks: a place the child already holds is not booked
twice, and a place granted beyond the places left goes to the waiting list."""

from __future__ import annotations

from portail_core.domain.allocation import Decision, Outcome
from portail_core.domain.bookings.reservation import Reservation, WaitingStatus
from tests.integration.test_allocation_cli import NOW, Env, Run, ask, at, world  # noqa: F401


def booking(decision: Decision, family_id: int, child_id: int, number: str) -> Reservation:
    place = decision.wish.place
    return Reservation(
        family_id,
        child_id,
        place.establishment_code,
        place.unit_code,
        place.day,
        place.age_group,
        NOW,
        number,
    )


def test_publishing_rechecks_the_places_taken_since_the_draw(world: tuple[Run, Env]) -> None:
    run, env = world
    ask(env)
    assert run("allocation", "draw", "ETE2027").exit_code == 0
    services = at(env, NOW)
    try:
        with services.ports.uow() as uow:
            decisions = uow.allocations.decisions("ETE2027")
            granted = [d for d in decisions if d.outcome is Outcome.GRANTED]
            same_child, overtaken = granted[0], granted[-1]
            assert same_child.wish.place != overtaken.wish.place
            rival = next(
                d
                for d in decisions
                if d.wish.place == overtaken.wish.place and d.outcome is Outcome.WAITING
            )
            uow.reservations.add_all(
                [
                    booking(same_child, 1, same_child.wish.child_id, "R-2027-0001"),
                    booking(rival, 2, rival.wish.child_id, "R-2027-0002"),
                ]
            )
            uow.commit()
    finally:
        services.close()

    published = run("allocation", "publish", "ETE2027")
    assert published.exit_code == 0, published.output
    services = at(env, NOW)
    try:
        with services.ports.uow(read_only=True) as uow:
            mine = [
                r
                for r in uow.reservations.of_family(1)
                if (r.child_id, r.slot) == (same_child.wish.child_id, same_child.wish.slot)
            ]
            assert len(mine) == 1  # not booked twice
            place = overtaken.wish.place
            taken = uow.reservations.taken("ALSH", place.day, place.day, NOW)
            assert taken[place] == 1  # one place a day: not overbooked
            waiting = [
                e
                for e in uow.waiting_list.of_family(1)
                if (e.child_id, e.day) == (overtaken.wish.child_id, place.day)
            ]
            assert [e.status for e in waiting] == [WaitingStatus.WAITING]
            (mail,) = [m for m in uow.outbox.listing(50) if m.to == "claire.martin@example.fr"]
            assert "place prise avant la publication, liste d'attente" in mail.context["lines"]
    finally:
        services.close()
