"""A child's PAI from the family's health form, through Flask's client on SQLite: switched on or
off (or a new end of validity) it waits for the guichet unique's validation like a quotient, the
price unchanged until then; a PAI without an end of validity is refused by the form; a booking
refused for an incomplete PAI says why on the planning the family is looking at."""

import json
import re
from datetime import date
from pathlib import Path

import attrs
from click.testing import CliRunner
from flask.testing import FlaskClient

from entrypoints.bootstrap import Services
from entrypoints.cli import main
from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.changes import ChangeKind, ChangeRequest
from portail_core.domain.dossiers.child import Pai
from portail_core.domain.dossiers.family import Family
from portail_core.services.dossiers.health import HealthUpdate
from portail_core.services.dossiers.reading import family_history
from tests.integration.test_auth_web import STAFF, text
from tests.integration.test_dossier_forms_web import send_health, stored_child
from tests.integration.test_reservations_web import (  # noqa: F401  (fixtures reused)
    WEDNESDAY,
    client,
    clock,
    family,
    grid_post,
    lea,
    services,
)

SEPTEMBER = date(2026, 9, 9)
PAI_FORM = {"has_pai": "oui", "pai_valid_until": "04/07/2027", "pai_instructions": "Trousse."}


def journey_price(services: Services, family: Family) -> str:
    """What a day of the ALSH costs Léa, as her planning shows it."""
    assert family.id is not None
    planning = services.portail.bookings.planning(
        family_id=family.id,
        child_id=lea(family),
        establishment_code="ALSH",
        first=SEPTEMBER,
        last=SEPTEMBER,
    )
    cell = planning.cell(SEPTEMBER, "JOURNEE")
    assert cell is not None
    assert cell.price is not None
    return f"{cell.price.amount} ({cell.price.basis})"


def pai_changes(services: Services, family: Family) -> list[ChangeRequest]:
    changes = services.portail.dossiers.changes(family_id=family.id, pending_only=False)
    return [c for c in changes if c.kind is ChangeKind.PAI]


def identifier(family: Family) -> str:
    """An account identifier of the family, as ``stored_child`` reads it."""
    return f"famille.{family.id}"


def test_a_pai_switched_on_waits_for_the_desk_and_the_price_changes_on_approval(
    services: Services, client: FlaskClient, family: Family
) -> None:
    child = str(lea(family))
    before = journey_price(services, family)
    assert "tarif PAI" not in before
    response = send_health(client, child, **PAI_FORM)
    assert response.status_code == 302
    assert "pai=1" in response.headers["Location"]
    notice = text(client.get(response.headers["Location"]))
    assert "Le changement du PAI est transmis au guichet unique" in notice
    assert "PAI de Léa – en attente de validation" in notice
    assert "04/07/2027" not in notice  # the family page shows no health information

    recorded = stored_child(services, identifier(family), child).pai
    assert recorded is not None
    assert recorded.has_pai is False  # until the desk validates it
    assert journey_price(services, family) == before
    form = text(client.get(f"/famille/enfants/{child}"))
    assert 'id="pai-en-attente"' in form
    assert "attend la validation du guichet unique" in form
    assert "le PAI enregistré (non) et son tarif restent appliqués" in form
    assert 'value="2027-07-04"' in form  # the form shows what was asked
    again = send_health(client, child, **PAI_FORM)  # the same form saved again: asked once
    assert again.status_code == 302
    (change,) = pai_changes(services, family)
    assert change.describe() == "Léa : PAI oui, jusqu'au 04/07/2027"

    services.portail.dossiers.approve_change(change.id, actor=STAFF)
    assert stored_child(services, identifier(family), child).pai == Pai(
        True, date(2027, 7, 4), "Trousse."
    )
    assert journey_price(services, family) == "8,20\xa0€ (tarif PAI (panier-repas))"
    assert 'id="pai-en-attente"' not in text(client.get(f"/famille/enfants/{child}"))
    trail = json.dumps(
        [
            [e.summary, dict(e.details)]
            for e in family_history(services.ports.uow(read_only=True), family.id)
        ],
        ensure_ascii=False,
    )
    assert "Changement demandé : PAI de Léa" in trail
    assert "Changement validé : PAI de Léa" in trail
    assert "Trousse" not in trail  # health information stays out of the trail
    assert "2027-07-04" not in trail


def test_a_different_pai_change_while_one_waits_is_refused_at_the_pai_field(
    services: Services, client: FlaskClient, family: Family
) -> None:
    child = str(lea(family))
    assert send_health(client, child, **PAI_FORM).status_code == 302
    other = send_health(client, child, **{**PAI_FORM, "pai_valid_until": "2027-08-31"})
    page = text(other)
    assert other.status_code == 409
    assert "attend déjà la validation du guichet unique" in page
    assert 'href="#champ-pai"' in page
    assert 'id="champ-pai"' in page
    assert 'value="2027-08-31"' in page  # what was typed, kept
    assert len(pai_changes(services, family)) == 1


