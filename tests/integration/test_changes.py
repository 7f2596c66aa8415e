"""Changes that affect invoices: the family asks on the portal, the guichet unique decides with
`portail changes`; the dossier changes only once approved, and the history keeps old -> new."""

import json
from datetime import date
from pathlib import Path

import attrs
import pendulum
import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from entrypoints.bootstrap import Services, bootstrap
from entrypoints.cli import main
from entrypoints.settings import Settings
from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.family import FamilyQuotient, QuotientSource
from portail_core.domain.dossiers.guardians import Address
from portail_core.errors import Conflict, InvalidInput
from portail_core.services.dossiers.changes import (
    approve_change,
    list_changes,
    reject_change,
    request_address_change,
    request_quotient_change,
)
from portail_core.services.dossiers.reading import family_dossier, family_history
from tests.integration.test_auth_web import (  # noqa: F401  (fixtures reused)
    activate,
    client,
    clock,
    csrf,
    log_in,
    open_family_account,
    services,
    text,
)
from tests.unit.dossier_builders import YEAR

STAFF = Actor.staff("agent")


@pytest.fixture
def family_id(services: Services, client: FlaskClient) -> int:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    return int(account["identifier"].rsplit(".", 1)[1])


def ask_new_address(client: FlaskClient, street: str = "3 allée des Mouettes") -> int:
    token = csrf(client, "/famille/adresse")
    response = client.post(
        "/famille/adresse",
        data={"csrf_token": token, "street": street, "postcode": "99100", "city": "Démo-sur-Mer"},
    )
    return response.status_code


