"""« Semaine type » through Flask's client on SQLite: the form, its errors in French showing
again what was ticked, another family's child answering 404, then the usual summary and
confirmation, and one day of the pattern changed in the grid afterwards."""

from datetime import date

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

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
from tests.integration.test_reservations_web import family, lea  # noqa: F401  (fixture)
from tests.unit.dossier_builders import complete_family

CANTEEN = "CANTINE-PLAGE"


def form_path(child: int) -> str:
    return f"/reservations/{child}/{CANTEEN}/semaine-type"


def post(client: FlaskClient, child: int, **fields: list[str] | str) -> TestResponse:
    token = csrf(client, form_path(child))
    return client.post(form_path(child), data={"csrf_token": token, **fields})


def canteen_days(services: Services, child: int) -> list[date]:
    with services.ports.uow(read_only=True) as uow:
        found = uow.reservations.of_child(child, CANTEEN, date(2026, 6, 1), date(2027, 8, 31))
    return sorted(r.day for r in found)


def test_the_form_offers_the_units_of_each_weekday_from_the_grid(
    client: FlaskClient, family: Family
) -> None:
    child = lea(family)
    grid = text(client.get(f"/reservations/{child}/{CANTEEN}?mois=2026-09"))
    assert f'href="{form_path(child)}">Réserver les mêmes jours chaque semaine</a>' in grid
    page = text(client.get(form_path(child)))
    assert "<h1>Semaine type de Léa : " in page
    for day in ("Lundi", "Mardi", "Jeudi", "Vendredi"):
        assert f"<legend>{day}</legend>" in page
    assert "<legend>Mercredi</legend>" not in page  # a four-day school week: no canteen
    assert 'value="lundi|REPAS"' in page
    assert "Jusqu’à la fin de l’année scolaire</label>" in page


def test_errors_are_said_in_french_and_show_again_what_was_ticked(
    services: Services, client: FlaskClient, family: Family
) -> None:
    child = lea(family)
    nothing = post(client, child, periode="fin-annee")
    assert nothing.status_code == 400
    assert "Cochez au moins une unité pour un jour de la semaine." in text(nothing)
    assert 'id="periode-fin-annee" name="periode" value="fin-annee" checked' in text(nothing)

    no_period = post(client, child, unite=["mardi|REPAS"])
    assert no_period.status_code == 400
    assert "Choisissez jusqu’à quand réserver." in text(no_period)
    assert 'value="mardi|REPAS" checked' in text(no_period)

    bad = post(client, child, unite=["mardi|REPAS"], periode="dates", fin="31/02/2027")
    assert bad.status_code == 400
    assert "« 31/02/2027 » n’est pas une date" in text(bad)
    assert 'value="31/02/2027"' in text(bad)

    backwards = post(
        client, child, unite=["mardi|REPAS"], periode="dates", debut="30/09/2026", fin="01/09/2026"
    )
    assert backwards.status_code == 400
    assert "La date de fin précède la date de début." in text(backwards)

    crafted = post(client, child, unite=["<script>|REPAS"], periode="fin-annee")
    assert crafted.status_code == 400
    assert "<script>|" not in text(crafted)

    unknown = post(client, child, unite=["mardi|GOUTER"], periode="fin-annee", debut="01/09/2026")
    assert unknown.status_code == 400
    assert "Unité inconnue" in text(unknown)
    assert canteen_days(services, child) == []


def test_a_date_refused_is_shown_on_its_own_field(client: FlaskClient, family: Family) -> None:
    """A start in the past, or an end before the start, is said on « À partir du » or
    « Jusqu’au » (the field marked invalid, the summary's link going to it), not on « Période »."""
    child = lea(family)
    past = post(client, child, unite=["mardi|REPAS"], periode="fin-annee", debut="01/01/2026")
    assert past.status_code == 400
    assert '<a href="#champ-debut">La date de début est passée' in text(past)
    assert '<p class="error" id="erreur-debut">Erreur : La date de début est passée' in text(past)
    backwards = post(
        client, child, unite=["mardi|REPAS"], periode="dates", debut="30/09/2026", fin="01/09/2026"
    )
    assert backwards.status_code == 400
    assert '<a href="#champ-fin">La date de fin précède la date de début.' in text(backwards)
    assert 'id="erreur-fin">Erreur : La date de fin précède' in text(backwards)


def test_another_familys_child_answers_404(
    services: Services, client: FlaskClient, family: Family
) -> None:
    other = create_family(
        services.ports.uow(), complete_family(), actor=STAFF, clock=services.ports.clock
    )
    with services.ports.uow(read_only=True) as uow:
        stranger = uow.families.get(other)
    assert stranger is not None
    child = stranger.children[0].id
    assert child is not None
    assert client.get(form_path(child)).status_code == 404
    token = csrf(client, form_path(lea(family)))
    response = client.post(
        form_path(child),
        data={"csrf_token": token, "unite": ["mardi|REPAS"], "periode": "fin-annee"},
    )
    assert response.status_code == 404
    assert canteen_days(services, child) == []


def test_a_term_of_tuesdays_summarised_confirmed_then_one_day_changed_in_the_grid(
    services: Services, client: FlaskClient, family: Family
) -> None:
    child = lea(family)
    validated = post(
        client, child, unite=["mardi|REPAS"], periode="fin-periode", debut="01/09/2026"
    )
    assert validated.status_code == 302
    summary_path = validated.headers["Location"]
    assert summary_path.startswith("/reservations/recapitulatif/")
    summary = text(client.get(summary_path))
    assert "Réservations ajoutées" in summary
    assert "mardi 13 octobre 2026" in summary  # the last Tuesday before the Toussaint holidays
    assert "mardi 20 octobre 2026" not in summary
    assert canteen_days(services, child) == []
    token = csrf(client, summary_path)
    confirmed = client.post(summary_path, data={"csrf_token": token})
    assert confirmed.status_code == 302
    assert "Numéro de confirmation" in text(client.get(confirmed.headers["Location"]))
    tuesdays = [date(2026, 9, 1 + 7 * n) for n in range(5)] + [
        date(2026, 10, 6),
        date(2026, 10, 13),
    ]
    assert canteen_days(services, child) == tuesdays

    grid = f"/reservations/{child}/{CANTEEN}"
    token = csrf(client, f"{grid}?mois=2026-09")
    booked = [f"{day.isoformat()}|REPAS" for day in tuesdays if day.month == 9]
    kept = [value for value in booked if not value.startswith("2026-09-22")]
    changed = client.post(
        grid, data={"csrf_token": token, "mois": "2026-09", "reserve": booked, "creneau": kept}
    )
    assert changed.status_code == 302
    token = csrf(client, changed.headers["Location"])
    client.post(changed.headers["Location"].split("?")[0], data={"csrf_token": token})
    assert date(2026, 9, 22) not in canteen_days(services, child)
    assert len(canteen_days(services, child)) == len(tuesdays) - 1


def test_nothing_left_to_book_is_said_on_the_form(
    services: Services, client: FlaskClient, family: Family
) -> None:
    child = lea(family)
    summer = post(
        client,
        child,
        unite=["lundi|REPAS"],
        periode="dates",
        debut="13/07/2026",
        fin="24/08/2026",
    )
    assert summer.status_code == 400
    assert "Aucun jour ouvert à réserver sur cette période" in text(summer)
