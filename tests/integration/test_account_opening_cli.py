"""Issue 4's first journey, through the staff's commands and a real SMTP server (aiosmtpd):
an incomplete dossier gets no account and the refusal names what is missing; once complete,
the account is opened and the e-mail with the identifier and the link reaches the server."""

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pendulum
import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner, Result

from entrypoints.cli import main
from portail_core.domain.dossiers.completeness import SchoolYear
from tests.integration.test_outbox_smtp import Inbox, free_port

EXAMPLE = Path(__file__).parents[2] / "examples" / "famille-demo.toml"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def run(args: list[str], instance: Path, **env: str) -> Result:
    environment = {"PORTAIL_INSTANCE_PATH": str(instance), **env}
    return CliRunner().invoke(main, args, env=environment, catch_exceptions=False)


def family_file(folder: Path) -> Path:
    """The example family, with dates that keep it complete whatever today is."""
    today = pendulum.now("Europe/Paris").date()
    year = SchoolYear.containing(today)
    text = (
        EXAMPLE.read_text("utf-8")
        .replace("insurance_valid_until = 2028-08-31", f"insurance_valid_until = {year.last_day}")
        .replace("valid_from = 2026-09-01", f"valid_from = {today - timedelta(days=30)}")
        .replace("pai_valid_until = 2028-07-04", f"pai_valid_until = {year.last_day}")
    )
    path = folder / "famille.toml"
    path.write_text(text, "utf-8")
    return path


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    handler, port = Inbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def test_an_account_is_opened_once_the_dossier_is_complete_and_the_email_arrives(
    instance_path: Path, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    assert run(["db", "upgrade"], instance_path).exit_code == 0
    commune = Path(__file__).parents[2] / "examples" / "commune-demo.toml"
    assert run(["catalogue", "load", str(commune)], instance_path).exit_code == 0
    created = run(["family", "create", str(family_file(tmp_path))], instance_path)
    assert created.output.strip() == "Dossier créé : famille Martin, n° 1."

    refused = run(["account", "create", "1"], instance_path)
    assert refused.exit_code == 4
    assert "n'est pas complet" in refused.output
    assert "  - Justificatif de domicile de moins de 3 mois" in refused.output

    proof = tmp_path / "facture-edf.pdf"
    proof.write_bytes(PDF)
    valid_until = (pendulum.now("Europe/Paris").date() + timedelta(days=60)).isoformat()
    added = run(
        [
            "document",
            "add",
            "1",
            "--type",
            "justificatif_domicile",
            "--file",
            str(proof),
            "--valid-until",
            valid_until,
        ],
        instance_path,
    )
    assert added.exit_code == 0, added.output
    shown = run(["family", "show", "1"], instance_path)
    assert "Dossier complet pour" in shown.output

    opened = run(["account", "create", "1"], instance_path)
    assert opened.exit_code == 0, opened.output
    assert "Compte ouvert : identifiant martin.1." in opened.output

    sent = run(["outbox", "send"], instance_path, PORTAIL_SMTP_URL=f"smtp://127.0.0.1:{port}")
    assert "1 envoyé(s)" in sent.output
    (message,) = inbox.messages
    assert message["To"] == "claire.martin@example.fr"
    text = message.get_body(preferencelist=("plain",))
    assert isinstance(text, EmailMessage)
    body = text.get_content()
    assert "Votre identifiant : martin.1" in body
    assert re.search(r"http://127\.0\.0\.1:5000/activation/[A-Za-z0-9_-]{43}", body)
    again = run(["account", "create", "1"], instance_path)
    assert again.exit_code == 5  # one account per family

    audit = run(["audit", "list", "--format", "json"], instance_path).output
    for action in ("family.create", "document.add", "account.create"):
        assert action in audit


def test_a_document_that_is_not_a_pdf_jpeg_or_png_is_refused(
    instance_path: Path, tmp_path: Path
) -> None:
    run(["db", "upgrade"], instance_path)
    run(["family", "create", str(family_file(tmp_path))], instance_path)
    fake = tmp_path / "photo.pdf"
    fake.write_text("ceci est du texte")
    result = run(
        ["document", "add", "1", "--type", "justificatif_domicile", "--file", str(fake)],
        instance_path,
    )
    assert result.exit_code == 2
    assert "Seuls les fichiers PDF, JPEG et PNG sont acceptés" in result.output
    assert not any((instance_path / "documents").rglob("*")) or all(
        p.is_dir() for p in (instance_path / "documents").rglob("*")
    )


def test_a_malformed_family_file_creates_nothing(instance_path: Path, tmp_path: Path) -> None:
    run(["db", "upgrade"], instance_path)
    bad = tmp_path / "bad.toml"
    bad.write_text(
        family_file(tmp_path)
        .read_text("utf-8")
        .replace("birth_date = 2019-03-14", 'birth_date = "hier"')
        .replace('postcode = "99100"', 'postcode = "ABC"')
    )
    result = run(["family", "create", str(bad)], instance_path)
    assert result.exit_code == 2
    assert (
        "children n°1 > birth_date : une date est attendue : JJ/MM/AAAA ou AAAA-MM-JJ"
        in result.output
    )
    assert "guardians n°1 > postcode" in result.output
    assert "Aucune" not in run(["family", "list"], instance_path).output
    listed = run(["family", "list", "--format", "json"], instance_path).output
    assert listed.strip() == "[]"


def test_family_history_and_export_show_who_changed_what(
    instance_path: Path, tmp_path: Path
) -> None:
    run(["db", "upgrade"], instance_path)
    run(["family", "create", str(family_file(tmp_path))], instance_path)
    proof = tmp_path / "quittance.pdf"
    proof.write_bytes(PDF)
    run(
        ["document", "add", "1", "--type", "justificatif_domicile", "--file", str(proof)],
        instance_path,
    )
    history = run(["family", "history", "1"], instance_path)
    assert history.exit_code == 0
    assert "Pièce ajoutée au dossier Martin : justificatif de domicile" in history.output
    assert "Dossier créé : famille Martin (n° 1)" in history.output
    exported = json.loads(run(["family", "export", "1"], instance_path).output)
    assert exported["family"]["name"] == "Martin"
    assert [e["action"] for e in exported["history"]] == ["document.add", "family.create"]
    assert run(["family", "history", "9"], instance_path).exit_code == 3


def test_staff_send_a_reset_link_without_ever_seeing_a_password(
    instance_path: Path, tmp_path: Path
) -> None:
    run(["db", "upgrade"], instance_path)
    run(["demo", "load"], instance_path)
    result = run(["account", "reset", "1"], instance_path)
    assert result.exit_code == 0, result.output
    assert "Lien de réinitialisation envoyé à claire.martin@example.fr" in result.output
    listed = json.loads(run(["outbox", "list", "--format", "json"], instance_path).output)
    assert listed[0]["template"] == "password_reset"
    assert run(["account", "reset", "99"], instance_path).exit_code == 3


def test_wrongly_typed_values_in_a_family_file_are_located(
    instance_path: Path, tmp_path: Path
) -> None:
    run(["db", "upgrade"], instance_path)
    bad = tmp_path / "types.toml"
    bad.write_text(
        family_file(tmp_path)
        .read_text("utf-8")
        .replace('phones = ["06 12 34 56 78"]', "phones = [612345678]")
        .replace("birth_date = 2019-03-14", "birth_date = 2019-03-14T10:00:00")
    )
    result = run(["family", "create", str(bad)], instance_path)
    assert result.exit_code == 2
    assert "guardians n°1 > phones : type de valeur inattendu" in result.output
    assert "children n°1 > birth_date : une date est attendue" in result.output


def test_showing_or_exporting_a_dossier_records_a_health_read_without_the_values(
    instance_path: Path, tmp_path: Path
) -> None:
    run(["db", "upgrade"], instance_path)
    run(["family", "create", str(family_file(tmp_path))], instance_path)
    shown = run(["family", "show", "1"], instance_path)
    assert shown.exit_code == 0, shown.output
    assert "  Allergies : arachide" in shown.output
    assert "  PAI : oui, valable jusqu'au " in shown.output
    assert "  Consignes du PAI : Trousse d'urgence dans le sac" in shown.output
    assert "  Vaccinations à jour : oui" in shown.output
    as_json = json.loads(run(["family", "show", "1", "--format", "json"], instance_path).output)
    assert as_json["children"][0]["health"]["allergies"] == "arachide"
    run(["family", "export", "1"], instance_path)

    history = json.loads(run(["family", "history", "1", "--format", "json"], instance_path).output)
    reads = [e for e in history if e["action"] == "child.health_read"]
    assert len(reads) == 3  # show, show --format json, export
    assert {e["channel"] for e in reads} == {"guichet"}
    assert reads[0]["details"] == {"children": [1, 2]}
    assert reads[0]["summary"] == "Informations de santé consultées : Léa, Tom"
    assert "arachide" not in json.dumps(history, ensure_ascii=False)
    assert run(["family", "show", "9"], instance_path).exit_code == 3
    audit = json.loads(run(["audit", "list", "--format", "json"], instance_path).output)
    assert [e["action"] for e in audit].count("child.health_read") == 3  # none for n° 9
