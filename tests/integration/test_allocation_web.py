"""« Demandes de places » through Flask's client on SQLite, on the demo town's summer campaign
(ETE2027, its window open on 15 June 2026): reached from « Réservations »; days asked for in an
order of preference (POST-redirect-GET), replaced, withdrawn; bad input refused in French with
what was ticked and typed kept and nothing stored; a request after the window refused in
French; another family's child and an unknown campaign answer 404; CSRF required; the results
only after publication, each explained, with the seed that matches the published fingerprint."""

from __future__ import annotations

import hashlib
import re
from datetime import date

import pendulum
import pytest
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.test import TestResponse

from adapters.clock import FixedClock
from entrypoints.bootstrap import Services
from entrypoints.web.allocation import WrongOrder, in_preference_order
from portail_core.domain.bookings.reservation import Slot
from portail_core.services.allocation.views import (
    CampaignState,
    ChildChoice,
    FamilyCampaign,
    FormCell,
    RequestForm,
)
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
from tests.integration.test_billing_repository import add_family
from tests.unit.dossier_builders import proof_of_address

CODE = "ETE2027"
AFTER_THE_WINDOW = pendulum.datetime(2027, 5, 20, 10, 0, tz="Europe/Paris")


@pytest.fixture
def identifier(services: Services, client: FlaskClient) -> str:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    return account["identifier"]


@pytest.fixture
def family_id(identifier: str) -> int:
    return int(identifier.rsplit(".", 1)[1])


def close_the_window(clock: FixedClock, client: FlaskClient, identifier: str) -> None:
    """The clock after the close; the session has expired meanwhile: logged in again."""
    clock.advance(AFTER_THE_WINDOW - clock.now())
    assert log_in(client, identifier).status_code == 302


def renew_the_proof_of_address(services: Services, family_id: int) -> None:
    """A proof of address still valid at the draw (the dossier's is from June 2026)."""
    with services.ports.uow() as uow:
        found = uow.families.get(family_id)
        assert found is not None
        found.documents = [proof_of_address(valid_until=date(2027, 8, 31))]
        uow.families.update(found, AFTER_THE_WINDOW)
        uow.commit()


@pytest.fixture
def lea(services: Services, family_id: int) -> int:
    [campaign] = services.portail.allocation.campaigns_for(family_id)
    return next(c.child_id for c in campaign.children if c.first_name == "Léa")


def form_path(child_id: int) -> str:
    return f"/demandes-de-places/{CODE}/{child_id}"


def offered(services: Services, family_id: int, child_id: int, count: int) -> list[Slot]:
    """The first days the child may ask for, the whole day unit."""
    form = services.portail.allocation.request_form(family_id, CODE, child_id)
    return [c.slot for c in form.cells if c.available and c.slot.unit_code == "JOURNEE"][:count]


def value(slot: Slot) -> str:
    return f"{slot.day.isoformat()}|{slot.unit_code}"


def send(
    client: FlaskClient, child_id: int, ticked: list[Slot], orders: dict[Slot, str] | None = None
) -> TestResponse:
    data: dict[str, object] = {
        "csrf_token": csrf(client, form_path(child_id)),
        "creneau": [value(slot) for slot in ticked],
    }
    data.update({f"ordre-{value(slot)}": typed for slot, typed in (orders or {}).items()})
    return client.post(form_path(child_id), data=data)


def stored(services: Services, family_id: int, child_id: int) -> tuple[Slot, ...]:
    return services.portail.allocation.request_form(family_id, CODE, child_id).requests


def test_days_are_asked_in_order_of_preference_then_replaced_then_withdrawn(
    services: Services, client: FlaskClient, family_id: int, lea: int
) -> None:
    bookings = text(client.get("/reservations"))
    assert 'href="/demandes-de-places">Demandes de places</a> : Été 2027' in bookings
    home = text(client.get("/demandes-de-places"))
    assert "Été 2027 : Accueil de loisirs Les Dunes" in home
    assert "Demander tôt ne donne aucun avantage" in home
    [campaign] = services.portail.allocation.campaigns_for(family_id)
    assert campaign.seed_hash in home
    assert f'href="{form_path(lea)}">Demander des jours pour Léa' in home
    page = text(client.get(form_path(lea)))
    assert "<legend>Semaine du 5 juillet 2027</legend>" in page
    assert "<legend>Lundi 5 juillet 2027</legend>" in page
    assert "Aucun jour demandé pour Léa" in page

    first, second, third = offered(services, family_id, lea, 3)
    answer = send(client, lea, [first, second, third], {first: "2", second: "", third: "1"})
    assert answer.status_code == 303, text(answer)
    assert stored(services, family_id, lea) == (third, first, second)
    shown = text(client.get(answer.headers["Location"]))
    assert "Vos demandes sont enregistrées" in shown
    assert f'value="{value(third)}" checked' in shown
    assert f'name="ordre-{value(third)}" inputmode="numeric"' in shown

    assert send(client, lea, [second]).status_code == 303
    assert stored(services, family_id, lea) == (second,)
    token = csrf(client, form_path(lea))
    withdrawn = client.post(form_path(lea) + "/retrait", data={"csrf_token": token})
    assert withdrawn.status_code == 303
    assert "Vos demandes sont retirées" in text(client.get(withdrawn.headers["Location"]))
    assert stored(services, family_id, lea) == ()


