"""``portail demo``: the demo town and a demo family, for trying the portal on a laptop."""

from __future__ import annotations

from datetime import date, timedelta
from importlib.resources import files
from typing import TYPE_CHECKING

import attrs
import click

from entrypoints.cli.feedback import pass_services, require_current_schema
from portail_core.domain.attendance import Presence
from portail_core.domain.audit import Actor
from portail_core.domain.menus import monday_of
from portail_core.domain.shared.french_dates import parse_day
from portail_core.errors import PortailError, RuleViolation
from portail_core.services.attendance.pointage import MarkInput
from portail_core.services.regulations.publishing import RegulationUpload

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["DEMO_PASSWORD", "group"]

DEMO_PASSWORD = "cerf-volant sur la plage d'hiver"  # noqa: S105  (the demo's, printed on purpose)
DEMO_INSEE_CODE = "99001"  # the demo town's (not a real INSEE code)
DEMO_FAMILY = "Martin"
DEMO = Actor.system("démo")
DEMO_UNITS = (("CANTINE-PLAGE", "REPAS"), ("ALSH", "JOURNEE"))  # where the demo children went
DEMO_DAYS = 6  # days billed on the demo's invoice
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
@click.option(
    "--no-invoice", is_flag=True, help="Sans la facture de démonstration du mois dernier."
)
@click.option(
    "--allow-https",
    is_flag=True,
    help="Charge la démonstration même si le portail est servi en HTTPS (un portail de "
    "démonstration public) : le mot de passe de sa famille est écrit dans le code source.",
)
@pass_services
def load_command(services: Services, no_invoice: bool, allow_https: bool) -> None:
    """Charge la ville de démonstration, son catalogue et une famille avec son compte et la
    facture de quelques jours du mois dernier, dans une base vide ; affiche ensuite les accès de
    démonstration.

    Refuse (code 4, rien n'est changé) une base qui contient une autre commune ou des dossiers,
    et un portail servi en HTTPS (PORTAIL_PUBLIC_URL en https://, sans doute celui d'une vraie
    commune) sauf avec --allow-https. Relancée sur la base de démonstration, ne change rien.
    """
    require_current_schema(services)
    _refuse_a_real_portal(services, allow_https=allow_https)
    existing = services.portail.communes.current()
    if existing is not None:
        click.echo(f"La base contient déjà la commune {existing.name} : rien n'est changé.")
    else:
        invoices = _load(services, with_invoice=not no_invoice)
        click.echo("Commune de démonstration chargée : Ville de Démo-sur-Mer.")
        for number in invoices:
            click.echo(
                f"Facture de démonstration {number} : « Payer en ligne » la règle sur le "
                "simulateur PayFiP (make run le lance)."
            )
    _print_logins(services)


def _refuse_a_real_portal(services: Services, *, allow_https: bool) -> None:
    """The demo family's password is in the source: never on a town's portal or data."""
    settings = services.settings
    if settings.uses_https and not allow_https:
        raise RuleViolation(
            f"Le portail est servi en HTTPS ({settings.public_url}) : c'est sans doute celui "
            "d'une vraie commune, et le mot de passe de la famille de démonstration est écrit "
            "dans le code source. Rien n'a été chargé (pour un portail de démonstration "
            "public : --allow-https)."
        )
    existing = services.portail.communes.current()
    if existing is not None and existing.insee_code != DEMO_INSEE_CODE:
        raise RuleViolation(
            f"La base contient la commune {existing.name} : la démonstration ne se charge "
            "que dans une base vide. Rien n'a été changé."
        )
    if existing is None and services.portail.dossiers.listing():
        raise RuleViolation(
            "La base contient déjà des dossiers de familles : la démonstration ne se charge "
            "que dans une base vide. Rien n'a été changé."
        )


