"""« Signaler une absence » through Flask's client on SQLite: an illness signalled with its
certificate, listed with its status, the certificate fetched by its family only; another
family's child answers 404; wrong, hostile and oversized input is refused in French with
nothing kept; no CSRF token, nothing done. An absence signalled by mistake is withdrawn with
its button (POST-redirect-GET); another family's answers 404, a past or justified one is
refused with its reason; nothing changes then."""

import io
import re
from datetime import date
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import TestResponse, encode_multipart

from entrypoints.bootstrap import Services
from portail_core.domain.bookings.reservation import Reservation
from portail_core.services.absences.justification import justify_absence
from portail_core.services.dossiers.reading import family_history
from tests.integration.test_auth_web import (  # noqa: F401  (fixtures reused)
    NOW,
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

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def family_id(services: Services, client: FlaskClient) -> int:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    return int(account["identifier"].rsplit(".", 1)[1])


def children(services: Services, family: int) -> dict[str, int]:
    with services.ports.uow(read_only=True) as uow:
        found = uow.families.get(family)
    assert found is not None
    return {c.first_name: c.id or 0 for c in found.children}


def signal(client: FlaskClient, **fields: object) -> TestResponse:
    """Post the form as the browser does; the body is encoded in memory (the test client
    spools large bodies to a temporary file it never closes)."""
    token = csrf(client, "/absences")
    values = MultiDict[str, object]({"csrf_token": token})
    for name, value in fields.items():
        if isinstance(value, tuple):
            stream, filename = value
            value = FileStorage(stream, filename, content_type="application/octet-stream")
        values.add(name, value)
    boundary, body = encode_multipart(values)
    return client.post(
        "/absences", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def absences_count(services: Services) -> int:
    with services.ports.uow(read_only=True) as uow:
        return len(uow.absences.between(date(2000, 1, 1), date(2100, 1, 1)))


def stored_files(services: Services) -> list[Path]:
    root = services.settings.instance_path / "documents"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_the_page_is_reached_from_the_reservations(client: FlaskClient, family_id: int) -> None:
    home = text(client.get("/reservations"))
    assert 'href="/absences">Signaler une absence ou une maladie</a>' in home
    page = text(client.get("/absences"))
    assert "<h1>Signaler une absence ou une maladie</h1>" in page
    assert '<label for="champ-first_day">Premier jour d’absence' in page
    assert "<legend>Motif" in page
    assert "Aucune absence signalée." in page


def test_an_illness_with_its_certificate_is_signalled_and_listed(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    lea = children(services, family_id)["Léa"]
    response = signal(
        client,
        child=str(lea),
        first_day="14/09/2026",
        last_day="18/09/2026",
        reason="maladie",
        certificate=(io.BytesIO(PDF), "certificat.pdf"),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/absences?signalee=1")
    page = text(client.get("/absences?signalee=1"))
    assert "L’absence est signalée" in page
    assert "Léa Martin" in page
    assert "14 septembre 2026" in page
    assert "Non justifiée" in page
    assert "vous, sur le portail" in page
    [link] = re.findall(r'href="(/absences/\d+/certificat)"', page)
    download = client.get(link)
    assert download.status_code == 200
    assert download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")

    number = int(link.split("/")[2])
    justify_absence(
        services.ports.uow(),
        services.ports.documents,
        services.ports.clock,
        absence_id=number,
        actor=STAFF,
    )
    assert "Justifiée" in text(client.get("/absences"))
    history = family_history(services.ports.uow(read_only=True), family_id)
    actions = [event.action for event in history]
    assert "absence.declare" in actions
    assert "absence.justify" in actions
    assert "absence.certificate.read" in actions


def test_another_family_s_child_and_certificate_answer_404(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    lea = children(services, family_id)["Léa"]
    signal(
        client,
        child=str(lea),
        first_day="14/09/2026",
        last_day="14/09/2026",
        reason="autre",
        certificate=(io.BytesIO(PDF), "c.pdf"),
    )
    [link] = re.findall(r'href="(/absences/\d+/certificat)"', text(client.get("/absences")))
    other = FlaskClient(client.application, use_cookies=True)
    second = open_family_account(services)
    activate(other, second["activation_url"])
    log_in(other, second["identifier"])
    assert other.get(link).status_code == 404
    assert other.get("/absences/999/certificat").status_code == 404
    response = signal(
        other, child=str(lea), first_day="15/09/2026", last_day="15/09/2026", reason="autre"
    )
    assert response.status_code == 404
    assert "Léa" not in text(other.get("/absences")).split("<h2>Absences signalées</h2>")[1]
    assert absences_count(services) == 1


@pytest.mark.parametrize(
    ("fields", "messages"),
    [
        (
            {"child": "", "first_day": "", "last_day": "", "reason": ""},
            ["Choisissez l'enfant.", "Indiquez le premier jour", "Choisissez le motif"],
        ),
        (
            {"first_day": "31/02/2026", "last_day": "demain", "reason": "vacances"},
            ["Indiquez le premier jour", "Indiquez le dernier jour", "Choisissez le motif"],
        ),
        ({"first_day": "18/09/2026", "last_day": "14/09/2026"}, ["précède le premier"]),
        ({"first_day": "01/01/2026", "last_day": "01/01/2026"}, ["dans les 31 jours"]),
        ({"child": "<script>alert(1)</script>"}, ["Choisissez l'enfant."]),
        ({"child": "9" * 40}, ["Choisissez l'enfant."]),
    ],
)
def test_wrong_fields_are_refused_in_french_and_nothing_is_kept(
    services: Services,
    client: FlaskClient,
    family_id: int,
    fields: dict[str, str],
    messages: list[str],
) -> None:
    lea = children(services, family_id)["Léa"]
    form = {
        "child": str(lea),
        "first_day": "14/09/2026",
        "last_day": "14/09/2026",
        "reason": "maladie",
        **fields,
        "certificate": (io.BytesIO(PDF), "c.pdf"),
    }
    response = signal(client, **form)
    assert response.status_code == 400
    page = text(response)
    assert "<title>Erreur : Absences" in page
    assert "Le formulaire contient" in page
    for message in messages:
        assert message in page
    assert "<script>alert(1)</script>" not in page
    assert absences_count(services) == 0
    assert stored_files(services) == []


def test_a_file_that_is_not_a_certificate_or_too_big_is_refused(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    lea = children(services, family_id)["Léa"]
    fields = {"child": str(lea), "first_day": "14/09/2026", "last_day": "14/09/2026"}
    script = signal(
        client, **fields, reason="maladie", certificate=(io.BytesIO(b"#!/bin/sh\n"), "c.pdf")
    )
    assert script.status_code == 400
    assert "Seuls les fichiers PDF, JPEG et PNG sont acceptés" in text(script)
    assert 'aria-invalid="true"' in text(script)
    big = signal(
        client,
        **fields,
        reason="maladie",
        certificate=(io.BytesIO(b"%PDF-" + b"0" * (5 * 1024 * 1024)), "c.pdf"),
    )
    assert big.status_code == 400
    assert "Le fichier dépasse 5 Mo." in text(big)
    huge = signal(
        client,
        **fields,
        reason="maladie",
        certificate=(io.BytesIO(b"%PDF-" + b"0" * (7 * 1024 * 1024)), "c.pdf"),
    )
    assert huge.status_code == 413
    assert absences_count(services) == 0
    assert stored_files(services) == []


def test_an_overlapping_absence_is_refused_and_without_csrf_nothing_is_done(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    lea = children(services, family_id)["Léa"]
    fields = {"child": str(lea), "first_day": "14/09/2026", "last_day": "18/09/2026"}
    assert signal(client, **fields, reason="familiale").status_code == 302
    again = signal(client, **fields, reason="maladie", certificate=(io.BytesIO(PDF), "c.pdf"))
    assert again.status_code == 409
    assert "déjà signalée du 14/09/2026 au 18/09/2026" in text(again)
    forged = client.post("/absences", data={**fields, "reason": "autre"})
    assert forged.status_code == 400
    assert "Formulaire expiré" in text(forged)
    assert absences_count(services) == 1
    assert stored_files(services) == []


def test_the_page_needs_a_session(client: FlaskClient) -> None:
    assert client.get("/absences").status_code == 302
    assert client.get("/absences/1/certificat").status_code == 302


# ---------------------------------------------------------------------------- withdrawal


def withdraw_button_paths(page: str) -> list[str]:
    return re.findall(r'action="(/absences/\d+/retrait)"', page)


def outbox_templates(services: Services) -> list[str]:
    with services.ports.uow(read_only=True) as uow:
        return [m.template for m in uow.outbox.listing(100)]


def test_a_family_withdraws_an_absence_signalled_by_mistake(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    lea = children(services, family_id)["Léa"]
    with services.ports.uow() as uow:
        uow.reservations.add(
            Reservation(family_id, lea, "ALSH", "JOURNEE", date(2026, 9, 16), "ELEM", NOW, "R1")
        )
        uow.commit()
    signal(
        client,
        child=str(lea),
        first_day="14/09/2026",
        last_day="18/09/2026",
        reason="maladie",
        certificate=(io.BytesIO(PDF), "c.pdf"),
    )
    page = text(client.get("/absences"))
    assert "« Retirer ce signalement » la supprime aussitôt" in page
    [path] = withdraw_button_paths(page)
    assert (
        'Retirer ce signalement<span class="visually-hidden"> : absence de Léa Martin du '
        "14 septembre 2026</span>"
    ) in page
    token = csrf(client, "/absences")
    response = client.post(path, data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/absences?retiree=1")
    after = text(client.get(response.headers["Location"]))
    assert '<p class="notice" role="status">Le signalement est retiré' in after
    assert "Aucune absence signalée." in after
    assert absences_count(services) == 0
    assert stored_files(services) == []
    assert outbox_templates(services).count("absence_withdrawn") == 1
    history = family_history(services.ports.uow(read_only=True), family_id)
    [event] = [e for e in history if e.action == "absence.withdraw"]
    assert event.actor.channel.value == "portail"
    again = client.post(path, data={"csrf_token": token})  # the same form, sent twice
    assert again.status_code == 404


def test_another_family_s_absence_answers_404_and_stays(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    lea = children(services, family_id)["Léa"]
    signal(client, child=str(lea), first_day="14/09/2026", last_day="14/09/2026", reason="autre")
    [path] = withdraw_button_paths(text(client.get("/absences")))
    other = FlaskClient(client.application, use_cookies=True)
    second = open_family_account(services)
    activate(other, second["activation_url"])
    log_in(other, second["identifier"])
    crafted = other.post(path, data={"csrf_token": csrf(other, "/absences")})
    assert crafted.status_code == 404
    assert f"Aucune absence n° {path.split('/')[2]}." in text(crafted)
    assert "Léa" not in text(crafted)
    assert absences_count(services) == 1
    assert "absence_withdrawn" not in outbox_templates(services)
    assert withdraw_button_paths(text(client.get("/absences"))) == [path]


def test_without_csrf_token_nothing_is_withdrawn(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    lea = children(services, family_id)["Léa"]
    signal(client, child=str(lea), first_day="14/09/2026", last_day="14/09/2026", reason="autre")
    [path] = withdraw_button_paths(text(client.get("/absences")))
    forged = client.post(path)
    assert forged.status_code == 400
    assert "Formulaire expiré" in text(forged)
    wrong = client.post(path, data={"csrf_token": "x" * 40})
    assert wrong.status_code == 400
    assert absences_count(services) == 1
    assert client.get(path).status_code == 405  # no state change on GET


def test_a_past_or_justified_absence_is_refused_with_its_reason(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    lea = children(services, family_id)["Léa"]
    tom = children(services, family_id)["Tom"]
    signal(client, child=str(lea), first_day="01/06/2026", last_day="02/06/2026", reason="autre")
    signal(client, child=str(tom), first_day="14/09/2026", last_day="14/09/2026", reason="autre")
    with services.ports.uow(read_only=True) as uow:
        absences = uow.absences.between(date(2026, 1, 1), date(2026, 12, 31))
    past = next(a.id for a in absences if a.child_id == lea)
    justified = next(a.id for a in absences if a.child_id == tom)
    justify_absence(
        services.ports.uow(),
        services.ports.documents,
        services.ports.clock,
        absence_id=justified,
        actor=STAFF,
    )
    page = text(client.get("/absences"))
    assert withdraw_button_paths(page) == []  # neither can be withdrawn by the family
    token = csrf(client, "/absences")
    for number, reason in ((past, "Cette absence est passée"), (justified, "justifiée par")):
        refused = client.post(f"/absences/{number}/retrait", data={"csrf_token": token})
        assert refused.status_code == 409
        shown = text(refused)
        assert "<title>Erreur : Absences" in shown
        assert '<div class="error-summary" role="alert" tabindex="-1">' in shown
        assert "Le signalement n’est pas retiré" in shown
        assert reason in shown
    assert absences_count(services) == 2
    assert "absence_withdrawn" not in outbox_templates(services)
    history = family_history(services.ports.uow(read_only=True), family_id)
    assert "absence.withdraw" not in [e.action for e in history]


def test_a_malformed_withdrawal_address_is_not_found(client: FlaskClient, family_id: int) -> None:
    token = csrf(client, "/absences")
    for path in ("/absences/abc/retrait", "/absences/-1/retrait", "/absences/9999999/retrait"):
        assert client.post(path, data={"csrf_token": token}).status_code == 404
