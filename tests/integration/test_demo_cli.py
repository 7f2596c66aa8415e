"""``portail demo load``: the demo town, its family and account, and an invoice to pay online on
the PayFiP simulator, whatever today's date."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.test_account_opening_cli import run


def test_the_demo_family_has_an_invoice_it_may_pay_online(instance_path: Path) -> None:
    run(["db", "upgrade"], instance_path)
    loaded = run(["demo", "load"], instance_path)
    assert loaded.exit_code == 0, loaded.output
    [invoice] = json.loads(run(["invoices", "list", "--format", "json"], instance_path).output)
    assert f"Facture de démonstration {invoice['number']} : « Payer en ligne »" in loaded.output
    assert invoice["status"] == "a_payer"
    assert float(invoice["due"]) > 0
    again = run(["demo", "load"], instance_path)
    assert "rien n'est changé" in again.output
    assert "Facture de démonstration" not in again.output


def test_the_demo_without_its_invoice(instance_path: Path) -> None:
    run(["db", "upgrade"], instance_path)
    loaded = run(["demo", "load", "--no-invoice"], instance_path)
    assert loaded.exit_code == 0, loaded.output
    assert "Facture de démonstration" not in loaded.output
    assert json.loads(run(["invoices", "list", "--format", "json"], instance_path).output) == []