def test_a_pai_without_end_of_validity_is_refused_with_a_message(
    services: Services, client: FlaskClient, family: Family
) -> None:
    child = str(lea(family))
    response = send_health(
        client, child, has_pai="oui", pai_instructions="Trousse.", allergies="Kiwi"
    )
    page = text(response)
    assert response.status_code == 400
    assert "Indiquez la date de fin de validité du PAI" in page
    assert 'href="#champ-pai_valid_until"' in page
    assert 'aria-invalid="true"' in page
    assert re.search(r'<textarea id="champ-pai_instructions"[^>]*>Trousse\.</textarea>', page)
    assert 'maxlength="2000"' in page
    assert stored_child(services, identifier(family), child).allergies == ""  # nothing saved
    assert pai_changes(services, family) == []
    without = send_health(client, child, has_pai="oui", pai_valid_until="2027-07-04")
    assert "Indiquez les consignes pratiques du PAI" in text(without)


def test_every_link_of_the_error_summary_points_to_a_field_of_the_page(
    client: FlaskClient, family: Family
) -> None:
    child = str(lea(family))
    response = send_health(client, child, has_pai="non", pai_valid_until="2027-07-04")
    page = text(response)
    assert response.status_code == 400
    assert "l'enfant n'a pas de PAI" in page
    targets = re.findall(r'href="#(champ-[a-z_]+)"', page)
    assert "champ-pai" in targets
    for target in targets:
        assert f'id="{target}"' in page, target


def test_an_incomplete_pai_is_said_on_the_planning_before_booking(
    services: Services, client: FlaskClient, family: Family
) -> None:
    child = lea(family)
    with services.ports.uow() as uow:  # recorded before the form refused it
        stored = uow.families.get(family.id)
        assert stored is not None
        old = stored.child(child)
        assert old is not None
        stored.children[stored.children.index(old)] = attrs.evolve(old, pai=Pai(True, None, "x"))
        uow.families.update(stored, services.ports.clock.now())
        uow.commit()
    grid = text(client.get(f"/reservations/{child}/ALSH?mois=2026-09"))
    assert "Vos réservations seront refusées" in grid
    assert "Léa : date de fin de validité du PAI" in grid
    assert 'href="/famille"' in grid
    refused = grid_post(client, child, creneau=[f"{WEDNESDAY}|JOURNEE"])
    assert "Léa : date de fin de validité du PAI" in text(refused)  # type: ignore[arg-type]


def test_a_complete_dossier_shows_no_refusal_on_the_planning(
    client: FlaskClient, family: Family
) -> None:
    grid = text(client.get(f"/reservations/{lea(family)}/ALSH?mois=2026-09"))
    assert "Vos réservations seront refusées" not in grid


def test_the_desk_sets_a_pai_at_once(services: Services, family: Family) -> None:
    """The desk validates on the signed PAI: its change needs no request."""
    assert family.id is not None
    desk = Actor.staff("agent")
    saved = services.portail.dossiers.update_child_health(
        family.id,
        lea(family),
        HealthUpdate(
            has_pai=True,
            pai_valid_until=date(2027, 7, 4),
            pai_instructions="Trousse.",
            vaccinations_up_to_date=True,
        ),
        actor=desk,
    )
    assert saved.pai_request is None
    assert saved.child.pai == Pai(True, date(2027, 7, 4), "Trousse.")


def test_the_desk_lists_and_approves_a_pai_change_with_the_command_line(
    services: Services, client: FlaskClient, family: Family, instance_path: Path
) -> None:
    def run(*args: str) -> str:
        env = {"PORTAIL_INSTANCE_PATH": str(instance_path)}
        result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
        return f"{result.exit_code}|{result.output}"

    assert send_health(client, str(lea(family)), **PAI_FORM).status_code == 302
    listed = run("changes", "list")
    assert listed.startswith("0|")
    assert "Léa : PAI oui, jusqu'au 04/07/2027" in listed
    (change,) = pai_changes(services, family)
    approved = run("changes", "approve", str(change.id))
    assert approved.startswith(f"0|Demande n° {change.id} validée")
    assert journey_price(services, family) == "8,20\xa0€ (tarif PAI (panier-repas))"
    reads = [
        e.actor.identifier
        for e in family_history(services.ports.uow(read_only=True), family.id)
        if e.action == "child.health_read"
    ]
    assert any(who != identifier(family) for who in reads)  # the desk's read is recorded
