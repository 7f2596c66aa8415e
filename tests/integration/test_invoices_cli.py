"""``portail invoices list`` and ``portail invoices pdf`` through click's CliRunner on SQLite:
tables, CSV and JSON, filters by family and month, the PDF to a file or standard output; bad
input answers in French with its exit code and writes nothing."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from entrypoints.bootstrap import Services
from entrypoints.cli import main
from portail_core.services.dossiers.creation import create_family
from tests.integration.invoice_town import (
    SEPTEMBER_WEDNESDAYS,
    bill_september,
    book_september,
    mark_present,
    pay,
)
from tests.integration.test_auth_web import STAFF, clock, services  # noqa: F401
from tests.integration.test_invoice_pdf import assert_tagged_pdf_ua, pdf_text
from tests.unit.dossier_builders import complete_family


def run(services: Services, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), obj=services, catch_exceptions=False)


@pytest.fixture
def families(services: Services) -> tuple[int, int]:
    """Two billed families: the first corrected once (FA-1 cancelled by AV-1, FA-3), the second
    with FA-2, half paid."""
    first = create_family(
        services.ports.uow(),
        complete_family(),
        actor=STAFF,
        clock=services.ports.clock,
    )
    second = create_family(
        services.ports.uow(),
        complete_family(),
        actor=STAFF,
        clock=services.ports.clock,
    )
    book_september(services, first, "Léa", SEPTEMBER_WEDNESDAYS[:2])
    book_september(services, second, "Léa", SEPTEMBER_WEDNESDAYS[:1])
    bill_september(services)
    mark_present(services, first, "Léa", SEPTEMBER_WEDNESDAYS[2])
    bill_september(services)
    pay(services, second, "FA-2026-000002", "5,20")
    return first, second


def test_the_list_as_a_table_csv_and_json(services: Services, families: tuple[int, int]) -> None:
    first, second = families
    table = run(services, "invoices", "list")
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0].split() == [
        "numéro",
        "famille",
        "mois",
        "émise",
        "le",
        "total",
        "réglé",
        "reste",
        "dû",
        "statut",
    ]
    assert [line.split()[0] for line in lines[2:]] == [
        "AV-2026-000001",
        "FA-2026-000001",
        "FA-2026-000002",
        "FA-2026-000003",
    ]
    assert "partiellement payée" in lines[4]
    assert "annulée par avoir" in lines[3]
    assert f"Martin (n° {second})" in lines[4]

    rows = list(
        csv.DictReader(io.StringIO(run(services, "invoices", "list", "--format", "csv").output))
    )
    assert [(r["number"], r["status"], r["total"], r["paid"], r["due"]) for r in rows] == [
        ("AV-2026-000001", "avoir", "-20.80", "0.00", "0.00"),
        ("FA-2026-000001", "annulee", "20.80", "0.00", "0.00"),
        ("FA-2026-000002", "partiellement_payee", "10.40", "5.20", "5.20"),
        # 2 booked days x 10,40 € + 1 day without reservation: 10,40 € + 5,00 € of majoration
        ("FA-2026-000003", "a_payer", "36.20", "0.00", "36.20"),
    ]
    assert rows[0]["corrects"] == "FA-2026-000001"
    assert rows[3]["direct_debit_on"] == ""

    data = json.loads(
        run(services, "invoices", "list", "--format", "json", "--family", str(second)).output
    )
    assert data == [
        {
            "number": "FA-2026-000002",
            "kind": "invoice",
            "family_id": second,
            "family": "Martin",
            "month": "2026-09",
            "issued_on": "2026-10-02",
            "due_on": "2026-11-01",
            "total": "10.40",
            "paid": "5.20",
            "due": "5.20",
            "status": "partiellement_payee",
            "direct_debit_on": None,
            "corrects": None,
        }
    ]
    by_month = run(services, "invoices", "list", "--month", "2026-09", "--format", "json")
    assert len(json.loads(by_month.output)) == 4
    first_only = run(services, "invoices", "list", "--family", str(first), "--format", "json")
    assert [d["number"] for d in json.loads(first_only.output)] == [
        "AV-2026-000001",
        "FA-2026-000001",
        "FA-2026-000003",
    ]
    empty = run(services, "invoices", "list", "--month", "2026-08")
    assert (empty.exit_code, empty.output) == (0, "Aucune facture.\n")
    empty_csv = run(services, "invoices", "list", "--month", "2026-08", "--format", "csv")
    assert empty_csv.output.startswith("number,kind,family_id,family,month,")


def test_the_pdf_to_a_file_and_to_standard_output(
    services: Services, families: tuple[int, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "facture.pdf"
    written = run(services, "invoices", "pdf", "FA-2026-000003", "-o", str(target))
    assert written.exit_code == 0, written.output
    assert f"Facture FA-2026-000003 écrite dans {target}" in written.output
    content = target.read_bytes()
    assert_tagged_pdf_ua(content)
    assert "Léa Accueil de loisirs Les Dunes Journée avec repas : présent" in pdf_text(content)

    monkeypatch.chdir(tmp_path)
    default = run(services, "invoices", "pdf", "av-2026-000001")
    assert default.exit_code == 0, default.output
    assert "Total de l’avoir -20,80 €" in pdf_text((tmp_path / "AV-2026-000001.pdf").read_bytes())

    result = CliRunner().invoke(
        main, ["invoices", "pdf", "FA-2026-000002", "-o", "-"], obj=services
    )
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"%PDF-1.7")
    assert "Déjà réglé 5,20 € Montant dû 5,20 €" in pdf_text(result.stdout_bytes)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["pdf", "FA-2026-000999"], 3, "Facture introuvable."),
        (["pdf", "FACTURE-1"], 2, "Numéro de facture invalide"),
        (["pdf", "x" * 5000], 2, "Numéro de facture invalide"),
        (["list", "--month", "2026-13"], 2, "Mois invalide"),
        (["list", "--month", "septembre"], 2, "Mois invalide"),
        (["list", "--family", "999999"], 3, "Aucune famille n° 999999."),
        (["list", "--family", "0"], 2, "0"),
        (["list", "--format", "xml"], 2, "xml"),
    ],
)
def test_bad_input_answers_in_french_with_its_exit_code(
    services: Services,
    families: tuple[int, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    code: int,
    message: str,
) -> None:
    folder = tmp_path / "travail"
    folder.mkdir()
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, ["invoices", *args], obj=services)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert list(folder.iterdir()) == []  # no file written


def test_an_unwritable_target_is_a_clear_error(
    services: Services, families: tuple[int, int], tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        main,
        ["invoices", "pdf", "FA-2026-000001", "-o", str(tmp_path / "absent" / "f.pdf")],
        obj=services,
    )
    assert result.exit_code == 2
    assert "Erreur : Impossible d'écrire" in result.output
    assert "ce fichier ou ce dossier n'existe pas" in result.output
    assert "No such file" not in result.output


def test_help_explains_the_commands() -> None:
    result = CliRunner().invoke(main, ["invoices", "--help"])
    assert result.exit_code == 0
    assert "pdf" in result.output
    assert "list" in result.output
    pdf_help = CliRunner().invoke(main, ["invoices", "pdf", "--help"])
    assert "PDF/UA" in pdf_help.output
    assert "-o, --output" in pdf_help.output
