"""SMA pre-registrations on the in-memory twins: bad input refused in French with nothing
stored, one open request per child, the commission's order (a Hypothesis property: it follows
the criteria lexicographically and does not depend on the input's order), offers accepted
(the child enrolled, an expected child joining the dossier), declined or expired (the next
candidate comes first), reminders and drops."""

from __future__ import annotations

import itertools
from datetime import date

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.memory.messaging import MessagingState
from portail_core.domain.sma import CRITERIA, Candidate, SmaRequest, SmaState, commission_order
from portail_core.errors import Conflict, InvalidInput
from portail_core.services.sma.desk import (
    commission,
    expire_offers,
    make_offer,
    purge_unconfirmed,
    remind_unconfirmed,
)
from portail_core.services.sma.family import (
    SMA_PLACE,
    answer_offer,
    family_requests,
    request_place,
)
from tests.unit.reservation_world import DESK, NOW, World, make_world

WEEK = {"lundi": ("8:30", "17:00"), "mardi": ("8h30", "17h")}


@pytest.fixture
def world() -> World:
    return make_world()


def ask(world: World, family_id: int, child_id: int | None, **changes: object) -> SmaRequest:
    options: dict[str, object] = {
        "family_id": family_id,
        "child_id": child_id,
        "start_date": "01/09/2026",
        "hours": WEEK,
        "wishes": ["SMA"],
        "actor": DESK,
    }
    options.update(changes)
    return request_place(world.uow(), world.clock, **options)  # type: ignore[arg-type]


def expected(world: World, family_id: int, **changes: object) -> SmaRequest:
    return ask(
        world,
        family_id,
        None,
        last_name="Martin",
        expected_birth_date="15/08/2026",
        **changes,
    )


def stored(world: World) -> list[SmaRequest]:
    with world.uow(read_only=True) as uow:
        return uow.sma_requests.open_requests()


def test_bad_input_is_refused_in_french_and_nothing_is_stored(world: World) -> None:
    with pytest.raises(InvalidInput) as error:
        ask(
            world,
            world.martin,
            None,
            last_name="",
            expected_birth_date="01/01/2028",
            start_date="01/01/2026",
            hours={"mercredi": ("", "")},
            wishes=[],
        )
    problems = error.value.problems
    assert problems["last_name"] == "Le nom de l'enfant à naître est obligatoire."
    assert "plus de 10 mois" in problems["expected_birth_date"]
    assert problems["start_date"] == "La date d'entrée souhaitée est passée."
    assert "heure d'arrivée et l'heure de départ du mercredi" in problems["hours_wednesday"]
    assert problems["wishes"] == "Choisissez au moins une structure souhaitée."
    with pytest.raises(InvalidInput) as error:
        expected(world, world.martin, wishes=["ALSH"])
    assert "inconnue" in error.value.problems["wishes"]
    with pytest.raises(InvalidInput) as error:
        expected(world, world.martin, hours={"samedi": ("9:00", "12:00")})
    assert error.value.problems["hours"] == "La SMA accueille les enfants du lundi au vendredi."
    assert stored(world) == []


def test_a_child_has_one_open_request_at_a_time(world: World) -> None:
    child = world.child_id("Léa")
    first = ask(world, world.martin, child)
    with pytest.raises(Conflict, match=f"déjà une demande en cours \\(n° {first.id}"):
        ask(world, world.martin, child, start_date="01/10/2026")
    expected(world, world.martin)
    with pytest.raises(Conflict, match="une seule demande ouverte par enfant"):
        expected(world, world.martin)
    assert len(stored(world)) == 2


def test_the_commission_orders_residents_first_then_by_date(world: World) -> None:
    other = world.add_family()
    late = ask(world, world.martin, world.child_id("Léa"))
    world.clock.advance(pendulum.duration(days=1))
    with world.uow() as uow:
        family = uow.families.get(other)
        assert family is not None
        family.resident = False
        uow.families.update(family, NOW)
        uow.commit()
    non_resident = expected(world, other)
    result = commission(world.uow(read_only=True), day=date(2026, 6, 30))
    assert [c.request.id for c in result.candidates] == [late.id, non_resident.id]
    assert result.criteria == ("residence", "siblings_placed", "request_date")
    lines = family_requests(world.uow(read_only=True), family_id=other)
    assert lines[0].wishes[0][2] == 2  # second on the waiting list, by date of request


