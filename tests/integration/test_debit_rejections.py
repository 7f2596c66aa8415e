"""A rejected direct debit through the desk's commands (CliRunner on SQLite): `portail
directdebit reject` reverses the debit, the invoice is « à payer » again with the bank's reason
on the family's invoice page, the mandate is suspended until `portail directdebit resume`, the
family's e-mail reaches a real SMTP server (aiosmtpd); bad input is refused in French with
nothing written. The reversal and the suspended mandate are stored alike in memory, on SQLite
and on PostgreSQL."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pendulum
from flask.testing import FlaskClient

from adapters.clock import FixedClock
from adapters.mail import JinjaEmailRenderer, SmtpMailer
from entrypoints.bootstrap import Services
from portail_core.domain.audit import Actor
from portail_core.domain.payments.direct_debit import SepaMandate
from portail_core.domain.payments.payment import Payment, PaymentMode
from portail_core.domain.shared.money import Money
from portail_core.services.billing.invoices import InvoiceStatus, family_account
from portail_core.services.messaging import dispatch_outbox
from tests.integration.conftest import UowFactory
from tests.integration.invoice_town import (
    SEPTEMBER_WEDNESDAYS,
    bill_september,
    book_september,
)
from tests.integration.test_auth_web import (  # noqa: F401  (fixtures reused)
    activate,
    client,
    clock,
    log_in,
    open_family_account,
    services,
    text,
)
from tests.integration.test_direct_debit_cli import IBAN, debited_town, export
from tests.integration.test_outbox_smtp import Inbox, inbox  # noqa: F401  (fixture reused)
from tests.integration.test_payments_cli import invoice_of, payments_count, run
from tests.unit.dossier_builders import complete_family

REJECTED_DAY = pendulum.datetime(2026, 11, 17, 10, 0, tz="Europe/Paris")


def exported_town(services: Services, clock: FixedClock, tmp_path: Path) -> tuple[int, str]:
    """Martin's September invoice debited by the export; its number."""
    martin, _ = debited_town(services, clock)
    assert export(services, tmp_path / "prelevements.xml").exit_code == 0
    return martin, invoice_of(services, martin).number


def reject(services: Services, number: str, *extra: str):
    return run(services, "directdebit", "reject", "--invoice", number, *extra)