@pytest.mark.parametrize(
    ("orders", "ticked", "message"),
    [
        ({0: "premier"}, [0, 1], "doit être un nombre entier (1, 2, 3…), ou rester vide"),
        ({0: "-1"}, [0, 1], "doit être un nombre entier"),
        ({0: "9" * 200}, [0, 1], "doit être un nombre entier"),
        ({1: "1"}, [0], "sans cocher ce jour : cochez-le, ou effacez son numéro"),
    ],
)
def test_bad_orders_are_refused_in_french_with_what_was_ticked_kept(
    services: Services,
    client: FlaskClient,
    family_id: int,
    lea: int,
    orders: dict[int, str],
    ticked: list[int],
    message: str,
) -> None:
    slots = offered(services, family_id, lea, 2)
    answer = send(client, lea, [slots[n] for n in ticked], {slots[n]: t for n, t in orders.items()})
    assert answer.status_code == 400
    page = text(answer)
    assert "<title>Erreur : " in page
    [wrong] = orders
    field = f"ordre-{slots[wrong].day.isoformat()}-JOURNEE"
    assert f'href="#champ-{field}"' in page  # the summary leads to the field
    assert f'id="erreur-{field}">Erreur : ' in page
    assert message in page
    for n in ticked:
        assert f'value="{value(slots[n])}" checked' in page
    assert re.search(rf'name="ordre-{value(slots[wrong])}"[^>]*aria-invalid="true"', page)
    assert stored(services, family_id, lea) == ()


@pytest.mark.parametrize(
    "forged",
    ["2027-13-45|JOURNEE", "2027-07-05|PISCINE", "nimportequoi", "2026-07-06|JOURNEE", "é" * 500],
)
def test_forged_days_are_refused_in_french_and_nothing_is_stored(
    services: Services, client: FlaskClient, family_id: int, lea: int, forged: str
) -> None:
    [day] = offered(services, family_id, lea, 1)
    token = csrf(client, form_path(lea))
    answer = client.post(
        form_path(lea), data={"csrf_token": token, "creneau": [value(day), forged]}
    )
    assert answer.status_code == 400
    assert "Le formulaire envoyé n’est pas lisible" in text(answer)
    assert f'value="{value(day)}" checked' in text(answer)
    assert stored(services, family_id, lea) == ()


def test_a_flood_of_boxes_is_refused_in_french(
    services: Services, client: FlaskClient, family_id: int, lea: int
) -> None:
    token = csrf(client, form_path(lea))
    flood = [f"2027-07-05|U{n}" for n in range(1001)]
    answer = client.post(form_path(lea), data={"csrf_token": token, "creneau": flood})
    assert answer.status_code == 400
    assert "Trop de cases envoyées" in text(answer)
    assert stored(services, family_id, lea) == ()


def test_after_the_window_a_request_is_refused_in_french_and_the_form_is_gone(
    services: Services,
    client: FlaskClient,
    clock: FixedClock,
    identifier: str,
    family_id: int,
    lea: int,
) -> None:
    [day] = offered(services, family_id, lea, 1)
    assert send(client, lea, [day]).status_code == 303
    close_the_window(clock, client, identifier)
    token = csrf(client, "/demandes-de-places")
    late = client.post(form_path(lea), data={"csrf_token": token, "creneau": []})
    assert late.status_code == 409
    assert "sont closes (elles étaient ouvertes" in text(late)
    withdrawn = client.post(form_path(lea) + "/retrait", data={"csrf_token": token})
    assert withdrawn.status_code == 409
    assert "sont closes (elles étaient ouvertes" in text(withdrawn)
    assert stored(services, family_id, lea) == (day,)
    page = text(client.get(form_path(lea)))
    assert "Les demandes sont closes depuis le" in page
    assert "Enregistrer mes demandes" not in page
    assert "Voir les demandes de Léa" in text(client.get("/demandes-de-places"))


def test_another_familys_child_and_an_unknown_campaign_answer_404(
    services: Services, client: FlaskClient, family_id: int, lea: int
) -> None:
    _, other_child = add_family(services.ports.uow, "Dupont")
    token = csrf(client, form_path(lea))
    assert client.get(form_path(other_child)).status_code == 404
    answer = client.post(form_path(other_child), data={"csrf_token": token, "creneau": []})
    assert answer.status_code == 404
    withdraw = client.post(form_path(other_child) + "/retrait", data={"csrf_token": token})
    assert withdraw.status_code == 404
    assert client.get(f"/demandes-de-places/HIVER2027/{lea}").status_code == 404
    assert client.get("/demandes-de-places/HIVER2027/resultats").status_code == 404


