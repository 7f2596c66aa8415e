"""The draw's verification depends on its snapshot alone, on SQLite and PostgreSQL: after the
draw, a family that got places is erased and another moves into the town; ``draw --dry-run``
still finds the stored result, and the publication books nothing for the erased family (its
places go to the waiting list's first, in draw order) without failing."""

from __future__ import annotations

import attrs

from portail_core.domain.allocation import Outcome
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.bookings.reservation import WaitingStatus
from tests.integration.test_allocation_cli import NOW, Env, Run, ask, at, world  # noqa: F401

DESK = Actor("guichet", Channel.DESK)


def test_erasing_or_moving_a_family_after_the_draw_keeps_it_verifiable(
    world: tuple[Run, Env],
) -> None:
    run, env = world
    kids = ask(env)
    drawn = run("allocation", "draw", "ETE2027")
    assert drawn.exit_code == 0, drawn.output
    services = at(env, NOW)
    try:
        with services.ports.uow(read_only=True) as uow:
            granted = [
                d for d in uow.allocations.decisions("ETE2027") if d.outcome is Outcome.GRANTED
            ]
        assert {d.wish.family_id for d in granted} == {1}
        services.portail.dossiers.erase(1, actor=DESK)
        with services.ports.uow() as uow:
            moving = uow.families.get(2)
            assert moving is not None
            uow.families.update(attrs.evolve(moving, resident=True), NOW)
            uow.commit()
    finally:
        services.close()

    again = run("allocation", "draw", "--period", "ETE2027", "--dry-run")
    assert again.exit_code == 0, again.output
    assert "identique au résultat enregistré" in again.output
    assert "1 famille(s) effacée(s)" in again.output

    published = run("allocation", "publish", "ETE2027")
    assert published.exit_code == 0, published.output
    after = run("allocation", "draw", "--period", "ETE2027", "--dry-run")
    assert "identique au résultat enregistré" in after.output  # the snapshot outlived publish
    services = at(env, NOW)
    try:
        with services.ports.uow(read_only=True) as uow:
            assert uow.reservations.of_family(1) == []
            given = {
                (e.child_id, e.day)
                for e in uow.waiting_list.of_family(2)
                if e.status is not WaitingStatus.WAITING
            } | {(r.child_id, r.day) for r in uow.reservations.of_family(2)}
            # the places the erased family got went to the other family, first in line
            assert given
            assert {child for child, _ in given} <= set(kids[2])
    finally:
        services.close()
