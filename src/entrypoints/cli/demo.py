"""``portail demo``: the demo town and a demo family, for trying the portal on a laptop."""

from __future__ import annotations

from datetime import timedelta
from importlib.resources import files

import click

from entrypoints.bootstrap import Services
from entrypoints.cli.feedback import pass_services, require_current_schema
from portail_core.domain.audit import Actor

__all__ = ["DEMO_PASSWORD", "group"]

DEMO_PASSWORD = "cerf-volant sur la plage d'hiver"  # noqa: S105  (the demo's, printed on purpose)
DEMO_INSEE_CODE = "99001"  # the demo town's (not a real INSEE code)
DEMO_FAMILY = "Martin"
DEMO = Actor.system("démo")
# A one-page PDF standing for the demo family's proof of address.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@click.group("demo")
def group() -> None:
    """Données de démonstration (ville et famille fictives)."""


@group.command("load")
@pass_services
def load_command(services: Services) -> None:
    """Charge la ville de démonstration, son catalogue et une famille avec son compte, si la
    base est vide ; affiche ensuite les accès de démonstration.

    Ne remplace jamais les données d'une vraie commune : sur une base déjà remplie, ne fait rien.
    """
    require_current_schema(services)
    existing = services.portail.communes.current()
    if existing is not None:
        click.echo(f"La base contient déjà la commune {existing.name} : rien n'est changé.")
        if existing.insee_code != DEMO_INSEE_CODE:
            return  # a real town: no demo logins to show
    else:
        _load(services)
        click.echo("Commune de démonstration chargée : Ville de Démo-sur-Mer.")
    _print_logins(services)


def _load(services: Services) -> None:
    portail, formats = services.portail, services.formats
    demo = formats.commune_file(
        (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
    )
    portail.catalogue.load(demo.details, demo.catalogue, actor=DEMO)
    family_text = (files("entrypoints.demo") / "famille-demo.toml").read_text("utf-8")
    family_id = portail.dossiers.create(
        formats.family_file(family_text, portail.today()), actor=DEMO
    )
    portail.dossiers.add_document(
        family_id,
        kind="justificatif_domicile",
        data=DEMO_PDF,
        filename="facture-demo.pdf",
        valid_until=portail.today() + timedelta(days=90),
        actor=DEMO,
    )
    _open_account(services, family_id)


def _open_account(services: Services, family_id: int) -> None:
    """The demo family's account, its password the demo's (the temporary one is changed)."""
    portail = services.portail
    opening = portail.accounts.open(family_id, actor=DEMO, with_temporary_password=True)
    temporary = portail.messaging.listing(1)[0].context["temporary_password"]
    session = portail.accounts.current_session(
        portail.accounts.log_in(opening.identifier, temporary, actor_ip="démo")
    )
    if session is None:
        raise RuntimeError("the demo account was not opened")
    portail.accounts.change_password(session.account_id, temporary, DEMO_PASSWORD, actor_ip="démo")


def _print_logins(services: Services) -> None:
    families = services.portail.dossiers.listing()
    with_accounts = [f for f in families if f.account_identifier and f.family.name == DEMO_FAMILY]
    if not with_accounts:
        click.echo("Comptes de démonstration : aucun.")
        return
    click.echo("Comptes de démonstration (http://127.0.0.1:5000/connexion) :")
    for summary in with_accounts:
        click.echo(
            f"  famille {summary.family.name} : identifiant {summary.account_identifier}, "
            f"mot de passe « {DEMO_PASSWORD} »"
        )