def test_the_desk_records_a_rejection_and_the_family_pays_again(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    martin, number = exported_town(services, clock, tmp_path)
    clock.set(REJECTED_DAY)
    result = reject(services, number, "--reason", "am04", "--on", "2026-11-16")
    assert result.exit_code == 0, result.output
    assert (
        f"Rejet enregistré : facture {number} (Martin, famille n° {martin}), prélèvement de "
        "52,00\u00a0€ rejeté le 16/11/2026, motif AM04 (provision insuffisante)."
    ) in result.output
    assert "La facture est de nouveau à payer : 52,00\u00a0€." in result.output
    assert f"`portail directdebit resume {martin}`" in result.output
    assert "Courriel à la famille : claire.martin@example.fr" in result.output
    account = family_account(services.ports.uow(read_only=True), martin)
    assert [(v.status, v.balance) for v in account.invoices] == [
        (InvoiceStatus.TO_PAY, Money(5200))
    ]
    listed = json.loads(run(services, "directdebit", "list", "--format", "json").output)
    assert [(m["family_id"], m["suspended_on"]) for m in listed] == [(martin, "2026-11-16")]
    assert "suspendu" in run(services, "directdebit", "list").output
    history = run(services, "audit", "list", "--format", "json").output
    assert f"Prélèvement de la facture {number} rejeté le 16/11/2026" in history

    resumed = run(services, "directdebit", "resume", str(martin))
    assert resumed.exit_code == 0, resumed.output
    assert "repris pour la famille" in resumed.output
    assert (
        json.loads(run(services, "directdebit", "list", "--format", "json").output)[0][
            "suspended_on"
        ]
        is None
    )
    assert run(services, "directdebit", "resume", str(martin)).exit_code == 5


def test_wrong_rejections_are_refused_in_french_and_record_nothing(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    martin, number = exported_town(services, clock, tmp_path)
    durand_invoice = next(
        i.invoice.number
        for i in services.portail.billing.listing(month="2026-09")
        if i.invoice.family_id != martin
    )
    clock.set(REJECTED_DAY)
    before = payments_count(services)
    cases = [
        ((number, "--reason", "ZZ99"), 2, "Motif de rejet inconnu : « ZZ99 »"),
        ((number, "--reason", ""), 2, "Motif de rejet inconnu"),
        ((number, "--reason", "AM04", "--on", "2027-01-01"), 2, "dans le futur"),
        ((number, "--reason", "AM04", "--on", "31/02/2026"), 2, "date"),
        (("FA-2099-999999", "--reason", "AM04"), 3, "Aucune facture n° « FA-2099-999999 »"),
        (("<script>" * 100, "--reason", "AM04"), 3, "Aucune facture"),
        ((durand_invoice, "--reason", "AM04"), 4, "n'a pas été prélevée"),
    ]
    for args, code, message in cases:
        result = reject(services, *args)
        assert result.exit_code == code, (args, result.output)
        assert message in result.output, (args, result.output)
    assert payments_count(services) == before
    assert reject(services, number, "--reason", "AC04").exit_code == 0
    twice = reject(services, number, "--reason", "AC04")
    assert twice.exit_code == 5
    assert "déjà enregistré (le 17/11/2026, motif AC04 (compte clôturé))" in twice.output
    assert payments_count(services) == before + 1


def test_the_rejection_email_reaches_a_real_smtp_server(
    services: Services,
    clock: FixedClock,
    tmp_path: Path,
    inbox: tuple[Inbox, int],
) -> None:
    handler, port = inbox
    _, number = exported_town(services, clock, tmp_path)
    clock.set(REJECTED_DAY)
    assert reject(services, number, "--reason", "MD01").exit_code == 0
    mailer = SmtpMailer(
        f"smtp://127.0.0.1:{port}", "Portail Famille <ne-pas-repondre@demo.example>"
    )
    report = dispatch_outbox(services.ports.uow, JinjaEmailRenderer(), mailer, clock)
    assert report.sent >= 1
    [received] = [m for m in handler.messages if "Prélèvement rejeté" in str(m["Subject"])]
    assert received["To"] == "claire.martin@example.fr"
    assert received["Subject"] == f"Prélèvement rejeté : la facture {number} est à payer"
    plain = received.get_body(preferencelist=("plain",))
    html = received.get_body(preferencelist=("html",))
    assert plain is not None
    assert html is not None
    body = plain.get_content()
    assert "Votre banque a rejeté le 17 novembre 2026 le prélèvement de 52,00" in body
    assert "Motif donné par la banque : pas de mandat (code MD01)." in body
    assert f"http://127.0.0.1:5000/factures/{number}" in body
    assert "Votre prélèvement automatique est suspendu" in body
    assert '<html lang="fr">' in html.get_content()
    assert f'href="http://127.0.0.1:5000/factures/{number}"' in html.get_content()


def test_the_family_reads_the_banks_reason_on_its_invoice_page(
    services: Services, client: FlaskClient, clock: FixedClock, tmp_path: Path
) -> None:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    family_id = int(account["identifier"].rsplit(".", 1)[1])
    book_september(services, family_id, "Léa", SEPTEMBER_WEDNESDAYS)
    bill_september(services)
    clock.set(pendulum.datetime(2026, 10, 5, 9, 0, tz="Europe/Paris"))
    desk = Actor.staff("agent")
    services.portail.payments.sign_mandate(
        family_id, holder="Claire Martin", iban=IBAN, signed_on=date(2026, 10, 1), actor=desk
    )
    export(services, tmp_path / "septembre.xml", "--collection-date", "2026-10-20")
    [view] = services.portail.billing.listing(family_id=family_id)
    number = view.invoice.number
    log_in(client, account["identifier"])  # the session of June has expired by October
    assert "Cette facture est réglée" in text(client.get(f"/factures/{number}"))
    clock.set(pendulum.datetime(2026, 10, 22, 9, 0, tz="Europe/Paris"))
    assert reject(services, number, "--reason", "AC04", "--on", "2026-10-21").exit_code == 0
    log_in(client, account["identifier"])
    page = text(client.get(f"/factures/{number}"))
    assert (
        "Le prélèvement de cette facture a été rejeté par votre banque le 21/10/2026, motif "
        "AC04 (compte clôturé). Elle est de nouveau à payer"
    ) in page
    assert "Prélèvement automatique le" not in page
    assert "Par chèque" in page


def test_a_reversal_and_a_suspended_mandate_are_stored_alike(new_uow: UowFactory) -> None:
    now = pendulum.datetime(2026, 11, 17, 10, 0, tz="Europe/Paris")
    family = complete_family()
    mandate = SepaMandate("Claire Martin", IBAN, "PF-1", date(2026, 6, 1), "AGRIFRPP")
    family.sign_mandate(mandate.suspended(date(2026, 11, 16), "facture FA-1 rejetée, AM04"))
    with new_uow() as uow:
        uow.families.add(family, now)
        assert family.id is not None
        rejected = PaymentMode.DIRECT_DEBIT_REJECTED
        for amount, mode in ((5200, PaymentMode.DIRECT_DEBIT), (-5200, rejected)):
            uow.payments.add(
                Payment(
                    family.id,
                    Money(amount),
                    mode,
                    "AM04 PORTAIL-PRLV-2026-09 PF-1",
                    date(2026, 11, 16),
                    now,
                    "agent",
                    "FA-2026-000001",
                )
            )
        uow.commit()
    with new_uow(read_only=True) as uow:
        stored = uow.families.get(family.id)
        assert stored is not None
        assert stored.mandate == family.mandate
        assert stored.mandate is not None
        assert stored.mandate.state == "suspendu"
        assert not stored.pays_by_direct_debit
        found = uow.payments.of_invoices(["FA-2026-000001"])
        assert sorted((p.amount.cents, p.mode) for p in found) == [
            (-5200, PaymentMode.DIRECT_DEBIT_REJECTED),
            (5200, PaymentMode.DIRECT_DEBIT),
        ]


def bank_status_report(pain008: Path, code: str) -> bytes:
    """The pain.002 the bank sends back for the exported pain.008: every debit rejected."""
    exported = pain008.read_text("utf-8")
    message_id = re.search(r"<MsgId>([^<]+)</MsgId>", exported)
    assert message_id is not None
    debits = re.findall(
        r"<EndToEndId>([^<]+)</EndToEndId>.*?<InstdAmt Ccy=\"EUR\">([^<]+)</InstdAmt>",
        exported,
        re.S,
    )
    assert debits
    transactions = "".join(
        f"<TxInfAndSts><OrgnlEndToEndId>{number}</OrgnlEndToEndId><TxSts>RJCT</TxSts>"
        f"<StsRsnInf><Rsn><Cd>{code}</Cd></Rsn></StsRsnInf>"
        f'<OrgnlTxRef><Amt><InstdAmt Ccy="EUR">{amount}</InstdAmt></Amt></OrgnlTxRef>'
        "</TxInfAndSts>"
        for number, amount in debits
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>'
        "<GrpHdr><MsgId>STS-1</MsgId><CreDtTm>2026-11-16T06:00:00</CreDtTm></GrpHdr>"
        f"<OrgnlGrpInfAndSts><OrgnlMsgId>{message_id[1]}</OrgnlMsgId>"
        "<OrgnlMsgNmId>pain.008.001.02</OrgnlMsgNmId><GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>"
        f"<OrgnlPmtInfAndSts><OrgnlPmtInfId>1</OrgnlPmtInfId>{transactions}</OrgnlPmtInfAndSts>"
        "</CstmrPmtStsRpt></Document>"
    ).encode()


def test_the_banks_return_file_records_its_rejections_once(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    martin, number = exported_town(services, clock, tmp_path)
    clock.set(REJECTED_DAY)
    returned = tmp_path / "retour.xml"
    returned.write_bytes(bank_status_report(tmp_path / "prelevements.xml", "AC04"))
    result = run(services, "directdebit", "reject-file", str(returned))
    assert result.exit_code == 0, result.output
    assert (
        f"Rejet enregistré : opération n° 1, facture {number} (Martin, famille n° {martin}), "
        "52,00\u00a0€, le 16/11/2026, motif AC04 (compte clôturé) ; famille prévenue par "
        "courriel."
    ) in result.output
    assert "Fichier pain.002 : 1 rejet(s) enregistré(s), 0 déjà enregistré(s)" in result.output
    account = family_account(services.ports.uow(read_only=True), martin)
    assert [(v.status, v.balance) for v in account.invoices] == [
        (InvoiceStatus.TO_PAY, Money(5200))
    ]
    listed = json.loads(run(services, "directdebit", "list", "--format", "json").output)
    assert [(m["family_id"], m["suspended_on"]) for m in listed] == [(martin, "2026-11-16")]
    before = payments_count(services)
    again = run(services, "directdebit", "reject-file", str(returned))
    assert again.exit_code == 0, again.output
    assert f"Déjà enregistré : opération n° 1, facture {number} : Le rejet" in again.output
    assert "0 rejet(s) enregistré(s), 1 déjà enregistré(s), 0 non enregistré(s)" in again.output
    assert payments_count(services) == before


def test_a_return_file_line_the_portal_cannot_match_is_reported_and_changes_nothing(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    _, number = exported_town(services, clock, tmp_path)
    clock.set(REJECTED_DAY)
    document = bank_status_report(tmp_path / "prelevements.xml", "AM04")
    before = payments_count(services)
    cases = [
        (document.replace(b">52.00<", b">12.00<"), "Le rejet porte sur 12,00\u00a0€"),
        (document.replace(number.encode(), b"FA-2099-999999"), "Aucune facture n° « FA-2099"),
        (document.replace(b"<Cd>AM04</Cd>", b"<Cd>ZZ99</Cd>"), "Motif de rejet inconnu"),
    ]
    for wrong, message in cases:
        path = tmp_path / "retour.xml"
        path.write_bytes(wrong)
        result = run(services, "directdebit", "reject-file", str(path))
        assert result.exit_code == 2, result.output
        assert "Non enregistré : opération n° 1" in result.output
        assert message in result.output
        assert "0 rejet(s) enregistré(s), 0 déjà enregistré(s), 1 non enregistré(s)" in (
            result.output
        )
    (tmp_path / "facture.xml").write_bytes(b"<Facture/>")
    not_a_return = run(services, "directdebit", "reject-file", str(tmp_path / "facture.xml"))
    assert not_a_return.exit_code == 2
    assert "pas un fichier de retour SEPA" in not_a_return.output
    missing = run(services, "directdebit", "reject-file", str(tmp_path / "absent.xml"))
    assert missing.exit_code == 2
    assert "Impossible de lire" in missing.output
    assert payments_count(services) == before