def test_a_declined_offer_goes_to_the_next_candidate_and_acceptance_enrols(world: World) -> None:
    other = world.add_family()
    first = ask(world, world.martin, world.child_id("Léa"))
    second = expected(world, other)
    start, deadline = date(2026, 9, 1), date(2026, 6, 30)
    offered = make_offer(
        world.uow(), world.clock, request_id=first.id or 0, establishment_code="sma",
        start=start, deadline=deadline, actor=DESK,
    )  # fmt: skip
    assert offered.state is SmaState.OFFERED
    with world.uow(read_only=True) as uow:
        outbox = uow.state(MessagingState).outbox
    assert outbox[-1].template == "sma_offer"
    answer_offer(
        world.uow(), world.clock, family_id=world.martin, request_id=first.id or 0,
        accepted=False, actor=DESK,
    )  # fmt: skip
    result = commission(world.uow(read_only=True), day=date(2026, 6, 30))
    assert [c.request.id for c in result.candidates] == [second.id]
    make_offer(
        world.uow(), world.clock, request_id=second.id or 0, establishment_code="SMA",
        start=start, deadline=deadline, actor=DESK,
    )  # fmt: skip
    accepted = answer_offer(
        world.uow(), world.clock, family_id=other, request_id=second.id or 0,
        accepted=True, actor=DESK,
    )  # fmt: skip
    assert accepted.state is SmaState.ACCEPTED
    child = world.family(other).child(accepted.child_id or 0)
    assert child is not None
    assert child.expected
    assert ("SMA", SMA_PLACE) in child.enrolments


def test_late_offers_expire_and_unconfirmed_requests_are_dropped(world: World) -> None:
    request = ask(world, world.martin, world.child_id("Léa"))
    other = expected(world, world.martin)
    make_offer(
        world.uow(), world.clock, request_id=request.id or 0, establishment_code="SMA",
        start=date(2026, 9, 1), deadline=date(2026, 6, 20), actor=DESK,
    )  # fmt: skip
    world.clock.advance(pendulum.duration(days=5))
    assert expire_offers(world.uow(), world.clock, actor=DESK) == []
    world.clock.advance(pendulum.duration(days=1))
    [expired] = expire_offers(world.uow(), world.clock, actor=DESK)
    assert expired.state is SmaState.EXPIRED
    world.clock.advance(pendulum.duration(months=6))
    [reminded] = remind_unconfirmed(world.uow(), world.clock, actor=DESK)
    assert reminded.id == other.id
    assert remind_unconfirmed(world.uow(), world.clock, actor=DESK) == []
    assert purge_unconfirmed(world.uow(), world.clock, actor=DESK) == []
    world.clock.advance(pendulum.duration(days=31))
    [dropped] = purge_unconfirmed(world.uow(), world.clock, actor=DESK)
    assert dropped.state is SmaState.DROPPED
    assert stored(world) == []


# ------------------------------------------------------------------ the commission's order
def _request(number: int, day: int, start: int) -> SmaRequest:
    at = pendulum.datetime(2026, 1, 1, tz="Europe/Paris").add(days=day)
    return SmaRequest(
        1, 1, f"Enfant {number}", None, date(2026, 9, 1 + start), (), ("SMA",), at, at,
        id=number,
    )  # fmt: skip


candidates = st.lists(
    st.builds(
        lambda n, day, start, resident, siblings: Candidate(
            _request(n, day, start), "Famille", resident, siblings
        ),
        st.integers(1, 10_000),
        st.integers(0, 5),
        st.integers(0, 5),
        st.booleans(),
        st.booleans(),
    ),
    max_size=12,
    unique_by=lambda c: c.request.id,
)
criteria = st.permutations(list(CRITERIA)).flatmap(
    lambda names: st.integers(1, len(names)).map(lambda n: tuple(names[:n]))
)


@given(candidates, criteria, st.randoms())
def test_the_order_follows_the_criteria_and_is_stable(
    found: list[Candidate], chosen: tuple[str, ...], random: object
) -> None:
    ordered = commission_order(found, chosen)
    for before, after in itertools.pairwise(ordered):
        assert [before.value(c) for c in chosen] <= [after.value(c) for c in chosen]
        if [before.value(c) for c in chosen] == [after.value(c) for c in chosen]:
            earlier = (before.request.requested_at, before.request.id)
            assert earlier < (after.request.requested_at, after.request.id)
    shuffled = list(found)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert [c.request.id for c in commission_order(shuffled, chosen)] == [
        c.request.id for c in ordered
    ]
