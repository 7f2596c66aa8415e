"""`portail directdebit` through click's CliRunner on SQLite: a bad IBAN refused in French, the
mandate recorded with the IBAN masked everywhere, and the month's pain.008 file checked here
against the XSD with its sums (control sum = sum of the debits), the invoices then "prélevée";
a second export writes the same debits and records nothing. The payment repository's new
queries and the mandate's storage run on the in-memory twin, SQLite and PostgreSQL."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import attrs
import pendulum
import xmlschema
from click.testing import Result

from adapters.clock import FixedClock
from entrypoints.bootstrap import Services
from portail_core.domain.payments.direct_debit import SepaMandate
from portail_core.domain.payments.payment import Payment, PaymentMode
from portail_core.domain.shared.money import Money
from portail_core.services.billing.invoices import InvoiceStatus, family_account
from tests.integration.conftest import UowFactory
from tests.integration.test_auth_web import clock, services  # noqa: F401  (fixtures reused)
from tests.integration.test_payments_cli import (
    WEDNESDAYS,
    add_family,
    bill_september,
    book,
    invoice_of,
    payments_count,
    run,
)
from tests.unit.dossier_builders import complete_family

IBAN = "FR7630006000011234567890189"
TYPED_IBAN = "FR76 3000 6000 0112 3456 7890 189"
CREDITOR = [
    "--creditor-id",
    "FR72ZZZ123456",
    "--creditor-name",
    "Trésor public – Ville de Démo-sur-Mer",
    "--creditor-iban",
    "FR76 3000 1007 9412 3456 7890 185",
]
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}


def mandate(services: Services, family_id: int, *extra: str) -> Result:
    return run(
        services,
        "directdebit",
        "mandate",
        str(family_id),
        "--iban",
        TYPED_IBAN,
        "--holder",
        "Claire Martin",
        "--signed",
        "2026-06-01",
        *extra,
    )


def export(services: Services, target: Path, *extra: str) -> Result:
    """The September export with the creditor's options (a later --month wins)."""
    return run(
        services,
        "directdebit",
        "export",
        "--month",
        "2026-09",
        *CREDITOR,
        *extra,
        "-o",
        str(target),
    )


def debited_town(services: Services, clock: FixedClock) -> tuple[int, int]:
    """Martin on direct debit (5 days), Durand not (2 days), September billed on 1 October."""
    martin = add_family(services, "Martin", "claire.martin@example.fr")
    durand = add_family(services, "Durand", "marc.durand@example.fr")
    assert mandate(services, martin).exit_code == 0
    book(services, martin, WEDNESDAYS)
    book(services, durand, WEDNESDAYS[:2])
    bill_september(services, clock)
    return martin, durand


def test_a_bad_iban_is_refused_in_french_and_nothing_is_recorded(
    services: Services,
) -> None:
    family_id = add_family(services, "Martin", "claire.martin@example.fr")
    cases = [
        ("FR7630006000011234567890188", "les chiffres de contrôle ne correspondent pas"),
        ("FR76300060000112345678901", "sa longueur n'est pas celle des IBAN de ce pays"),
        ("ZZ7630006000011234567890189", "IBAN refusé"),
        ("US12345678901234", "IBAN refusé"),
        ("", "L'IBAN est obligatoire"),
        ("<script>", "IBAN refusé"),
        ("F" * 5000, "L'IBAN est obligatoire (34 caractères au plus)"),
    ]
    for iban, message in cases:
        result = run(
            services,
            "directdebit",
            "mandate",
            str(family_id),
            "--iban",
            iban,
            "--holder",
            "Claire Martin",
            "--signed",
            "2026-06-01",
        )
        assert result.exit_code == 2, (iban, result.output)
        assert "Erreur : L'IBAN n'est pas valide." in result.output
        assert f"--iban : {message}" in result.output or message in result.output, result.output
        assert "Traceback" not in result.output
    future = mandate(services, family_id, "--rum", "RUM 1")
    assert future.exit_code == 2
    assert "--rum : La RUM compte 35 caractères au plus" in future.output
    with services.ports.uow(read_only=True) as uow:
        family = uow.families.get(family_id)
        assert family is not None
        assert family.mandate is None
        assert not [e for e in uow.audit.latest(100) if e.action == "family.mandate"]


