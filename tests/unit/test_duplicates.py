"""A new dossier that is probably a family the portal has: the same main guardian's e-mail, or
the same main guardian (accents and case aside) with a child born the same day."""

from datetime import date

import attrs
import pytest

from adapters.clock import FixedClock
from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.duplicates import likeness, most_alike
from portail_core.domain.dossiers.family import Family
from portail_core.errors import Conflict
from portail_core.services.dossiers.creation import ImportOutcome, create_family, import_families
from tests.unit.dossier_builders import ACCEPTED_AT, change_main_guardian, complete_family

DESK = Actor.staff("guichet")


def stranger() -> Family:
    family = complete_family()
    family.name = "Bernard"
    change_main_guardian(family, first_name="Paul", last_name="Bernard", email="p@example.fr")
    return family


def test_the_same_email_whatever_its_case_is_a_probable_duplicate() -> None:
    again = stranger()
    change_main_guardian(again, email="CLAIRE.MARTIN@example.fr")
    assert likeness(again, complete_family()) == (
        "même adresse électronique du responsable principal (CLAIRE.MARTIN@example.fr)"
    )


def test_the_same_guardian_spelt_otherwise_with_a_child_born_the_same_day() -> None:
    again = complete_family()
    change_main_guardian(again, first_name="CLAIRE", last_name="martin", email=None)
    again.children = again.children[1:]  # only Tom this time
    reason = likeness(again, complete_family())
    assert reason is not None
    assert reason.startswith("même responsable principal (CLAIRE martin) et un enfant né le")


def test_a_namesake_without_a_common_birth_date_is_another_family() -> None:
    namesake = complete_family()
    change_main_guardian(namesake, email=None)
    namesake.children = [attrs.evolve(c, birth_date=date(2015, 1, 1)) for c in namesake.children]
    assert likeness(namesake, complete_family()) is None
    assert most_alike(stranger(), [complete_family()]) is None


def test_the_desks_default_refuses_a_duplicate_and_names_the_dossier() -> None:
    store, clock = InMemoryStore(), FixedClock(ACCEPTED_AT)
    first = create_family(InMemoryUnitOfWork(store), complete_family(), actor=DESK, clock=clock)
    with pytest.raises(Conflict) as refused:
        create_family(
            InMemoryUnitOfWork(store),
            complete_family(),
            actor=DESK,
            clock=clock,
            refuse_duplicates=True,
        )
    assert f"le dossier n° {first} (famille Martin)" in refused.value.message
    with InMemoryUnitOfWork(store) as uow:
        assert len(uow.families.listing()) == 1


def test_a_dry_run_import_reports_without_recording() -> None:
    store, clock = InMemoryStore(), FixedClock(ACCEPTED_AT)
    imported = complete_family()
    imported.legacy_reference = "A-12"
    report = import_families(
        InMemoryUnitOfWork(store),
        [imported, complete_family()],
        source="x.csv",
        actor=DESK,
        clock=clock,
        dry_run=True,
    )
    assert [line.outcome for line in report.families] == [
        ImportOutcome.IMPORTED,
        ImportOutcome.PROBABLE_DUPLICATE,
    ]
    assert "plus haut dans ce fichier" in report.families[1].reason
    with InMemoryUnitOfWork(store) as uow:
        assert uow.families.listing() == []
