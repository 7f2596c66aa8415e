"""« Sélectionnez l'enfant concerné », « Sélectionnez l'établissement », « Continuer » on one
screen through Flask's client on SQLite: the pair checked on the server, links kept from before,
crafted input; the history with names, and a deadline lifted by the desk without the agent's
words (which the staff's history keeps)."""

from datetime import date

import attrs
from click.testing import CliRunner
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from entrypoints.bootstrap import Services
from entrypoints.cli import main
from portail_core.domain.bookings.reservation import Slot
from portail_core.domain.bookings.selection import Selection
from portail_core.domain.dossiers.family import Family
from portail_core.services.dossiers.creation import create_family
from tests.integration.test_auth_web import (  # noqa: F401  (fixtures reused)
    NOW,
    STAFF,
    client,
    clock,
    csrf,
    services,
    text,
)
from tests.integration.test_reservations_web import family, lea, reservations_count  # noqa: F401
from tests.unit.dossier_builders import complete_family
from tests.unit.reservation_world import with_places

WEDNESDAY = date(2026, 9, 9)
REASON = "Enfant hospitalisé, appel de la mère"
PINS = "Accueil périscolaire de l'école des Pins"


def tom(family: Family) -> int:
    child_id = next(c.id for c in family.children if c.first_name == "Tom")
    assert child_id is not None
    return child_id


def choose(client: FlaskClient, **fields: str) -> TestResponse:
    token = csrf(client, "/reservations")
    return client.post("/reservations", data={"csrf_token": token, **fields})


def tom_at_the_pins_school(services: Services, family: Family) -> None:
    with services.ports.uow() as uow:
        stored = uow.families.get(family.id or 0)
        assert stored is not None
        index = next(i for i, c in enumerate(stored.children) if c.first_name == "Tom")
        stored.children[index] = attrs.evolve(stored.children[index], school_code="PINS")
        uow.families.update(stored, NOW)
        uow.commit()


def at_desk(services: Services, family: Family, selection: Selection, reason: str | None) -> None:
    services.portail.bookings.book_at_desk(
        family_id=family.id or 0,
        child_id=lea(family),
        establishment_code="ALSH",
        selection=selection,
        actor=STAFF,
        forced_reason=reason,
    )


def test_continuer_without_a_child_or_an_establishment_names_what_is_missing(
    services: Services, client: FlaskClient, family: Family
) -> None:
    nothing = choose(client)
    page = text(nothing)
    assert nothing.status_code == 400
    assert "<title>Erreur : Réservations" in page
    assert "Sélectionnez l’enfant concerné." in page
    assert "Sélectionnez l’établissement." in page
    assert 'href="#champ-enfant"' in page
    half = choose(client, enfant=str(lea(family)))
    assert half.status_code == 400
    assert f'value="{lea(family)}" checked' in text(half)  # what was chosen is kept
    assert "Sélectionnez l’enfant concerné." not in text(half)
    for crafted in ("9" * 5000, "-1", "²", "1 OR 1=1"):
        refused = choose(client, enfant=crafted, structure="X" * 10_000)
        assert refused.status_code == 400, crafted
    assert reservations_count(services) == 0


def test_a_child_the_establishment_does_not_serve_is_refused_with_its_reason(
    services: Services, client: FlaskClient, family: Family
) -> None:
    tom_at_the_pins_school(services, family)
    home = text(client.get("/reservations"))
    assert f"{PINS} (Accueil périscolaire (APS)) : pour Tom</label>" in home
    refused = choose(client, enfant=str(lea(family)), structure="APS-PINS")
    page = text(refused)
    assert refused.status_code == 409
    assert f"Léa n'est pas élève de l'école que dessert « {PINS} »." in page
    assert "Choisissez un autre établissement ou un autre enfant." in page
    assert f'value="{lea(family)}" checked' in page
    assert 'value="APS-PINS" checked' in page
    kept = client.get(f"/reservations/{lea(family)}/APS-PINS")  # a link kept from before
    assert kept.status_code == 409
    assert f"Léa n'est pas élève de l'école que dessert « {PINS} »." in text(kept)
    accepted = choose(client, enfant=str(tom(family)), structure="APS-PINS")
    assert accepted.status_code == 302
    assert accepted.headers["Location"].endswith(f"/reservations/{tom(family)}/APS-PINS")


def test_a_link_to_a_child_opens_the_choice_with_the_child_selected(
    services: Services, client: FlaskClient, family: Family
) -> None:
    old = client.get(f"/reservations/{tom(family)}")
    assert old.status_code == 302
    assert old.headers["Location"].endswith(f"/reservations?enfant={tom(family)}")
    page = text(client.get(old.headers["Location"]))
    assert f'value="{tom(family)}" checked' in page
    assert f'value="{lea(family)}" checked' not in page
    grid = text(client.get(f"/reservations/{lea(family)}/ALSH?mois=2026-09"))
    back = f'/reservations?enfant={lea(family)}&amp;structure=ALSH">Choisir un autre enfant'
    assert back.replace("&amp;", "&") in grid


def test_another_familys_child_in_the_form_answers_404(
    services: Services, client: FlaskClient, family: Family
) -> None:
    other = create_family(
        services.ports.uow(), complete_family(), actor=STAFF, clock=services.ports.clock
    )
    with services.ports.uow(read_only=True) as uow:
        stranger = uow.families.get(other)
    assert stranger is not None
    child = str(stranger.children[0].id)
    assert choose(client, enfant=child, structure="ALSH").status_code == 404
    assert choose(client, enfant="999999", structure="ALSH").status_code == 404
    assert reservations_count(services) == 0


def test_the_history_and_the_waiting_list_show_names_not_codes(
    services: Services, client: FlaskClient, family: Family
) -> None:
    at_desk(services, family, Selection(book=frozenset({Slot(WEDNESDAY, "JOURNEE")})), None)
    history = text(client.get(f"/reservations/{lea(family)}/historique"))
    assert "mercredi 9 septembre 2026 : Accueil de loisirs Les Dunes, Journée avec repas" in history
    assert "ALSH" not in history
    assert "JOURNEE" not in history
    assert "<td>le guichet unique</td>" in history
    with services.ports.uow() as uow:  # the Matin is full: Léa waits for a place
        uow.catalogue.replace(with_places(uow.catalogue.get(), "ALSH", "MATIN", 0))
        uow.commit()
    at_desk(services, family, Selection(wait=frozenset({Slot(date(2026, 9, 16), "MATIN")})), None)
    home = text(client.get("/reservations"))
    assert "Accueil de loisirs Les Dunes, Matin" in home
    assert "ALSH / MATIN" not in home


def test_a_deadline_lifted_by_the_desk_is_shown_without_the_agents_reason(
    services: Services, client: FlaskClient, family: Family
) -> None:
    at_desk(services, family, Selection(book=frozenset({Slot(WEDNESDAY, "JOURNEE")})), REASON)
    history = text(client.get(f"/reservations/{lea(family)}/historique"))
    assert "<td>le guichet unique, par dérogation aux délais</td>" in history
    assert "hospitalisé" not in history
    staff = CliRunner().invoke(main, ["family", "history", str(family.id)], obj=services)
    assert staff.exit_code == 0, staff.output
    assert "hospitalisé" in staff.output  # the desk's history keeps the reason