def test_the_mandate_is_recorded_with_the_iban_masked_in_the_output_and_the_history(
    services: Services,
) -> None:
    family_id = add_family(services, "Martin", "claire.martin@example.fr")
    result = mandate(services, family_id)
    assert result.exit_code == 0, result.output
    assert "IBAN FR76 **** 0189" in result.output
    assert "BIC AGRIFRPPXXX" in result.output  # found from the IBAN
    assert f"RUM PF-{family_id:06d}-20260601" in result.output
    assert IBAN not in result.output
    listing = run(services, "directdebit", "list")
    assert "FR76 **** 0189" in listing.output
    assert IBAN not in listing.output
    history = run(services, "family", "history", str(family_id), "--format", "json")
    assert "FR76 **** 0189" in history.output
    assert IBAN not in history.output
    with services.ports.uow(read_only=True) as uow:
        family = uow.families.get(family_id)
        assert family is not None
        assert family.mandate is not None
        assert family.mandate.iban == IBAN
        assert IBAN not in repr(uow.audit.latest(100))
    revoked = run(services, "directdebit", "revoke", str(family_id))
    assert revoked.exit_code == 0, revoked.output
    assert run(services, "directdebit", "revoke", str(family_id)).exit_code == 5
    assert "révoqué" in run(services, "directdebit", "list", "--all").output


def _amounts(root: ET.Element, path: str) -> list[Decimal]:
    return [Decimal(node.text or "") for node in root.iterfind(path, NS)]


