"""The seven reservation steps through Flask's client on SQLite (the child and the establishment
chosen on one screen), crafted posts refused with nothing written, another family's child
answering 404."""

import re
from datetime import date

import pytest
from flask.testing import FlaskClient

from entrypoints.bootstrap import Services
from portail_core.domain.dossiers.family import Family
from portail_core.services.dossiers.creation import create_family
from tests.integration.test_auth_web import (  # noqa: F401  (fixtures reused)
    STAFF,
    activate,
    client,
    clock,
    csrf,
    log_in,
    open_family_account,
    services,
    text,
)
from tests.unit.dossier_builders import complete_family
from tests.unit.reservation_world import with_places

WEDNESDAY = "2026-09-09"
FIRST, LAST = date(2026, 1, 1), date(2027, 12, 31)


@pytest.fixture
def family(services: Services, client: FlaskClient) -> Family:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    family_id = int(account["identifier"].rsplit(".", 1)[1])
    with services.ports.uow(read_only=True) as uow:
        found = uow.families.get(family_id)
    assert found is not None
    return found


def lea(family: Family) -> int:
    child_id = next(c.id for c in family.children if c.first_name == "Léa")
    assert child_id is not None
    return child_id


def reservations_count(services: Services) -> int:
    """Booked reservations of every child."""
    with services.ports.uow(read_only=True) as uow:
        return sum(
            len(uow.reservations.of_child(child.id or 0, None, FIRST, LAST))
            for family in uow.families.listing()
            for child in family.children
        )


def grid_post(client: FlaskClient, child_id: int, **fields: list[str] | str) -> object:
    path = f"/reservations/{child_id}/ALSH"
    token = csrf(client, f"{path}?mois=2026-09")
    return client.post(path, data={"csrf_token": token, "mois": "2026-09", **fields})


def test_the_seven_steps_then_a_cancellation_and_the_history(
    services: Services, client: FlaskClient, family: Family
) -> None:
    child = lea(family)
    home = text(client.get("/reservations"))  # step 1
    assert "<h1>Réservations</h1>" in home
    assert "<legend>Sélectionnez l’enfant concerné</legend>" in home  # steps 2 to 4: one screen
    assert f'name="enfant" value="{child}"' in home
    assert "<legend>Sélectionnez l’établissement</legend>" in home
    assert 'name="structure" value="ALSH"' in home
    assert "Continuer" in home
    token = csrf(client, "/reservations")
    continued = client.post(
        "/reservations", data={"csrf_token": token, "enfant": str(child), "structure": "ALSH"}
    )
    assert continued.status_code == 302  # steps 2, 3 and 4
    assert continued.headers["Location"].endswith(f"/reservations/{child}/ALSH")
    grid = text(client.get(f"/reservations/{child}/ALSH?mois=2026-09"))
    assert "Valider le planning" in grid
    assert f'value="{WEDNESDAY}|JOURNEE"' in grid
    assert (
        'Réserver<span class="visually-hidden"> Journée avec repas, mercredi 9 septembre 2026'
        in grid
    )
    validated = grid_post(client, child, creneau=[f"{WEDNESDAY}|JOURNEE"])  # step 5
    assert validated.status_code == 302
    summary_path = validated.headers["Location"]
    summary = text(client.get(summary_path))
    assert "Réservations ajoutées" in summary
    assert "Confirmer la réservation" in summary
    assert "10,40" in summary
    assert reservations_count(services) == 0  # nothing before the confirmation
    token = csrf(client, summary_path)
    confirmed = client.post(summary_path.split("?")[0], data={"csrf_token": token})  # step 6
    assert confirmed.status_code == 302
    page = text(client.get(confirmed.headers["Location"]))
    number = re.search(r"Numéro de confirmation : <strong>(R-[A-Z0-9-]+)</strong>", page)
    assert number, page
    assert "Terminer" in page  # step 7
    assert reservations_count(services) == 1
    again = client.post(summary_path.split("?")[0], data={"csrf_token": token})
    assert again.status_code == 302
    assert reservations_count(services) == 1

    grid = text(client.get(f"/reservations/{child}/ALSH?mois=2026-09"))
    assert f'name="reserve" value="{WEDNESDAY}|JOURNEE"' in grid
    cancelled = grid_post(client, child, reserve=[f"{WEDNESDAY}|JOURNEE"])
    assert cancelled.status_code == 302
    summary_path = cancelled.headers["Location"]
    assert "Annulations" in text(client.get(summary_path))
    token = csrf(client, summary_path)
    client.post(summary_path.split("?")[0], data={"csrf_token": token})
    assert reservations_count(services) == 0
    history = text(client.get(f"/reservations/{child}/historique"))
    assert history.index("Annulation") < history.index("Réservation</td>")
    assert number[1] in history