def test_a_post_without_the_csrf_token_is_refused_and_nothing_is_stored(
    services: Services, client: FlaskClient, family_id: int, lea: int
) -> None:
    [day] = offered(services, family_id, lea, 1)
    answer = client.post(form_path(lea), data={"creneau": [value(day)]})
    assert answer.status_code == 400
    assert "Le formulaire a expiré" in text(answer)
    assert stored(services, family_id, lea) == ()


def test_results_are_shown_after_publication_only_each_explained(
    services: Services,
    client: FlaskClient,
    clock: FixedClock,
    identifier: str,
    family_id: int,
    lea: int,
) -> None:
    results = f"/demandes-de-places/{CODE}/resultats"
    first, second = offered(services, family_id, lea, 2)
    assert send(client, lea, [first, second]).status_code == 303
    assert client.get(results).status_code == 404  # window open
    close_the_window(clock, client, identifier)
    renew_the_proof_of_address(services, family_id)
    services.portail.allocation.draw(CODE, dry_run=False, actor=STAFF)
    assert client.get(results).status_code == 404  # drawn, not published
    home = text(client.get("/demandes-de-places"))
    assert "Nombre secret du tirage" not in home
    report = services.portail.allocation.publish(CODE, actor=STAFF)
    page = text(client.get(results))
    assert "<h1>Résultats : Été 2027</h1>" in page
    assert "Place attribuée" in page
    assert "Explication : priorité 1, rang 1 au tirage : place attribuée (choix n° 1)" in page
    assert report.seed in page
    published = services.portail.allocation.campaigns_for(family_id)[0]
    assert hashlib.sha256(bytes.fromhex(report.seed)).hexdigest() == published.seed_hash
    assert f"printf 'famille:{family_id}'" in page
    assert "Voir les résultats" in text(client.get("/demandes-de-places"))


def test_an_upcoming_campaign_is_announced_and_a_closed_one_without_requests_is_not_shown(
    client: FlaskClient, clock: FixedClock, identifier: str, lea: int
) -> None:
    clock.advance(pendulum.datetime(2026, 5, 1, 10, tz="Europe/Paris") - clock.now())
    home = text(client.get("/demandes-de-places"))
    assert "Les demandes ouvriront le lundi 1er juin 2026 à 8h00." in home
    assert "Demander des jours" not in home
    assert "demandes à partir du lundi 1er juin 2026" in text(client.get("/reservations"))
    close_the_window(clock, client, identifier)
    assert "Demandes de places" not in text(client.get("/reservations"))
    assert "Aucune demande de places n’est ouverte" in text(client.get("/demandes-de-places"))


# ------------------------------------------------ the order of preference, read from the form
SUMMER = [Slot(date(2027, 7, day), unit) for day in range(5, 10) for unit in ("JOURNEE", "MATIN")]
FORM = RequestForm(
    campaign=FamilyCampaign(
        code=CODE, label="Été 2027", establishment_code="ALSH", establishment_name="ALSH",
        first_day=date(2027, 7, 5), last_day=date(2027, 8, 31),
        requests_from=pendulum.datetime(2026, 6, 1, 8, tz="Europe/Paris"),
        requests_until=pendulum.datetime(2027, 5, 15, 18, tz="Europe/Paris"),
        state=CampaignState.OPEN, seed_hash="0" * 64, seed=None, children=(),
    ),
    child=ChildChoice(1, "Léa", "Léa Martin"),
    days=tuple(sorted({slot.day for slot in SUMMER})),
    units=(("JOURNEE", "Journée"), ("MATIN", "Matin")),
    cells=tuple(FormCell(slot, slot.unit_code, True, "") for slot in SUMMER),
    requests=(),
    editable=True,
)  # fmt: skip
numbers = st.one_of(st.just(""), st.integers(1, 999).map(str), st.just(" 7 "))


@given(st.dictionaries(st.sampled_from(SUMMER), numbers, min_size=1))
def test_numbered_days_come_first_by_number_then_the_others_in_calendar_order(
    chosen: dict[Slot, str],
) -> None:
    ticked = {value(slot) for slot in chosen}
    wanted = in_preference_order(FORM, ticked, {value(s): n for s, n in chosen.items()})
    assert sorted(wanted) == sorted(chosen)
    numbered = [int(chosen[slot]) for slot in wanted if chosen[slot].strip()]
    assert numbered == sorted(numbered)
    blanks = [slot for slot in wanted if not chosen[slot].strip()]
    assert wanted[len(numbered) :] == blanks == sorted(blanks)


@given(st.text(min_size=1, max_size=20).filter(lambda t: not t.strip().isascii() or
       not t.strip().isdigit()).filter(str.strip))  # fmt: skip
def test_an_order_that_is_no_whole_number_is_refused_naming_the_day(typed: str) -> None:
    slot = SUMMER[0]
    with pytest.raises(WrongOrder, match="lundi 5 juillet 2027 \\(JOURNEE\\)") as refused:
        in_preference_order(FORM, {value(slot)}, {value(slot): typed})
    assert refused.value.value == value(slot)
