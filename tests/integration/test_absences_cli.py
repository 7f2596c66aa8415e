"""``portail absences declare|justify|list|certificate|withdraw`` through click's CliRunner on
SQLite, with the real file store: an illness declared at the desk with its certificate,
justified, listed, its certificate read (audited); bad input answers in French and keeps
nothing; an absence withdrawn after confirmation (the structure told, the file destroyed),
refused once its month is invoiced."""

import csv
import io
import json
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pendulum
from aiosmtpd.controller import Controller
from click.testing import CliRunner, Result

from adapters.clock import FixedClock
from adapters.mail import SmtpMailer
from entrypoints.bootstrap import Services
from entrypoints.cli import main
from portail_core.domain.bookings.reservation import Reservation
from portail_core.services.messaging import dispatch_outbox
from tests.integration.test_attendance_cli import add_family, child_id
from tests.integration.test_auth_web import NOW, clock, services  # noqa: F401  (fixtures reused)
from tests.integration.test_outbox_smtp import Inbox, free_port

PDF = b"%PDF-1.7\n" + b"0" * 300
SEPTEMBER_14 = pendulum.datetime(2026, 9, 14, 8, 30, tz="Europe/Paris")


def run(services: Services, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), obj=services)


def certificate(tmp_path: Path, content: bytes = PDF, name: str = "certificat.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def stored_files(services: Services) -> list[Path]:
    root = services.settings.instance_path / "documents"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def declare(services: Services, family: int, child: int, *extra: str) -> Result:
    return run(
        services,
        "absences",
        "declare",
        str(family),
        str(child),
        "--from",
        "2026-09-14",
        "--to",
        "2026-09-25",
        "--reason",
        "maladie",
        *extra,
    )


def test_the_commands_explain_themselves_in_french(services: Services) -> None:
    assert "absences" in run(services, "--help").output
    assert "justifier" in run(services, "absences", "--help").output
    assert "chevauche" in run(services, "absences", "declare", "--help").output
    assert "avoir" in run(services, "absences", "justify", "--help").output


def test_declare_justify_list_and_read_the_certificate(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    clock.set(SEPTEMBER_14)
    family = add_family(services)
    lea = child_id(services, family)
    declared = declare(services, family, lea, "--certificate", certificate(tmp_path))
    assert declared.exit_code == 0, declared.output
    assert declared.output == (
        "Absence n° 1 enregistrée : Léa Martin (famille Martin), du 14/09/2026 au 25/09/2026, "
        "maladie, certificat joint, non justifiée.\n"
    )
    assert len(stored_files(services)) == 1

    listed = run(services, "absences", "list")
    assert "Léa Martin" in listed.output
    assert "non justifiée" in listed.output
    unjustified = run(services, "absences", "list", "--unjustified", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(unjustified.output)))
    assert [(r["n"], r["certificat"], r["statut"]) for r in rows] == [("1", "oui", "non justifiée")]

    out = tmp_path / "lu.pdf"
    read = run(services, "absences", "certificate", "1", "--output", str(out))
    assert read.exit_code == 0, read.output
    assert out.read_bytes() == PDF
    assert "(document PDF)" in read.output
    again = run(services, "absences", "certificate", "1", "--output", str(out))
    assert again.exit_code == 2
    assert "existe déjà" in again.stderr

    justified = run(services, "absences", "justify", "1")
    assert justified.exit_code == 0, justified.output
    assert justified.output == (
        "Absence n° 1 (Léa Martin, du 14/09/2026 au 25/09/2026) : justifiée.\n"
    )
    assert "déjà justifiée, rien ne change" in run(services, "absences", "justify", "1").output
    assert run(services, "absences", "list", "--unjustified").output == (
        "Aucune absence sur la période.\n"
    )
    data = json.loads(run(services, "absences", "list", "--format", "json").output)
    assert data[0]["justified"] is True
    assert data[0]["channel"] == "guichet"
    undone = run(services, "absences", "justify", "1", "--undo")
    assert "non justifiée" in undone.output

    audit = json.loads(run(services, "audit", "list", "--format", "json").output)
    actions = [event["action"] for event in audit]
    assert actions[:4] == [
        "absence.justify",
        "absence.justify",
        "absence.certificate.read",
        "absence.declare",
    ]
    assert "maladie" not in json.dumps(audit[:4], ensure_ascii=False)


def test_the_desk_declares_a_justified_absence_at_once_and_a_certificate_later(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    clock.set(SEPTEMBER_14)
    family = add_family(services)
    tom = child_id(services, family, "Tom")
    declared = declare(services, family, tom, "--justified")
    assert declared.exit_code == 0, declared.output
    assert "maladie, justifiée." in declared.output
    attached = run(
        services, "absences", "justify", "1", "--certificate", certificate(tmp_path, name="c.pdf")
    )
    assert attached.exit_code == 0, attached.output
    assert "justifiée, certificat joint." in attached.output
    replaced = run(
        services,
        "absences",
        "justify",
        "1",
        "--certificate",
        certificate(tmp_path, b"\x89PNG\r\n\x1a\n" + b"1" * 50, "scan.png"),
    )
    assert replaced.exit_code == 0, replaced.output
    assert len(stored_files(services)) == 1  # the first file is deleted once replaced


def test_bad_input_answers_in_french_and_keeps_nothing(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    clock.set(SEPTEMBER_14)
    family = add_family(services)
    lea = child_id(services, family)
    not_a_pdf = certificate(tmp_path, b"MZ\x90\x00 programme", "certificat.pdf")
    wrong_file = declare(services, family, lea, "--certificate", not_a_pdf)
    assert wrong_file.exit_code == 2
    assert "  - --certificate : Seuls les fichiers PDF, JPEG et PNG" in wrong_file.stderr
    upside_down = run(
        services, "absences", "declare", str(family), str(lea), "--from", "2026-09-20",
        "--to", "2026-09-18", "--reason", "autre",
    )  # fmt: skip
    assert upside_down.exit_code == 2
    assert "--to : Le dernier jour précède le premier." in upside_down.stderr
    assert declare(services, family, lea).exit_code == 0  # a good one, to overlap below
    overlap = declare(services, family, lea, "--certificate", certificate(tmp_path))
    assert overlap.exit_code == 5
    assert "déjà signalée du 14/09/2026 au 25/09/2026" in overlap.stderr
    unknown_child = declare(services, family, 99999)
    assert unknown_child.exit_code == 3
    assert "n'a pas d'enfant n° 99999" in unknown_child.stderr
    unknown_family = declare(services, 999, lea)
    assert unknown_family.exit_code == 3
    assert run(services, "absences", "justify", "42").exit_code == 3
    no_certificate = run(services, "absences", "certificate", "1", "--output", str(tmp_path / "x"))
    assert no_certificate.exit_code == 3
    assert "n'a pas de certificat" in no_certificate.stderr
    bad_reason = run(
        services, "absences", "declare", str(family), str(lea), "--from", "2026-10-01",
        "--to", "2026-10-01", "--reason", "vacances",
    )  # fmt: skip
    assert bad_reason.exit_code == 2
    assert stored_files(services) == []
    with services.ports.uow(read_only=True) as uow:
        assert len(uow.absences.between(pendulum.date(2026, 1, 1), pendulum.date(2027, 1, 1))) == 1


def booked_on_the_16th(services: Services, clock: FixedClock) -> tuple[int, int]:
    """A family whose Léa is booked at the ALSH on Wednesday 16 September; the clock on the
    14th. (family id, Léa's id)"""
    family = add_family(services)
    lea = child_id(services, family)
    with services.ports.uow() as uow:
        uow.reservations.add(
            Reservation(family, lea, "ALSH", "JOURNEE", date(2026, 9, 16), "ELEM", NOW, "R1")
        )
        uow.commit()
    clock.set(SEPTEMBER_14)
    return family, lea


def test_the_structure_gets_the_alert_through_a_real_smtp_server(
    services: Services, clock: FixedClock
) -> None:
    family, lea = booked_on_the_16th(services, clock)
    assert declare(services, family, lea).exit_code == 0
    handler, port = Inbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        mailer = SmtpMailer(f"smtp://127.0.0.1:{port}", "Portail <ne-pas-repondre@demo.example>")
        report = dispatch_outbox(
            services.ports.uow,
            services.ports.email_renderer,
            mailer,
            services.ports.clock,
        )
    finally:
        controller.stop()
    assert report.sent == 1
    [message] = handler.messages
    assert message["To"] == "alsh@demo-sur-mer.example"
    assert message["Subject"] == ("Absence signalée : Léa Martin (du 14/09/2026 au 25/09/2026)")
    text = message.get_body(preferencelist=("plain",))
    assert isinstance(text, EmailMessage)
    body = text.get_content()
    assert "par le guichet unique (absence n° 1)" in body
    assert "- mercredi 16 septembre 2026 : Journée avec repas" in body
    assert "maladie" not in body
    html = message.get_body(preferencelist=("html",))
    assert isinstance(html, EmailMessage)
    assert "<li>mercredi 16 septembre 2026 : Journée avec repas</li>" in html.get_content()


def test_the_desk_withdraws_a_past_justified_absence_after_confirmation(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    family, lea = booked_on_the_16th(services, clock)
    declared = declare(services, family, lea, "--justified", "--certificate", certificate(tmp_path))
    assert declared.exit_code == 0, declared.output
    clock.set(pendulum.datetime(2026, 9, 29, 9, 0, tz="Europe/Paris"))  # the absence is past

    help_text = run(services, "absences", "withdraw", "--help").output
    assert "--yes" in help_text
    assert "avoir" in help_text
    assert "retirer" in run(services, "absences", "--help").output

    declined = run(services, "absences", "withdraw", "1")  # no answer: nothing is done
    assert declined.exit_code == 1
    assert "Retirer l'absence n° 1" in declined.output
    assert len(stored_files(services)) == 1
    refused = CliRunner().invoke(main, ["absences", "withdraw", "1"], obj=services, input="n\n")
    assert refused.exit_code == 1
    assert "Léa Martin" in run(services, "absences", "list").output

    withdrawn = run(services, "absences", "withdraw", "1", "--yes")
    assert withdrawn.exit_code == 0, withdrawn.output
    assert withdrawn.output == (
        "Absence n° 1 retirée : Léa Martin (famille Martin), du 14/09/2026 au 25/09/2026, "
        "certificat détruit. Structures prévenues par courriel : Accueil de loisirs Les Dunes.\n"
    )
    assert stored_files(services) == []
    assert run(services, "absences", "list").output == "Aucune absence sur la période.\n"
    with services.ports.uow(read_only=True) as uow:
        [message, _] = uow.outbox.listing(10)  # the latest first: the withdrawal, the alert
    assert (message.to, message.template) == ("alsh@demo-sur-mer.example", "absence_withdrawn")
    rendered = services.ports.email_renderer.render(message.template, message.context)
    assert rendered.subject == "Absence retirée : Léa Martin (du 14/09/2026 au 25/09/2026)"
    assert "est retirée par le guichet unique (absence n° 1)" in rendered.text
    assert "- mercredi 16 septembre 2026 : Journée avec repas" in rendered.text
    assert "<li>mercredi 16 septembre 2026 : Journée avec repas</li>" in rendered.html
    assert "maladie" not in rendered.text + rendered.html
    audit = json.loads(run(services, "audit", "list", "--format", "json").output)
    assert audit[0]["action"] == "absence.withdraw"
    assert audit[0]["channel"] == "guichet"
    assert "maladie" not in json.dumps(audit[0], ensure_ascii=False)

    gone = run(services, "absences", "withdraw", "1", "--yes")
    assert gone.exit_code == 3
    assert "Aucune absence n° 1." in gone.stderr
    assert run(services, "absences", "withdraw", "0", "--yes").exit_code == 2
    assert run(services, "absences", "withdraw", "abc", "--yes").exit_code == 2


def test_an_absence_of_an_invoiced_month_is_not_withdrawn(
    services: Services, clock: FixedClock
) -> None:
    family, lea = booked_on_the_16th(services, clock)
    assert declare(services, family, lea).exit_code == 0
    clock.set(pendulum.datetime(2026, 10, 1, 9, 0, tz="Europe/Paris"))
    billed = run(services, "billing", "run", "--month", "2026-09")
    assert billed.exit_code == 0, billed.output
    refused = run(services, "absences", "withdraw", "1", "--yes")
    assert refused.exit_code == 4
    assert "septembre 2026 (FA-2026-000001) est déjà facturé à la famille" in refused.stderr
    assert "portail billing run --month 2026-09" in refused.stderr
    assert "Léa Martin" in run(services, "absences", "list").output