def test_a_new_address_waits_for_approval_then_replaces_the_old_one(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    assert ask_new_address(client) == 302
    page = text(client.get("/famille"))
    assert "Adresse : 3 allée des Mouettes, 99100 Démo-sur-Mer – en attente de validation" in page
    summary = family_dossier(
        services.ports.uow(read_only=True), family_id, YEAR, services.ports.clock
    )
    old = summary.family.main_guardian.address
    assert old is not None
    assert old.street == "12 rue des Pins"  # not changed before approval

    (pending,) = list_changes(services.ports.uow(read_only=True))
    assert pending.id is not None
    with pytest.raises(InvalidInput, match="dans la commune"):
        approve_change(
            services.ports.uow(),
            pending.id,
            actor=STAFF,
            clock=services.ports.clock,
        )
    approve_change(
        services.ports.uow(),
        pending.id,
        actor=STAFF,
        clock=services.ports.clock,
        resident=False,
    )
    summary = family_dossier(
        services.ports.uow(read_only=True), family_id, YEAR, services.ports.clock
    )
    assert not summary.family.resident  # the tariffs follow the new address
    new = summary.family.main_guardian.address
    assert new is not None
    assert new.street == "3 allée des Mouettes"
    approval = family_history(services.ports.uow(read_only=True), family_id)[0]
    assert approval.action == "change.approve"
    assert approval.details["changes"]["address"] == [
        "12 rue des Pins, 40200 Mimizan",
        "3 allée des Mouettes, 99100 Démo-sur-Mer",
    ]
    assert "validé" in text(client.get("/famille"))


def test_one_pending_change_of_each_kind_at_a_time(client: FlaskClient, family_id: int) -> None:
    assert ask_new_address(client) == 302
    assert ask_new_address(client, "4 allée des Mouettes") == 409


def test_a_malformed_address_is_refused_and_nothing_is_asked(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    token = csrf(client, "/famille/adresse")
    response = client.post(
        "/famille/adresse",
        data={"csrf_token": token, "street": "", "postcode": "ABCDE", "city": "X"},
    )
    assert response.status_code == 400
    assert "<title>Erreur : Changement d’adresse" in text(response)
    assert list_changes(services.ports.uow(read_only=True)) == []


def test_a_refusal_says_why_and_changes_nothing(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    change = request_quotient_change(
        services.ports.uow(),
        family_id,
        value="480",
        source="CAF",
        valid_from=pendulum.date(2026, 6, 1),
        actor=STAFF,
        clock=services.ports.clock,
    )
    assert change.id is not None
    with pytest.raises(InvalidInput):
        reject_change(
            services.ports.uow(),
            change.id,
            reason="",
            actor=STAFF,
            clock=services.ports.clock,
        )
    reject_change(
        services.ports.uow(),
        change.id,
        reason="Attestation CAF illisible",
        actor=STAFF,
        clock=services.ports.clock,
    )
    with pytest.raises(Conflict):
        approve_change(services.ports.uow(), change.id, actor=STAFF, clock=services.ports.clock)
    summary = family_dossier(
        services.ports.uow(read_only=True), family_id, YEAR, services.ports.clock
    )
    assert summary.family.quotient is not None
    assert summary.family.quotient.value != 480
    assert "refusé (Attestation CAF illisible)" in text(client.get("/famille"))


def ask_new_quotient(
    client: FlaskClient, value: str = "480", source: str = "CAF", valid_from: str = "01/09/2026"
) -> TestResponse:
    token = csrf(client, "/famille/quotient")
    return client.post(
        "/famille/quotient",
        data={"csrf_token": token, "value": value, "source": source, "valid_from": valid_from},
    )


def test_a_new_quotient_waits_for_approval_then_replaces_the_old_one(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    form = text(client.get("/famille/quotient"))
    assert "<h1>Signaler un nouveau quotient familial</h1>" in form
    assert (
        "Quotient familial enregistré : 1250 (attestation CAF, à partir du 1er janvier 2026)"
        in form
    )
    for name in ("value", "source", "valid_from"):
        assert f'<label for="champ-{name}">' in form
    assert ask_new_quotient(client).status_code == 302
    page = text(client.get("/famille?demande=1"))
    assert "Votre demande est transmise au guichet unique." in page
    pending_line = "Quotient familial : 480 (attestation CAF, à partir du 01/09/2026)"
    assert f"{pending_line} – en attente de validation" in page
    summary = family_dossier(
        services.ports.uow(read_only=True), family_id, YEAR, services.ports.clock
    )
    assert summary.family.quotient is not None
    assert summary.family.quotient.value == 1250  # not changed before approval
    request = family_history(services.ports.uow(read_only=True), family_id)[0]
    assert request.action == "change.request"
    assert request.actor.channel.value == "portail"

    (pending,) = list_changes(services.ports.uow(read_only=True))
    assert pending.id is not None
    approve_change(services.ports.uow(), pending.id, actor=STAFF, clock=services.ports.clock)
    summary = family_dossier(
        services.ports.uow(read_only=True), family_id, YEAR, services.ports.clock
    )
    assert summary.family.quotient == FamilyQuotient(480, QuotientSource.CAF, date(2026, 9, 1))
    approval = family_history(services.ports.uow(read_only=True), family_id)[0]
    assert approval.details["changes"]["quotient"] == [
        "1250 (CAF)",
        "480 (attestation CAF, à partir du 01/09/2026)",
    ]
    page = text(client.get("/famille"))
    assert (
        "Quotient familial enregistré : 480 (attestation CAF, à partir du 1er septembre 2026)"
        in page
    )
    assert "– validé" in page


def test_a_malformed_quotient_is_refused_in_french_and_nothing_is_asked(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    response = ask_new_quotient(client, value="mille", source="", valid_from="31/02/2026")
    assert response.status_code == 400
    page = text(response)
    assert "<title>Erreur : Nouveau quotient familial" in page
    assert "Le formulaire contient 3 erreurs" in page
    assert "Le quotient familial est un nombre entier de 0 à 99 999." in page
    assert "La source du quotient familial est : CAF, MSA ou avis d'imposition." in page
    assert (
        "La date de début de validité s'écrit JJ/MM/AAAA ou AAAA-MM-JJ (ex. : 01/09/2026)." in page
    )
    assert page.count('aria-invalid="true"') == 3
    assert 'value="mille"' in page  # what was typed is kept
    hostile = ask_new_quotient(client, value="<script>", source="CAF'--", valid_from="9" * 5000)
    assert hostile.status_code == 400
    assert "<script>" not in hostile.get_data(as_text=True)
    assert list_changes(services.ports.uow(read_only=True)) == []


def test_one_pending_quotient_at_a_time_and_the_form_needs_a_session(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    assert ask_new_quotient(client, source="avis_imposition").status_code == 302
    second = ask_new_quotient(client, value="500")
    assert second.status_code == 409
    assert "attend déjà la validation du guichet unique" in text(second)
    assert len(list_changes(services.ports.uow(read_only=True))) == 1
    no_token = client.post("/famille/quotient", data={"value": "1", "source": "CAF"})
    assert no_token.status_code == 400
    anonymous = FlaskClient(client.application, use_cookies=True)
    assert anonymous.get("/famille/quotient").status_code == 302
    assert anonymous.post("/famille/quotient", data={}).status_code in (302, 400)


def test_staff_decide_with_the_command_line(instance_path: Path, tmp_path: Path) -> None:
    def run(*args: str) -> str:
        env = {"PORTAIL_INSTANCE_PATH": str(instance_path)}
        result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
        return f"{result.exit_code}|{result.output}"

    run("db", "upgrade")
    run("demo", "load")
    services = bootstrap(Settings.from_env({"PORTAIL_INSTANCE_PATH": str(instance_path)}))
    try:
        request_address_change(
            services.ports.uow(),
            1,
            street="3 allée des Mouettes",
            postcode="99100",
            city="Démo-sur-Mer",
            actor=Actor("martin.1", STAFF.channel),
            clock=services.ports.clock,
        )
    finally:
        services.close()
    listed = run("changes", "list")
    assert listed.startswith("0|")
    assert "3 allée des Mouettes, 99100 Démo-sur-Mer" in listed
    assert run("changes", "approve", "1").startswith("2|")  # residency must be said
    assert run("changes", "approve", "1", "--resident").startswith("0|Demande n° 1 validée")
    assert run("changes", "approve", "1", "--resident").startswith("5|")
    assert (
        json.loads(run("changes", "list", "--all", "--format", "json").split("|", 1)[1])[0][
            "status"
        ]
        == "approved"
    )
    history = run("family", "history", "1")
    assert "adresse" in history


def test_an_address_changed_meanwhile_cannot_be_overwritten_by_an_old_request(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    assert ask_new_address(client) == 302
    (first,) = list_changes(services.ports.uow(read_only=True))
    assert first.id is not None
    # Meanwhile the guichet unique records another move, through another request.
    reject_change(
        services.ports.uow(),
        first.id,
        reason="Remplacée",
        actor=STAFF,
        clock=services.ports.clock,
    )
    assert ask_new_address(client, "8 quai Ouest") == 302
    (second,) = list_changes(services.ports.uow(read_only=True))
    assert second.id is not None
    approve_change(
        services.ports.uow(),
        second.id,
        actor=STAFF,
        clock=services.ports.clock,
        resident=True,
    )
    stale = request_address_change(
        services.ports.uow(),
        family_id,
        street="1 rue Ancienne",
        postcode="99100",
        city="Démo-sur-Mer",
        actor=STAFF,
        clock=services.ports.clock,
    )
    with services.ports.uow() as uow:  # simulate a concurrent change after the request was made
        family = uow.families.get(family_id)
        assert family is not None
        family.guardians[0] = attrs.evolve(
            family.guardians[0],
            address=Address.create(street="2 rue Neuve", postcode="99100", city="Démo-sur-Mer"),
        )
        uow.families.update(family, pendulum.now("UTC"))
        uow.commit()
    assert stale.id is not None
    with pytest.raises(Conflict, match="a changé depuis la demande"):
        approve_change(
            services.ports.uow(),
            stale.id,
            actor=STAFF,
            clock=services.ports.clock,
            resident=True,
        )