def _load(services: Services, *, with_invoice: bool) -> tuple[str, ...]:
    """The demo town, its family and account; the numbers of the family's demo invoices."""
    portail, formats = services.portail, services.formats
    demo = formats.commune_file(
        (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
    )
    portail.catalogue.load(demo.details, demo.catalogue, actor=DEMO)
    _publish_regulations(services, demo.catalogue.regulations())
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
    _load_menus(services)
    return _bill_last_month(services, family_id) if with_invoice else ()


def _publish_regulations(services: Services, versions: dict[str, str]) -> None:
    """Each structure's règlement intérieur as a PDF, under the version the commune file puts
    in force (before the family exists: it accepted these versions, nobody is e-mailed)."""
    document = (files("entrypoints.demo") / "reglement-demo.pdf").read_bytes()
    for code, version in sorted(versions.items()):
        year = int(version[:4]) if version[:4].isdigit() else 2025
        services.portail.regulations.publish(
            establishment_code=code,
            upload=RegulationUpload(document, f"reglement-{code.lower()}-{version}.pdf"),
            version=version,
            effective_from=date(year, 9, 1) if year < 2026 else date(year, 1, 5),
            actor=DEMO,
        )


def _load_menus(services: Services) -> None:
    """The demo menus (menus-demo.csv), moved to this week and the next ones."""
    text = (files("entrypoints.demo") / "menus-demo.csv").read_text("utf-8")
    lines = services.formats.menus_csv(text)
    days = [parse_day(line.day) or date.max for line in lines]
    shift = monday_of(services.portail.today()) - monday_of(min(days))
    moved = [
        attrs.evolve(line, day=(day + shift).isoformat())
        for line, day in zip(lines, days, strict=True)
    ]
    services.portail.menus.import_lines(moved, actor=DEMO)


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


def _bill_last_month(services: Services, family_id: int) -> tuple[str, ...]:
    """A few days of last month at the canteen (or the leisure centre in the holidays), pointed
    and billed, so that the demo family has an invoice to pay online (on the PayFiP simulator).
    Pointed without a reservation (the portal books only days to come): the invoice shows the
    units' surcharge.
    Nothing when last month had no school day or cannot be billed. The invoices' numbers."""
    portail = services.portail
    first_of_month = portail.today().replace(day=1)
    last_month = (first_of_month - timedelta(days=1)).replace(day=1)
    children = [c.id for c in portail.dossiers.dossier(family_id).family.children if c.id]
    days = (last_month + timedelta(days=n) for n in range((first_of_month - last_month).days))
    pointed = 0
    for day in days:
        pointed += _point(services, day, children)
        if pointed >= DEMO_DAYS:
            break
    if not pointed:
        return ()
    try:
        report = portail.billing.run_month(month=last_month.strftime("%Y-%m"), actor=DEMO)
    except PortailError:
        return ()
    return tuple(number for bill in report.bills for number in bill.issued)


def _point(services: Services, day: date, children: list[int]) -> int:
    """The children present at the canteen that day, or else at the leisure centre: 1 if
    either was open, else 0."""
    for establishment, unit in DEMO_UNITS:
        marks = [MarkInput(child, unit, Presence.PRESENT) for child in children]
        try:
            services.portail.attendance.record_pointage(
                establishment_code=establishment, day=day, marks=marks, actor=DEMO
            )
        except PortailError:
            continue  # closed that day
        return 1
    return 0


def _print_logins(services: Services) -> None:
    families = services.portail.dossiers.listing()
    with_accounts = [f for f in families if f.account_identifier and f.family.name == DEMO_FAMILY]
    if not with_accounts:
        click.echo("Comptes de démonstration : aucun.")
        return
    click.echo(f"Comptes de démonstration ({services.settings.public_url}/connexion) :")
    for summary in with_accounts:
        click.echo(
            f"  famille {summary.family.name} : identifiant {summary.account_identifier}, "
            f"mot de passe « {DEMO_PASSWORD} »"
        )
