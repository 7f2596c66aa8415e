"""A family that has left a trace in every table that can hold something about a family, made
through the façade as the town and the family would (plus the few rows no use case of a test
can reach cheaply: a waiting-list entry, a pointage mark, a visit to PayFiP), on a real
database. Its names, addresses and numbers are found nowhere else, so that a scan of the
database for them means something (the erasure and the export tests)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

import attrs
import pendulum
import pytest
from sqlalchemy import Engine, select

from adapters.clock import FixedClock
from adapters.commune_file import read_commune_file
from adapters.passwords import PlainTestHasher
from adapters.persistence import tables, upgrade
from entrypoints.bootstrap import Services, bootstrap
from entrypoints.settings import Settings
from portail_core.domain.allocation import Decision, Outcome, Wish
from portail_core.domain.attendance import AttendanceMark, Presence
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.bookings.reservation import PlaceKey, WaitingEntry
from portail_core.domain.bookings.selection import Selection, Slot
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import Family, RegulationConsent
from portail_core.domain.dossiers.guardians import AuthorizedPerson, Guardian
from portail_core.domain.payments.attempt import PaymentAttempt
from portail_core.domain.payments.online import PayfipMode
from portail_core.errors import PortailError
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.absences.common import Upload
from portail_core.services.catalogue.offer import load_catalogue
from tests.unit.dossier_builders import complete_family

JUNE = pendulum.datetime(2026, 6, 15, 10, 0, tz="Europe/Paris")
BILLING_DAY = pendulum.datetime(2026, 10, 2, 9, 0, tz="Europe/Paris")
ERASURE_DAY = pendulum.datetime(2026, 10, 5, 9, 0, tz="Europe/Paris")
STAFF = Actor.staff("agent")
PASSWORD = "cheval agrafe pile correct"
IP = "192.0.2.44"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EMAIL = "ysolde.quaresmiere@exemple.test"
NEW_EMAIL = "ysolde.nouvelle-adresse@exemple.test"
# What names the family: nothing else in the database contains any of these (any case).
PERSONAL = (
    "quaresm",  # the family's name, its members' last names, its account's identifier
    "ysolde",
    "anselme",
    "ambroisine",
    "théodebert",
    "philomène",
    "vauquelin",
    "tamaris",
    "exemple.test",  # every e-mail address of the family
    "611223344",
    "755443322",
    "558776655",
)


def unique_family(consents: list[RegulationConsent]) -> Family:
    """The complete family of the dossier tests, with names found nowhere else."""
    family = complete_family()
    family.name = "Quaresmière"
    family.guardians = [
        Guardian.create(
            first_name="Ysolde",
            last_name="Quaresmière",
            relationship="mère",
            street="7 impasse des Tamaris",
            postcode="40200",
            city="Mimizan",
            phones=["06 11 22 33 44"],
            email=EMAIL,
        ),
        Guardian.create(
            first_name="Anselme",
            last_name="Quaresmière",
            relationship="père",
            phones=["07 55 44 33 22"],
        ),
    ]
    family.children = [
        attrs.evolve(child, first_name=first, last_name="Quaresmière")
        for child, first in zip(family.children, ("Ambroisine", "Théodebert"), strict=True)
    ]
    family.authorized_persons = [
        AuthorizedPerson.create(
            first_name="Philomène",
            last_name="Vauquelin",
            phone="05 58 77 66 55",
            relationship="grand-mère",
            can_pick_up=True,
            emergency_contact=True,
        )
    ]
    family.documents = []
    family.consents = consents
    return family


@attrs.define
class Footprint:
    services: Services
    clock: FixedClock
    family_id: int
    identifier: str
    child_id: int
    invoice: str

    @property
    def actor(self) -> Actor:
        return Actor(self.identifier, Channel.PORTAL)


def services_on(database_url: str, instance_path: Path, clock: FixedClock) -> Services:
    settings = Settings.from_env(
        {
            "PORTAIL_INSTANCE_PATH": str(instance_path),
            "PORTAIL_DATABASE_URL": database_url,
            "PORTAIL_SECRET_KEY": "k" * 40,
        }
    )
    services = bootstrap(settings, clock=clock, hasher=PlainTestHasher())
    assert services.engine is not None
    upgrade(services.engine)
    demo = read_commune_file((files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8"))
    load_catalogue(services.ports.uow(), demo.details, demo.catalogue, actor=STAFF, clock=clock)
    return services


@pytest.fixture
def footprint(database_url: str, instance_path: Path) -> Iterator[Footprint]:
    clock = FixedClock(JUNE)
    services = services_on(database_url, instance_path, clock)
    try:
        yield leave_a_footprint(services, clock)
    finally:
        services.close()


def leave_a_footprint(services: Services, clock: FixedClock) -> Footprint:
    portail = services.portail
    with services.ports.uow(read_only=True) as uow:
        regulations = uow.catalogue.get().regulations()
    consents = [
        RegulationConsent.create(establishment_code=code, version=version, accepted_at=JUNE)
        for code, version in regulations.items()
    ]
    family_id = portail.dossiers.create(unique_family(consents), actor=STAFF)
    portail.dossiers.add_document(
        family_id,
        kind="justificatif_domicile",
        data=PDF,
        filename="facture-edf-tamaris.pdf",
        valid_until=date(2026, 9, 1),
        actor=STAFF,
    )
    identifier = _open_account(services, family_id)
    family = Actor(identifier, Channel.PORTAL)
    _log_in_and_out(services, identifier)
    child = _first_child(services, family_id)
    portail.dossiers.add_document(
        family_id,
        kind="assurance",
        data=PDF,
        filename="assurance-ysolde.pdf",
        valid_until=None,
        actor=family,
    )
    portail.dossiers.request_address_change(
        family_id, street="5 allée des Tamaris", postcode="40200", city="Mimizan", actor=family
    )
    portail.dossiers.update_contact(
        family_id, 1, phones=["06 11 22 33 44"], email=NEW_EMAIL, actor=family
    )  # a link to the new address; the account keeps the old one until it is followed
    _book(services, family_id, child, family)
    portail.absences.declare(
        family_id=family_id,
        child_id=child,
        first_day="2026-09-16",
        last_day="2026-09-16",
        reason="maladie",
        actor=family,
        certificate=Upload(PDF, "certificat-ambroisine.pdf"),
    )
    portail.feeds.create(family_id=family_id, actor=family)  # its calendar feed
    portail.preregistrations.submit(  # outside the school map: a derogation
        family_id=family_id,
        child=child,
        school_year="2026-2027",
        school="PLAGE",
        derogation_reason="Près du travail d'Ysolde",
        documents={"justificatif_domicile": Upload(PDF, "facture-tamaris.pdf")},
        actor=family,
    )
    portail.sma.request(  # a place at the SMA for a younger sibling, expected
        family_id=family_id,
        child_id=None,
        last_name="Tamaris",
        expected_birth_date="15/09/2026",
        start_date="04/01/2027",
        hours={"lundi": ("8:30", "17:00")},
        wishes=["SMA"],
        actor=family,
    )
    portail.allocation.submit(  # summer days asked in the window, the first preferred
        family_id,
        "ETE2027",
        child,
        [Slot(date(2027, 7, 7), "JOURNEE"), Slot(date(2027, 7, 8), "JOURNEE")],
        family,
    )
    _rows_no_use_case_reaches(services, family_id, child)
    clock.set(BILLING_DAY)
    invoice = _bill_and_pay(services, family_id)
    return Footprint(services, clock, family_id, identifier, child, invoice)


def _open_account(services: Services, family_id: int) -> str:
    opening = services.portail.accounts.open(family_id, actor=STAFF)
    with services.ports.uow(read_only=True) as uow:
        email = next(m for m in uow.outbox.listing(20) if m.template == "account_activation")
    secret = email.context["activation_url"].rsplit("/", 1)[-1]
    services.portail.accounts.activate(secret, PASSWORD, actor_ip=IP)
    return opening.identifier


def _log_in_and_out(services: Services, identifier: str) -> None:
    accounts = services.portail.accounts
    accounts.log_in(identifier, PASSWORD, actor_ip=IP)  # a session stays open
    for typed, password in ((identifier, "pas le bon mot de passe"), (EMAIL, PASSWORD)):
        # a wrong password; the e-mail typed in place of the identifier
        with contextlib.suppress(PortailError):
            accounts.log_in(typed, password, actor_ip=IP)
    accounts.request_password_reset(identifier, actor_ip=IP)
    accounts.request_password_reset(EMAIL, actor_ip=IP)


def _first_child(services: Services, family_id: int) -> int:
    child: Child = services.portail.dossiers.family(family_id).children[0]
    assert child.id is not None
    return child.id


def _book(services: Services, family_id: int, child: int, family: Actor) -> None:
    """Two Wednesdays at the ALSH confirmed; a third validated and left (a draft)."""
    bookings = services.portail.bookings
    for days in ((date(2026, 9, 9), date(2026, 9, 16)), (date(2026, 9, 23),)):
        selection = Selection(book=frozenset(Slot(day, "JOURNEE") for day in days))
        token = bookings.validate(
            family_id=family_id, child_id=child, establishment_code="ALSH", selection=selection
        ).draft_token
        assert token is not None
        if len(days) == 2:
            bookings.confirm(family_id=family_id, token=token, actor=family)


def _rows_no_use_case_reaches(services: Services, family_id: int, child: int) -> None:
    with services.ports.uow() as uow:
        uow.waiting_list.add(
            WaitingEntry(family_id, child, "ALSH", "JOURNEE", date(2026, 9, 30), "ELEM", JUNE)
        )
        uow.attendance.record(
            AttendanceMark(child, "ALSH", "JOURNEE", date(2026, 9, 9), Presence.PRESENT, JUNE)
        )
        _a_published_draw(uow, family_id, child)
        uow.commit()


def _a_published_draw(uow: UnitOfWork, family_id: int, child: int) -> None:
    """The summer's result for the family's first request, as a published draw leaves it."""
    campaign = uow.allocations.campaign("ETE2027", for_update=True)
    assert campaign is not None
    place = PlaceKey("ALSH", "JOURNEE", date(2027, 7, 7), "ELEM")
    wish = Wish(family_id, child, place, preference=1)
    uow.allocations.save_decisions(
        "ETE2027", [Decision(wish, Outcome.GRANTED, priority_class=1, draw_rank=1)]
    )
    campaign.drawn_at = campaign.published_at = JUNE
    uow.allocations.update_campaign(campaign)


def _bill_and_pay(services: Services, family_id: int) -> str:
    services.portail.billing.run_month(month="2026-09", actor=STAFF)
    with services.ports.uow() as uow:
        [invoice] = uow.invoices.of_family(family_id)
        uow.attempts.add(
            PaymentAttempt(
                family_id,
                invoice.number,
                "R2026000001",
                invoice.total,
                "OP-FOOTPRINT-1",
                BILLING_DAY,
                numcli="012345",
                mode=PayfipMode.TEST,
            )
        )
        uow.commit()
    services.portail.payments.record(
        invoice_number=invoice.number,
        amount=f"{invoice.total.cents // 100},{invoice.total.cents % 100:02d}",
        mode="cheque",
        reference="chèque n° 8812",
        actor=STAFF,
    )
    return invoice.number


def personal_data(engine: Engine) -> set[tuple[str, str, str]]:
    """Every (table, column, what) where a value of any row contains something of ``PERSONAL``
    (any case; JSON as its text): every table of the schema, every column."""
    found = set()
    with engine.connect() as connection:
        for table in tables.metadata.sorted_tables:
            for row in connection.execute(select(table)).mappings():
                for column, value in row.items():
                    text = _as_text(value).casefold()
                    found |= {(table.name, column, what) for what in PERSONAL if what in text}
    return found


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)