@pytest.mark.parametrize(
    ("slot", "reason"),
    [
        ("2026-09-07|JOURNEE", "jour d'école"),  # a Monday: closed
        ("2026-06-17|JOURNEE", "Délai de réservation dépassé"),  # booking closed on 11 June
        ("2026-09-09|INCONNU", "Ce créneau n'existe pas"),
    ],
)
def test_a_crafted_post_is_refused_with_its_reason_and_nothing_is_written(
    services: Services, client: FlaskClient, family: Family, slot: str, reason: str
) -> None:
    response = grid_post(client, lea(family), creneau=[slot])
    assert response.status_code == 422
    assert reason in text(response)
    assert "Confirmer la réservation" not in text(response)
    assert reservations_count(services) == 0


def test_another_familys_child_answers_404(
    services: Services, client: FlaskClient, family: Family
) -> None:
    other = create_family(
        services.ports.uow(),
        complete_family(),
        actor=STAFF,
        clock=services.ports.clock,
    )
    with services.ports.uow(read_only=True) as uow:
        stranger = uow.families.get(other)
    assert stranger is not None
    child = stranger.children[0].id
    assert client.get(f"/reservations/{child}").status_code == 404
    assert client.get(f"/reservations/{child}/ALSH").status_code == 404
    assert client.get(f"/reservations/{child}/historique").status_code == 404
    token = csrf(client, f"/reservations/{lea(family)}/ALSH?mois=2026-09")
    response = client.post(
        f"/reservations/{child}/ALSH",
        data={"csrf_token": token, "creneau": [f"{WEDNESDAY}|JOURNEE"]},
    )
    assert response.status_code == 404
    assert reservations_count(services) == 0


def test_malformed_cells_and_a_missing_csrf_token_are_refused(
    services: Services, client: FlaskClient, family: Family
) -> None:
    child = lea(family)
    assert grid_post(client, child, creneau=["pas-une-date|JOURNEE"]).status_code == 400
    assert grid_post(client, child, creneau=["2026-09-09|" + "X" * 500]).status_code == 400
    nothing = grid_post(client, child)
    assert nothing.status_code == 400
    assert "aucun changement" in text(nothing)
    no_csrf = client.post(f"/reservations/{child}/ALSH", data={"creneau": [f"{WEDNESDAY}|JOURNEE"]})
    assert no_csrf.status_code == 400
    assert client.get(f"/reservations/{child}/ALSH?mois=2026-99").status_code == 400
    assert client.get(f"/reservations/{child}/NOPE").status_code == 404
    assert reservations_count(services) == 0


def test_a_crafted_post_for_a_full_slot_is_refused_and_nothing_is_written(
    services: Services, client: FlaskClient, family: Family
) -> None:
    with services.ports.uow() as uow:  # the town has no place left on "Journée" that day
        uow.catalogue.replace(with_places(uow.catalogue.get(), "ALSH", "JOURNEE", 0))
        uow.commit()
    grid = text(client.get(f"/reservations/{lea(family)}/ALSH?mois=2026-09"))
    assert f'name="attente" value="{WEDNESDAY}|JOURNEE"' in grid  # the waiting list instead
    response = grid_post(client, lea(family), creneau=[f"{WEDNESDAY}|JOURNEE"])
    assert response.status_code == 422
    assert "Complet" in text(response)
    assert reservations_count(services) == 0
