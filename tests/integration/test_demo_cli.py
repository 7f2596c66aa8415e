"""``portail demo load``: the demo town, its family and account, and an invoice to pay online on
the PayFiP simulator, whatever today's date."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from entrypoints.bootstrap import bootstrap
from entrypoints.settings import Settings
from tests.integration.test_account_opening_cli import run

DEMO_COMMUNE = files("entrypoints.demo") / "commune-demo.toml"


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


def outbox_links(instance_path: Path) -> list[str]:
    """The addresses written in the e-mails waiting in the outbox."""
    services = bootstrap(Settings.from_env({"PORTAIL_INSTANCE_PATH": str(instance_path)}))
    try:
        messages = services.portail.messaging.listing(20)
    finally:
        services.close()
    return [
        str(value)
        for message in messages
        for value in message.context.values()
        if str(value).startswith("http")
    ]


def test_the_demo_logins_and_links_name_the_port_the_portal_is_served_on(
    instance_path: Path,
) -> None:
    run(["db", "upgrade"], instance_path)
    loaded = run(["demo", "load"], instance_path, PORTAIL_PUBLIC_URL="http://127.0.0.1:5101")
    assert loaded.exit_code == 0, loaded.output
    assert "Comptes de démonstration (http://127.0.0.1:5101/connexion) :" in loaded.output
    assert ":5000" not in loaded.output
    links = outbox_links(instance_path)
    assert links  # the account's e-mail and the invoice's
    assert all(link.startswith("http://127.0.0.1:5101/") for link in links), links


def test_a_database_holding_a_real_commune_is_refused(instance_path: Path, tmp_path: Path) -> None:
    run(["db", "upgrade"], instance_path)
    real = tmp_path / "commune.toml"
    real.write_text(
        DEMO_COMMUNE.read_text("utf-8")
        .replace('insee_code = "99001"', 'insee_code = "29019"')
        .replace("Ville de Démo-sur-Mer", "Ville de Brest"),
        "utf-8",
    )
    assert run(["catalogue", "load", str(real)], instance_path).exit_code == 0
    refused = run(["demo", "load"], instance_path)
    assert refused.exit_code == 4
    assert "La base contient la commune Ville de Brest" in refused.output
    assert "Rien n'a été changé." in refused.output
    assert "mot de passe" not in refused.output
    listed = run(["family", "list", "--format", "json"], instance_path)
    assert json.loads(listed.output) == []


def test_a_portal_served_over_https_is_refused_unless_asked_explicitly(
    instance_path: Path,
) -> None:
    run(["db", "upgrade"], instance_path)
    production = {
        "PORTAIL_PUBLIC_URL": "https://famille.ville.example",
        "PORTAIL_SMTP_URL": "smtp://127.0.0.1:2525",  # never reached: nothing is sent here
    }
    refused = run(["demo", "load"], instance_path, **production)
    assert refused.exit_code == 4
    assert "Le portail est servi en HTTPS (https://famille.ville.example)" in refused.output
    assert "--allow-https" in refused.output
    assert run(["family", "list", "--format", "json"], instance_path).output.strip() == "[]"
    allowed = run(["demo", "load", "--allow-https", "--no-invoice"], instance_path, **production)
    assert allowed.exit_code == 0, allowed.output
    assert "Comptes de démonstration (https://famille.ville.example/connexion) :" in allowed.output


def test_a_database_holding_families_without_a_commune_is_refused(instance_path: Path) -> None:
    run(["db", "upgrade"], instance_path)
    family = str(Path(__file__).resolve().parents[2] / "examples" / "famille-demo.toml")
    assert run(["family", "create", family], instance_path).exit_code == 0
    refused = run(["demo", "load"], instance_path)
    assert refused.exit_code == 4
    assert "La base contient déjà des dossiers de familles" in refused.output
    assert len(json.loads(run(["family", "list", "--format", "json"], instance_path).output)) == 1
    assert "ALSH" not in run(["catalogue", "show"], instance_path).output  # no demo catalogue
