"""``portail demo``: the demo town and a demo family, for trying the portal on a laptop."""

from __future__ import annotations

from datetime import timedelta
from importlib.resources import files

import click

from adapters.commune_file import read_commune_file
from adapters.dossier_file import read_family_file
from entrypoints.bootstrap import Services
from entrypoints.cli.feedback import pass_services, require_current_schema
from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.completeness import SchoolYear
from portail_core.services.accounts.opening import open_account
from portail_core.services.accounts.sessions import change_password
from portail_core.services.catalogue.offer import load_catalogue
from portail_core.services.communes import current_commune
from portail_core.services.dossiers.creation import create_family
from portail_core.services.dossiers.documents import add_document
from portail_core.services.dossiers.reading import list_families

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
    existing = current_commune(services.uow(read_only=True))
    if existing is not None:
        click.echo(f"La base contient déjà la commune {existing.name} : rien n'est changé.")
        if existing.insee_code != DEMO_INSEE_CODE:
            return  # a real town: no demo logins to show
    else:
        _load(services)
        click.echo("Commune de démonstration chargée : Ville de Démo-sur-Mer.")
    _print_logins(services)


def _load(services: Services) -> None:
    clock = services.clock
    text = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
    demo = read_commune_file(text)
    load_catalogue(services.uow(), demo.details, demo.catalogue, actor=DEMO, clock=clock)
    family_text = (files("entrypoints.demo") / "famille-demo.toml").read_text("utf-8")
    family_id = create_family(
        services.uow(), read_family_file(family_text, clock.today()), actor=DEMO, clock=clock
    )
    add_document(
        services.uow(),
        services.documents,
        family_id,
        kind="justificatif_domicile",
        data=DEMO_PDF,
        filename="facture-demo.pdf",
        valid_until=clock.today() + timedelta(days=90),
        actor=DEMO,
        clock=clock,
    )
    open_account(
        services.uow(),
        family_id,
        school_year=SchoolYear.containing(clock.today()),
        public_url=services.settings.public_url,
        hasher=services.hasher,
        actor=DEMO,
        clock=clock,
        with_temporary_password=True,
    )
    with services.uow(read_only=True) as uow:
        email = uow.outbox.listing(1)[0]
        account = uow.accounts.of_family(family_id)
    if account is None or account.id is None:
        raise RuntimeError("the demo account was not opened")
    change_password(
        services.uow(),
        account.id,
        email.context["temporary_password"],
        DEMO_PASSWORD,
        hasher=services.hasher,
        actor_ip="démo",
        clock=clock,
    )


def _print_logins(services: Services) -> None:
    year = SchoolYear.containing(services.clock.today())
    families = list_families(services.uow(read_only=True), year, services.clock)
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
