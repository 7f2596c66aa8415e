"""``portail changes``: changes families asked for that affect their invoices."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from entrypoints.cli.output import FORMAT_OPTION, echo_json, echo_rows
from portail_core.domain.shared.instants import as_paris

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group"]


@click.group("changes")
def group() -> None:
    """Changements demandés par les familles, qui changent leurs tarifs, à valider au vu du
    justificatif : adresse, quotient familial, PAI d'un enfant (déclaré, retiré, ou sa date de
    fin de validité)."""


@group.command("list")
@click.option("--all", "everything", is_flag=True, help="Aussi les demandes déjà traitées.")
@FORMAT_OPTION
@pass_services
def list_command(services: Services, everything: bool, output_format: str) -> None:
    """Liste les demandes en attente (les plus anciennes d'abord). Un PAI est une donnée de
    santé : son affichage est inscrit au journal."""
    require_current_schema(services)
    changes = services.portail.dossiers.changes(
        pending_only=not everything, health_read_by=staff_actor()
    )
    if output_format == "json":
        echo_json(
            [
                {
                    "id": c.id,
                    "family_id": c.family_id,
                    "kind": c.kind.value,
                    "proposed": c.proposed,
                    "requested_at": c.requested_at.isoformat(),
                    "requested_by": c.requested_by,
                    "status": c.status.value,
                    "reason": c.reason,
                }
                for c in changes
            ]
        )
        return
    rows = [
        (
            c.id,
            c.family_id,
            c.kind.label,
            c.describe(),
            as_paris(c.requested_at).format("YYYY-MM-DD HH:mm"),
            c.status.label,
        )
        for c in changes
    ]
    echo_rows(
        ("n°", "famille", "changement", "nouvelle valeur", "demandé (Paris)", "état"),
        rows,
        output_format,
    )


@group.command("approve")
@click.argument("change_id", metavar="N°", type=click.IntRange(1))
@click.option(
    "--resident/--non-resident",
    default=None,
    help="Pour une adresse : dans la commune ou non (décide des tarifs). Obligatoire.",
)
@pass_services
def approve_command(services: Services, change_id: int, resident: bool | None) -> None:
    """Valide une demande : le dossier est mis à jour (l'historique garde l'ancienne valeur).

    Validez au vu du justificatif : l'attestation pour un quotient familial, le PAI signé
    (sa date de fin de validité) pour un PAI. Un PAI validé donne le tarif PAI (panier-repas)
    aux réservations et aux factures qui suivent."""
    require_current_schema(services)
    change = services.portail.dossiers.approve_change(
        change_id, actor=staff_actor(), resident=resident
    )
    click.echo(f"Demande n° {change_id} validée : {change.kind.label} {change.describe()}.")


@group.command("reject")
@click.argument("change_id", metavar="N°", type=click.IntRange(1))
@click.option(
    "--reason", required=True, metavar="TEXTE", help="Raison du refus, montrée à la famille."
)
@pass_services
def reject_command(services: Services, change_id: int, reason: str) -> None:
    """Refuse une demande, en disant pourquoi."""
    require_current_schema(services)
    services.portail.dossiers.reject_change(change_id, reason=reason, actor=staff_actor())
    click.echo(f"Demande n° {change_id} refusée.")
