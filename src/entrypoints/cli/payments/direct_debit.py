"""``portail directdebit``: the families' SEPA mandates and the month's pain.008 file."""

from __future__ import annotations

import contextlib
import os
import secrets
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from entrypoints.cli.output import FORMAT_OPTION, DateParam, echo_json, echo_rows, file_error
from entrypoints.cli.payments.debit_rejections import (
    reject_command,
    reject_file_command,
    resume_command,
)
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.errors import Conflict, InvalidInput
from portail_core.services.payments.direct_debit import DebitExport

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group"]

_MANDATE_OPTIONS = {
    "iban": "--iban",
    "bic": "--bic",
    "holder": "--holder",
    "rum": "--rum",
    "signed_on": "--signed",
}
_CREDITOR_OPTIONS = {
    "creditor_name": "--creditor-name (PORTAIL_SEPA_CREDITOR_NAME)",
    "creditor_id": "--creditor-id (PORTAIL_SEPA_CREDITOR_ID)",
    "creditor_iban": "--creditor-iban (PORTAIL_SEPA_CREDITOR_IBAN)",
    "creditor_bic": "--creditor-bic (PORTAIL_SEPA_CREDITOR_BIC)",
}


def _renamed(error: InvalidInput, names: dict[str, str]) -> InvalidInput:
    return InvalidInput(error.message, {names.get(k, k): v for k, v in error.problems.items()})


@click.group("directdebit")
def group() -> None:
    """Prélèvement automatique (SEPA) : mandats des familles, fichier pain.008 du mois, rejets."""


@group.command("mandate")
@click.argument("family_id", metavar="N°", type=click.IntRange(1))
@click.option(
    "--iban", required=True, metavar="IBAN", help="IBAN du compte à prélever (espaces permis)."
)
@click.option("--holder", required=True, metavar="NOM", help="Titulaire du compte.")
@click.option(
    "--signed", "signed_on", required=True, type=DateParam(), help="Date de signature du mandat."
)
@click.option(
    "--bic",
    metavar="BIC",
    help="BIC de la banque (facultatif : trouvé d'après l'IBAN si possible).",
)
@click.option(
    "--rum",
    metavar="RUM",
    help="Référence unique du mandat, si la famille en a déjà une (par défaut : attribuée, "
    "ex. PF-000012-20260915).",
)
@pass_services
def mandate_command(
    services: Services,
    family_id: int,
    iban: str,
    holder: str,
    signed_on: date,
    bic: str | None,
    rum: str | None,
) -> None:
    """Enregistre le mandat de prélèvement SEPA signé par une famille : ses factures seront
    prélevées (elle ne paie plus en ligne). Un nouveau mandat remplace le précédent ; un
    nouveau compte demande un nouveau mandat (nouvelle signature, nouvelle RUM).

    L'IBAN est vérifié (pays, longueur, clés de contrôle) ; il n'apparaît ensuite que masqué
    (FR76 **** 0189), à l'écran comme dans le journal.

    \b
    Exemple :
      portail directdebit mandate 12 --iban "FR76 3000 6000 0112 3456 7890 189" \\
          --holder "Claire Martin" --signed 2026-09-15
    """
    require_current_schema(services)
    try:
        mandate = services.portail.payments.sign_mandate(
            family_id,
            holder=holder,
            iban=iban,
            bic=bic,
            rum=rum,
            signed_on=signed_on,
            actor=staff_actor(),
        )
    except InvalidInput as error:
        raise _renamed(error, _MANDATE_OPTIONS) from error
    click.echo(
        f"Mandat enregistré pour la famille n° {family_id} : RUM {mandate.rum}, titulaire "
        f"{mandate.holder}, IBAN {mandate.masked_iban}, BIC {mandate.bic or 'non renseigné'}, "
        f"signé le {numeric_day_fr(mandate.signed_on)}."
    )
    click.echo("Ses prochaines factures porteront une date de prélèvement.")


@group.command("revoke")
@click.argument("family_id", metavar="N°", type=click.IntRange(1))
@pass_services
def revoke_command(services: Services, family_id: int) -> None:
    """Arrête le prélèvement d'une famille : le mandat reste au dossier, inactif ; ses
    prochaines factures se paieront autrement (en ligne, au guichet)."""
    require_current_schema(services)
    mandate = services.portail.payments.revoke_mandate(family_id, actor=staff_actor())
    click.echo(f"Mandat {mandate.rum} révoqué pour la famille n° {family_id}.")


@group.command("list")
@click.option("--all", "everything", is_flag=True, help="Avec les mandats révoqués.")
@FORMAT_OPTION
@pass_services
def list_command(services: Services, everything: bool, output_format: str) -> None:
    """Les familles qui paient par prélèvement, avec leur mandat (IBAN masqué)."""
    require_current_schema(services)
    lines = services.portail.payments.mandates(active_only=not everything)
    if output_format == "json":
        echo_json(
            [
                {
                    "family_id": line.family_id,
                    "family": line.family_name,
                    "rum": line.mandate.rum,
                    "holder": line.mandate.holder,
                    "iban": line.mandate.masked_iban,
                    "bic": line.mandate.bic,
                    "signed_on": line.mandate.signed_on.isoformat(),
                    "active": line.mandate.active,
                    "suspended_on": (
                        line.mandate.suspended_on.isoformat() if line.mandate.suspended_on else None
                    ),
                    "suspension": line.mandate.suspension,
                }
                for line in lines
            ]
        )
        return
    rows = [
        (
            f"{line.family_name} (n° {line.family_id})",
            line.mandate.rum,
            line.mandate.holder,
            line.mandate.masked_iban,
            line.mandate.signed_on.isoformat()
            if output_format == "csv"
            else f"{numeric_day_fr(line.mandate.signed_on)}",
            line.mandate.state,
        )
        for line in lines
    ]
    echo_rows(("famille", "RUM", "titulaire", "IBAN", "signé le", "état"), rows, output_format)