def test_the_pain008_is_valid_against_its_xsd_and_its_sums_agree(
    services: Services,
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    martin, durand = debited_town(services, clock)
    invoice = invoice_of(services, martin)
    assert invoice.direct_debit_on == date(2026, 10, 15)
    assert invoice_of(services, durand).direct_debit_on is None
    target = tmp_path / "prelevements-2026-09.xml"
    result = run(
        services, "directdebit", "export", "--month", "2026-09", *CREDITOR, "-o", str(target)
    )
    assert result.exit_code == 0, result.output
    assert "1 prélèvement(s)" in result.output
    assert IBAN not in result.output
    document = target.read_bytes()

    schema = xmlschema.XMLSchema(str(files("sepaxml") / "schemas" / "pain.008.001.02.xsd"))
    schema.validate(document.decode("utf-8"))  # raises if the file is not valid
    root = ET.fromstring(document)  # noqa: S314  (the file this test just wrote)
    header = "p:CstmrDrctDbtInitn/p:GrpHdr"
    debits = _amounts(root, ".//p:DrctDbtTxInf/p:InstdAmt")
    assert _amounts(root, f"{header}/p:CtrlSum") == [sum(debits)]
    assert sum(_amounts(root, ".//p:PmtInf/p:CtrlSum")) == sum(debits)
    assert root.findtext(f"{header}/p:NbOfTxs", namespaces=NS) == str(len(debits)) == "1"
    assert debits == [invoice.total.as_decimal()]
    assert root.findtext(f"{header}/p:MsgId", namespaces=NS) == "PORTAIL-PRLV-2026-09"
    assert root.findtext(f"{header}/p:CreDtTm", namespaces=NS) == "2026-10-05T10:00:00"
    transaction = root.find(".//p:DrctDbtTxInf", NS)
    assert transaction is not None
    assert transaction.findtext("p:PmtId/p:EndToEndId", namespaces=NS) == invoice.number
    assert transaction.findtext(".//p:MndtId", namespaces=NS) == f"PF-{martin:06d}-20260601"
    assert transaction.findtext(".//p:DtOfSgntr", namespaces=NS) == "2026-06-01"
    assert transaction.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == IBAN
    assert transaction.findtext("p:Dbtr/p:Nm", namespaces=NS) == "Claire Martin"
    assert root.findtext(".//p:PmtInf/p:ReqdColltnDt", namespaces=NS) == "2026-10-15"
    assert root.findtext(".//p:PmtInf/p:PmtTpInf/p:SeqTp", namespaces=NS) == "RCUR"
    assert root.findtext(".//p:Cdtr/p:Nm", namespaces=NS) == "Tresor public Ville de Demo-sur-Mer"
    assert (
        root.findtext(".//p:CdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id", namespaces=NS)
        == "FR72ZZZ123456"
    )

    account = family_account(services.ports.uow(read_only=True), martin)
    assert account.invoices[0].status is InvoiceStatus.DEBITED
    assert family_account(services.ports.uow(read_only=True), durand).invoices[0].status is (
        InvoiceStatus.TO_PAY
    )
    assert payments_count(services) == 1

    again = tmp_path / "encore.xml"
    second = run(
        services, "directdebit", "export", "--month", "2026-09", *CREDITOR, "-o", str(again)
    )
    assert second.exit_code == 0, second.output
    assert "déjà été exporté" in second.output
    assert payments_count(services) == 1

    def without_batch_ids(data: bytes) -> bytes:
        return re.sub(rb"<PmtInfId>[^<]*</PmtInfId>", b"", data)

    assert without_batch_ids(again.read_bytes()) == without_batch_ids(document)


def test_export_refusals_write_no_file_and_record_nothing(
    services: Services,
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    debited_town(services, clock)
    folder = tmp_path / "files"
    folder.mkdir()
    target = folder / "out.xml"
    missing = run(services, "directdebit", "export", "--month", "2026-09", "-o", str(target))
    assert missing.exit_code == 2
    assert "--creditor-id (PORTAIL_SEPA_CREDITOR_ID)" in missing.output
    assert "--creditor-iban (PORTAIL_SEPA_CREDITOR_IBAN)" in missing.output
    bad = run(
        services,
        "directdebit",
        "export",
        "--month",
        "2026-09",
        "--creditor-id",
        "FR00ZZZ123456",
        "--creditor-name",
        "Ville",
        "--creditor-iban",
        "FR7630006000011234567890188",
        "-o",
        str(target),
    )
    assert bad.exit_code == 2
    assert "Identifiant créancier SEPA (ICS) invalide" in bad.output
    assert "--creditor-iban (PORTAIL_SEPA_CREDITOR_IBAN) : IBAN refusé" in bad.output
    month = run(
        services, "directdebit", "export", "--month", "2026-13", *CREDITOR, "-o", str(target)
    )
    assert month.exit_code == 2
    assert "Mois invalide" in month.output
    past = run(
        services,
        "directdebit",
        "export",
        "--month",
        "2026-09",
        *CREDITOR,
        "--collection-date",
        "2026-10-05",
        "-o",
        str(target),
    )
    assert past.exit_code == 4
    assert "date de prélèvement passée" in past.output
    target.write_text("déjà là")
    exists = run(
        services, "directdebit", "export", "--month", "2026-09", *CREDITOR, "-o", str(target)
    )
    assert exists.exit_code == 5
    assert target.read_text() == "déjà là"
    assert payments_count(services) == 0
    assert sorted(p.name for p in folder.iterdir()) == ["out.xml"]


def test_the_creditor_comes_from_the_settings(
    services: Services,
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    debited_town(services, clock)
    settings = attrs.evolve(
        services.settings,
        sepa_creditor_id="FR72ZZZ123456",
        sepa_creditor_name="Ville de Démo-sur-Mer",
        sepa_creditor_iban="FR7630001007941234567890185",
        sepa_creditor_bic="BDFEFRPPCCT",
    )
    configured = attrs.evolve(services, settings=settings)
    target = tmp_path / "out.xml"
    result = run(configured, "directdebit", "export", "--month", "2026-09", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert b"<BIC>BDFEFRPPCCT</BIC>" in target.read_bytes()


def test_the_payment_repository_locks_and_finds_by_invoice(new_uow: UowFactory) -> None:
    now = pendulum.datetime(2026, 10, 5, 10, 0, tz="Europe/Paris")
    family = complete_family()
    family.sign_mandate(SepaMandate("Claire Martin", IBAN, "PF-1", date(2026, 6, 1), "AGRIFRPP"))
    with new_uow() as uow:
        uow.families.add(family, now)
        assert family.id is not None
        uow.payments.lock_families([family.id, family.id, 12345])
        for number in ("FA-2026-000001", "FA-2026-000002", None):
            uow.payments.add(
                Payment(
                    family.id,
                    Money(1000),
                    PaymentMode.CHEQUE,
                    "CHQ",
                    date(2026, 10, 5),
                    now,
                    "agent",
                    number,
                )
            )
        uow.commit()
    with new_uow(read_only=True) as uow:
        found = uow.payments.of_invoices(["FA-2026-000002", "FA-2026-000001", "AV-X"])
        assert [p.invoice_number for p in found] == ["FA-2026-000001", "FA-2026-000002"]
        assert uow.payments.of_invoices([]) == []
        stored = uow.families.get(family.id)
        assert stored is not None
        assert stored.mandate == family.mandate
