"""Règlements intérieurs as published versions (issue 13): which version is in force, the
deadline during which the previous acceptance still counts, the families asked (only for the
establishments their children may use), the publication e-mails, the online acceptance."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pendulum
import pytest

from adapters.mail import JinjaEmailRenderer
from adapters.memory.audit import AuditState
from adapters.memory.messaging import MessagingState
from adapters.memory.regulations import RegulationState
from adapters.passwords import PlainTestHasher
from adapters.regulation_files import InMemoryRegulationFiles
from portail_core.domain.dossiers.completeness import SchoolYear
from portail_core.domain.dossiers.documents import DocumentFormat, StoredDocument
from portail_core.domain.dossiers.family import Family
from portail_core.domain.regulations import (
    RegulationVersion,
    establishments_used_by,
    regulation_in_force,
    required_regulations,
)
from portail_core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from portail_core.services.accounts.opening import open_account
from portail_core.services.dossiers.creation import create_family
from portail_core.services.dossiers.regulations import accept_regulation
from portail_core.services.regulations.publishing import RegulationUpload, publish_regulation
from portail_core.services.regulations.reading import regulations_for
from tests.unit.dossier_builders import complete_family, consent
from tests.unit.reservation_world import DESK, FAMILY, NOW, World, book, demo_catalogue, make_world
from tests.unit.test_reservation_services import validate

PDF = RegulationUpload(b"%PDF-1.7\n" + b"0" * 400, "reglement-alsh.pdf")
PNG = RegulationUpload(b"\x89PNG\r\n\x1a\n" + b"0" * 400, "reglement.pdf")
TODAY = NOW.date()
ALL_SIX = {
    "ALSH": "2026-1",
    "APS-PLAGE": "2025-2",
    "CANTINE-PLAGE": "2025-3",
    "APS-PINS": "2025-2",
    "CANTINE-PINS": "2025-3",
    "EMS": "2026-1",
}


def document() -> StoredDocument:
    return StoredDocument(
        file_id="0" * 32, format=DocumentFormat.PDF, size=10, sha256="0" * 64, original_name="r.pdf"
    )


def version(
    number: str, start: date, deadline: date | None = None, id: int = 1
) -> RegulationVersion:
    return RegulationVersion(
        "ALSH", number, "Règlement", start, deadline, document(), NOW, "agent", id=id
    )


def alsh():
    establishment = demo_catalogue()[1].establishment("ALSH")
    assert establishment is not None
    assert establishment.regulation == "2026-1"
    return establishment


def family_with(*versions: str) -> Family:
    family = complete_family()
    family.consents = [consent("ALSH", v) for v in versions]
    return family


# -- the domain -----------------------------------------------------------------------------


def test_without_a_published_version_the_commune_file_version_is_in_force() -> None:
    standing = regulation_in_force(alsh(), [], TODAY)
    assert standing is not None
    assert (standing.version, standing.published, standing.deadline) == ("2026-1", None, None)
    assert standing.counts_for(family_with("2026-1"), TODAY)
    assert not standing.counts_for(family_with(), TODAY)


def test_a_version_announced_for_later_is_not_in_force_yet_but_may_be_accepted() -> None:
    later = version("2026-2", TODAY + timedelta(days=10))
    standing = regulation_in_force(alsh(), [later], TODAY)
    assert standing is not None
    assert standing.version == "2026-1"
    assert standing.announced == (later,)
    assert standing.acceptable("2026-2") == later
    assert standing.acceptable("2026-1") is None  # no document: accepted at the desk only
    assert standing.counts_for(family_with("2026-2"), TODAY)  # a later one covers it


def test_the_previous_acceptance_counts_until_the_deadline_inclusive() -> None:
    deadline = TODAY + timedelta(days=5)
    new = version("2026-2", TODAY, deadline)
    old_only = family_with("2026-1")
    for day, allowed in [(TODAY, True), (deadline, True), (deadline + timedelta(days=1), False)]:
        standing = regulation_in_force(alsh(), [new], day)
        assert standing is not None
        assert (standing.version, standing.previous) == ("2026-2", "2026-1")
        assert standing.counts_for(old_only, day) is allowed
        assert standing.counts_for(family_with("2026-2"), day)
        assert not standing.counts_for(family_with(), day)


def test_without_a_deadline_a_new_version_is_required_from_its_first_day() -> None:
    standing = regulation_in_force(alsh(), [version("2026-2", TODAY)], TODAY)
    assert standing is not None
    assert not standing.counts_for(family_with("2026-1"), TODAY)


def test_the_latest_started_version_is_in_force_and_the_one_before_is_the_previous() -> None:
    first = version("2026-2", TODAY - timedelta(days=30), id=1)
    second = version("2026-3", TODAY - timedelta(days=1), TODAY + timedelta(days=3), id=2)
    standing = regulation_in_force(alsh(), [second, first], TODAY)
    assert standing is not None
    assert (standing.version, standing.previous) == ("2026-3", "2026-2")
    assert not standing.counts_for(family_with("2026-1"), TODAY)


def test_a_family_is_asked_only_for_the_establishments_its_children_may_use() -> None:
    family = complete_family()  # two pupils of the PLAGE school
    catalogue = demo_catalogue()[1]
    used = [e.code for e in establishments_used_by(family, catalogue)]
    assert used == ["ALSH", "APS-PLAGE", "CANTINE-PLAGE", "EMS"]  # no PINS school, no SMA
    assert required_regulations(family, catalogue, [], TODAY) == {
        code: ALL_SIX[code] for code in used
    }


def test_a_version_refuses_a_deadline_before_it_takes_effect_and_bad_dates() -> None:
    with pytest.raises(InvalidInput) as refused:
        RegulationVersion.create(
            establishment_code="ALSH",
            version="2026-2",
            title="R",
            effective_from="01/09/2026",
            deadline="31/08/2026",
            document=document(),
            published_at=NOW,
            published_by="agent",
        )
    assert refused.value.problems == {
        "deadline": "La date limite ne peut précéder l'entrée en vigueur."
    }
    with pytest.raises(InvalidInput) as refused:
        RegulationVersion.create(
            establishment_code="ALSH",
            version="",
            title="R",
            effective_from="31/02/2026",
            deadline=None,
            document=document(),
            published_at=NOW,
            published_by="agent",
        )
    assert set(refused.value.problems) == {"version", "effective_from"}


# -- the use cases on the twin ----------------------------------------------------------------


def publish(world: World, files: InMemoryRegulationFiles, number: str, **options: object):
    arguments: dict[str, object] = {
        "establishment_code": "ALSH",
        "upload": PDF,
        "version": number,
        "effective_from": TODAY,
        "deadline": None,
        "title": None,
        "actor": DESK,
        "public_url": "https://portail.example.fr",
        **options,
    }
    return publish_regulation(world.uow(), files, world.clock, **arguments)  # type: ignore[arg-type]


def pins_family(world: World) -> int:
    family = complete_family()
    family.children = [attrs.evolve(c, school_code="PINS") for c in family.children]
    return create_family(world.uow(), family, actor=DESK, clock=world.clock)


def refusals(world: World) -> list[str]:
    return [
        line.reason for line in validate(world, book((date(2026, 9, 9), "JOURNEE"))).summary.refused
    ]


def test_publishing_stores_the_pdf_audits_and_emails_each_family_concerned_once() -> None:
    world, files = make_world(), InMemoryRegulationFiles()
    pins_family(world)
    done = publish(world, files, "2026-2", deadline=TODAY + timedelta(days=20))
    assert (done.establishment_name, done.families_told) == ("Accueil de loisirs Les Dunes", 2)
    assert files.open(done.version.document.file_id) == PDF.data
    [event] = [
        e
        for e in world.store.committed(AuditState).audit_events
        if e.action == "regulation.publish"
    ]
    assert event.details["version"] == "2026-2"
    assert event.actor == DESK
    outbox = world.store.committed(MessagingState).outbox
    sent = [m for m in outbox if m.template == "regulation_published"]
    assert len(sent) == 2
    assert {m.context["version"] for m in sent} == {"2026-2"}
    assert all(
        m.context["url"] == "https://portail.example.fr/informations/reglements" for m in sent
    )


def test_only_the_families_of_the_school_served_are_emailed() -> None:
    world, files = make_world(), InMemoryRegulationFiles()
    pins = pins_family(world)
    done = publish(world, files, "2026-2", establishment_code="APS-PLAGE")
    assert done.families_told == 1
    outbox = world.store.committed(MessagingState).outbox
    assert [m.family_id for m in outbox if m.template == "regulation_published"] == [world.martin]
    assert pins != world.martin


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"upload": PNG}, InvalidInput),
        ({"deadline": TODAY - timedelta(days=1)}, InvalidInput),
        ({"establishment_code": "NOPE"}, NotFound),
    ],
)
def test_a_refused_publication_keeps_nothing(options: dict[str, object], error: type) -> None:
    world, files = make_world(), InMemoryRegulationFiles()
    with pytest.raises(error):
        publish(world, files, "2026-2", **options)
    assert world.store.committed(RegulationState).versions == {}
    assert files._contents == {}


def test_a_version_number_is_published_once_and_versions_take_effect_in_order() -> None:
    world, files = make_world(), InMemoryRegulationFiles()
    publish(world, files, "2026-2", effective_from=TODAY + timedelta(days=10))
    with pytest.raises(Conflict, match="déjà publiée"):
        publish(world, files, "2026-2")
    with pytest.raises(RuleViolation, match="entre en vigueur après"):
        publish(world, files, "2026-3", effective_from=TODAY)
    assert len(files._contents) == 1


def test_a_new_version_with_a_deadline_blocks_bookings_only_after_it() -> None:
    world, files = make_world(), InMemoryRegulationFiles()
    deadline = TODAY + timedelta(days=3)
    publish(world, files, "2026-2", deadline=deadline)
    assert refusals(world) == []  # 2026-1 still counts
    [item] = [r for r in regulations_for(world.uow(), world.clock, world.martin) if r.to_accept]
    assert (item.to_accept.version, item.blocked, item.deadline) == ("2026-2", False, deadline)
    world.clock.set(pendulum.datetime(2026, 6, 19, 10, tz="Europe/Paris"))
    [reason] = refusals(world)
    assert "(version 2026-2) n'a pas été accepté : lisez-le et acceptez-le" in reason
    done = accept_regulation(
        world.uow(),
        world.clock,
        family_id=world.martin,
        establishment_code="ALSH",
        actor=FAMILY,
        version="2026-2",
        online=True,
    )
    assert (done.version, done.already) == ("2026-2", False)
    assert refusals(world) == []
    again = accept_regulation(
        world.uow(),
        world.clock,
        family_id=world.martin,
        establishment_code="ALSH",
        actor=FAMILY,
        version="2026-2",
        online=True,
    )
    assert again.already
    events = [
        e for e in world.store.committed(AuditState).audit_events if e.action == "regulation.accept"
    ]
    assert [(e.actor, e.details["version"]) for e in events] == [(FAMILY, ["2026-1", "2026-2"])]


def test_online_only_a_published_version_is_accepted() -> None:
    world, files = make_world(), InMemoryRegulationFiles()
    with pytest.raises(RuleViolation):  # the commune file's 2026-1 has no document
        accept_regulation(
            world.uow(),
            world.clock,
            family_id=world.martin,
            establishment_code="ALSH",
            actor=FAMILY,
            version="2026-1",
            online=True,
        )
    publish(world, files, "2026-2", effective_from=TODAY + timedelta(days=5))
    with pytest.raises(RuleViolation, match="en vigueur est la 2026-1"):
        accept_regulation(
            world.uow(),
            world.clock,
            family_id=world.martin,
            establishment_code="ALSH",
            actor=FAMILY,
            version="2025-9",
            online=True,
        )
    done = accept_regulation(  # announced for later: may be accepted at once
        world.uow(),
        world.clock,
        family_id=world.martin,
        establishment_code="ALSH",
        actor=FAMILY,
        version="2026-2",
        online=True,
    )
    assert done.version == "2026-2"


def test_opening_an_account_asks_only_for_the_regulations_of_the_childrens_establishments() -> None:
    world = make_world()
    family = complete_family()
    family.consents = [
        consent(code, ALL_SIX[code]) for code in ("ALSH", "APS-PLAGE", "CANTINE-PLAGE", "EMS")
    ]
    family_id = create_family(world.uow(), family, actor=DESK, clock=world.clock)
    opening = open_account(
        world.uow(),
        family_id,
        school_year=SchoolYear(2026),
        public_url="https://p.fr",
        hasher=PlainTestHasher(),
        actor=DESK,
        clock=world.clock,
    )
    assert opening.identifier == f"martin.{family_id}"


def test_the_publication_email_reads_in_french_with_the_deadline_and_the_link() -> None:
    world, files = make_world(), InMemoryRegulationFiles()
    publish(world, files, "2026-2", deadline=date(2026, 9, 30), title="Règlement <été>")
    [message] = [
        m
        for m in world.store.committed(MessagingState).outbox
        if m.template == "regulation_published"
    ]
    rendered = JinjaEmailRenderer().render(message.template, message.context)
    assert rendered.subject == (
        "Nouveau règlement intérieur : Accueil de loisirs Les Dunes (version 2026-2)"
    )
    assert "en vigueur à partir du lundi 15 juin 2026" in rendered.text
    assert "Acceptez-le avant le mercredi 30 septembre 2026 inclus" in rendered.text
    assert "https://portail.example.fr/informations/reglements" in rendered.text
    assert "Règlement &lt;été&gt;" in rendered.html
    assert "avant le mercredi 30 septembre 2026 inclus" in rendered.html