@group.command("export")
@click.option("--month", required=True, metavar="AAAA-MM", help="Mois facturé (ex. : 2026-09).")
@click.option(
    "--creditor-id",
    metavar="ICS",
    help="Identifiant créancier SEPA de la commune (par défaut : PORTAIL_SEPA_CREDITOR_ID).",
)
@click.option(
    "--creditor-name",
    metavar="NOM",
    help="Nom du créancier (par défaut : PORTAIL_SEPA_CREDITOR_NAME).",
)
@click.option(
    "--creditor-iban",
    metavar="IBAN",
    help="Compte crédité (par défaut : PORTAIL_SEPA_CREDITOR_IBAN).",
)
@click.option(
    "--creditor-bic",
    metavar="BIC",
    help="BIC de ce compte (par défaut : PORTAIL_SEPA_CREDITOR_BIC, ou trouvé d'après l'IBAN).",
)
@click.option(
    "--collection-date",
    type=DateParam(),
    help="Date de prélèvement (par défaut : celle prévue sur chaque facture).",
)
@click.option(
    "-o",
    "--output",
    "path",
    required=True,
    metavar="FICHIER.xml",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier à écrire (il ne doit pas exister).",
)
@pass_services
def export_command(
    services: Services,
    month: str,
    creditor_id: str | None,
    creditor_name: str | None,
    creditor_iban: str | None,
    creditor_bic: str | None,
    collection_date: date | None,
    path: Path,
) -> None:
    """Écrit le fichier de prélèvement SEPA (pain.008.001.02, vérifié d'après son schéma XSD)
    des factures à payer du mois des familles ayant un mandat actif, à remettre à la banque,
    et les enregistre comme réglées par prélèvement (« prélevée »), en une seule transaction.

    Exporter deux fois le même mois refait le même fichier (mêmes factures, montants, dates
    et identifiant de message) sans rien enregistrer de plus : personne n'est prélevé deux
    fois. Les factures devenues payables après l'export (corrections) sont listées, à régler
    au guichet, en ligne ou avec l'avoir de la famille.

    \b
    Exemple :
      portail directdebit export --month 2026-09 -o prelevements-2026-09.xml
    """
    require_current_schema(services)
    settings = services.settings
    try:
        creditor = services.portail.payments.creditor(
            name=creditor_name or settings.sepa_creditor_name,
            identifier=creditor_id or settings.sepa_creditor_id,
            iban=creditor_iban or settings.sepa_creditor_iban,
            bic=creditor_bic or settings.sepa_creditor_bic,
        )
    except InvalidInput as error:
        raise _renamed(error, _CREDITOR_OPTIONS) from error
    if path.exists():
        raise Conflict(f"Le fichier {path} existe déjà : choisissez un autre nom.")
    written: list[Path] = []
    try:
        export = services.portail.payments.export_direct_debits(
            month=month,
            creditor=creditor,
            save=lambda document: written.append(_write_new(path, document)),
            actor=staff_actor(),
            collection_date=collection_date,
        )
    except BaseException:
        for done in written:  # the file of a transaction that did not commit
            done.unlink(missing_ok=True)
        raise
    _echo_export(export, path)


def _write_new(path: Path, document: bytes) -> Path:
    """Write the whole file beside its final name, then give it that name (never half a
    file; never over an existing one)."""
    folder = path.parent if str(path.parent) else Path()
    temporary = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        with temporary.open("xb") as handle:
            handle.write(document)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)
    except FileExistsError as error:
        raise Conflict(f"Le fichier {path} existe déjà : choisissez un autre nom.") from error
    except OSError as error:
        raise file_error("écrire", path, error) from error
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    return path


def _echo_export(export: DebitExport, path: Path) -> None:
    batch = export.batch
    dates = sorted({d.collection_date for d in batch.debits})
    click.echo(f"Fichier pain.008 écrit : {path} (message {batch.message_id}).")
    if export.again:
        click.echo(
            "Ce mois avait déjà été exporté : le fichier est refait à l'identique, rien de "
            "nouveau n'est enregistré."
        )
    click.echo(
        f"{len(batch.debits)} prélèvement(s), total {batch.control_sum} (somme de contrôle), "
        f"le {', '.join(f'{numeric_day_fr(d)}' for d in dates)}."
    )
    rows = [
        (
            d.invoice_number,
            f"{d.family_name} (n° {d.family_id})",
            d.amount.format_fr(),
            f"{numeric_day_fr(d.collection_date)}",
            d.mandate.rum,
            d.mandate.masked_iban,
        )
        for d in batch.debits
    ]
    echo_rows(("facture", "famille", "montant", "prélevée le", "RUM", "IBAN"), rows, "table")
    if export.left_out:
        click.echo("")
        click.echo("Non prélevées (à régler au guichet, en ligne ou avec l'avoir de la famille) :")
        for line in export.left_out:
            click.echo(f"  - {line}")


group.add_command(reject_command)
group.add_command(reject_file_command)
group.add_command(resume_command)
