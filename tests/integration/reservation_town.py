"""The demo town on a real database (or the in-memory twin), for the reservation integration
tests: the catalogue loaded through the use case, complete families (one e-mail address each),
and the reservation use cases called with the real units of work, on 15 June 2026."""

from __future__ import annotations

import attrs
from sqlalchemy import Engine, text

from adapters.clock import FixedClock
from portail_core.domain.bookings.rules import PromotionMode, WaitingListPolicy
from portail_core.domain.bookings.selection import Selection
from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.ports.catalogue import CalendarSources
from portail_core.ports.unit_of_work import UnitOfWorkFactory
from portail_core.services.bookings.confirmation import Confirmation, confirm_planning
from portail_core.services.bookings.validation import Validation, validate_planning
from portail_core.services.catalogue.offer import load_catalogue
from portail_core.services.dossiers.creation import create_family
from tests.unit.dossier_builders import complete_family
from tests.unit.reservation_world import (
    DESK,
    FAMILY,
    NOW,
    demo_catalogue,
    sources,
    with_places,
)

ALSH = "ALSH"
JOURNEE = "JOURNEE"
AUTOMATIC = WaitingListPolicy(PromotionMode.AUTOMATIC)


def with_policy(catalogue: Catalogue, unit: str, policy: WaitingListPolicy) -> Catalogue:
    """The catalogue with that waiting-list policy for one unit of the ALSH."""
    alsh = catalogue.establishment(ALSH)
    assert alsh is not None
    units = tuple(
        attrs.evolve(u, rules=attrs.evolve(u.rules, waiting_list=policy)) if u.code == unit else u
        for u in alsh.units
    )
    changed = attrs.evolve(alsh, units=units)
    return Catalogue(
        catalogue.schools,
        tuple(changed if e.code == ALSH else e for e in catalogue.establishments),
    )


@attrs.define
class Town:
    uow: UnitOfWorkFactory
    clock: FixedClock
    sources: CalendarSources
    families: int = 0

    def add_family(self) -> int:
        """A complete family (Léa, 8, élémentaire; Tom, 5, maternelle) with its own address:
        famille<n>@example.fr, n counting from 1."""
        self.families += 1
        family = complete_family()
        family.guardians[0] = attrs.evolve(
            family.guardians[0], email=f"famille{self.families}@example.fr"
        )
        return create_family(self.uow(), family, actor=DESK, clock=self.clock)

    def child_id(self, family_id: int, first_name: str = "Léa") -> int:
        with self.uow(read_only=True) as uow:
            family = uow.families.get(family_id)
        assert family is not None
        child = next(c for c in family.children if c.first_name == first_name)
        assert child.id is not None
        return child.id

    def validate(self, family_id: int, selection: Selection, child: str = "Léa") -> Validation:
        return validate_planning(
            self.uow(),
            self.sources,
            self.clock,
            family_id=family_id,
            child_id=self.child_id(family_id, child),
            establishment_code=ALSH,
            selection=selection,
        )

    def draft(self, family_id: int, selection: Selection, child: str = "Léa") -> str:
        token = self.validate(family_id, selection, child).draft_token
        assert token is not None
        return token

    def confirm(self, family_id: int, token: str) -> Confirmation:
        return confirm_planning(
            self.uow(), self.sources, self.clock, family_id=family_id, token=token, actor=FAMILY
        )

    def run(self, family_id: int, selection: Selection, child: str = "Léa") -> Confirmation:
        """Validate then confirm at once."""
        return self.confirm(family_id, self.draft(family_id, selection, child))


def make_town(
    uow: UnitOfWorkFactory,
    *,
    places: int | None = None,
    policy: WaitingListPolicy = AUTOMATIC,
) -> Town:
    """``places``: the ALSH's "Journée" gets that many places per age group; ``policy``: its
    waiting-list policy (automatic unless told, whatever the demo file says)."""
    clock = FixedClock(NOW)
    details, catalogue = demo_catalogue()
    if places is not None:
        catalogue = with_places(catalogue, ALSH, JOURNEE, places)
    catalogue = with_policy(catalogue, JOURNEE, policy)
    load_catalogue(uow(), details, catalogue, actor=DESK, clock=clock)
    return Town(uow, clock, sources())


def scalar(engine: Engine, sql: str, **parameters: object) -> int:
    """One number read with SQL, outside any unit of work."""
    with engine.connect() as connection:
        value = connection.execute(text(sql), parameters).scalar_one()
    assert isinstance(value, int)
    return value
