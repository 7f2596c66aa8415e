"""``portail family history``, ``export`` and ``erase``: what the portal holds about a family."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from entrypoints.cli.output import FORMAT_OPTION, echo_json, echo_rows
from entrypoints.family_data import export_json
from portail_core.domain.audit import AuditEvent
from portail_core.domain.shared.instants import as_paris

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["erase_command", "export_command", "history_command"]


@click.command("history")
@click.argument("family_id", metavar="N°", type=click.IntRange(1))
@click.option(
    "--limit", default=200, show_default=True, metavar="N", type=click.IntRange(1, 100_000)
)
@FORMAT_OPTION
@pass_services
def history_command(services: Services, family_id: int, limit: int, output_format: str) -> None:
    """Historique du dossier et du compte d'une famille : qui, quand, quoi (ancien -> nouveau)."""
    require_current_schema(services)
    events = services.portail.dossiers.history(family_id, limit)
    if output_format == "json":
        echo_json([_event_json(e) for e in events])
        return
    rows = []
    for event in events:
        changes = event.details.get("changes", {})
        described = "; ".join(
            f"{k} : {v[0]} -> {v[1]}"
            for k, v in changes.items()
            if isinstance(v, list) and len(v) == 2
        )
        rows.append(
            (
                as_paris(event.at).format("YYYY-MM-DD HH:mm"),
                f"{event.actor.identifier} ({event.actor.channel.value})",
                event.summary,
                described,
            )
        )
    echo_rows(("quand (Paris)", "qui", "quoi", "ancien -> nouveau"), rows, output_format)


@click.command("export")
@click.argument("family_id", metavar="N°", type=click.IntRange(1))
@pass_services
def export_command(services: Services, family_id: int) -> None:
    """Toutes les données d'une famille, en JSON (droit d'accès RGPD) : le même document que
    « Mes données » sur le portail, décrit dans docs/family-data.md (dossier, compte,
    demandes, réservations et leur historique, listes d'attente, présences, absences,
    factures, paiements, e-mails, journal).

    Les informations de santé en font partie : l'export est inscrit au journal d'audit (qui,
    quand, quels enfants).
    """
    require_current_schema(services)
    export = services.portail.dossiers.export(family_id, health_read_by=staff_actor())
    echo_json(export_json(export))


@click.command("erase")
@click.argument("family_id", metavar="N°", type=click.IntRange(1))
@click.option("--yes", is_flag=True, help="Confirme l'effacement sans le demander (scripts).")
@pass_services
def erase_command(services: Services, family_id: int, yes: bool) -> None:
    """Efface le dossier d'une famille à sa demande (droit à l'effacement RGPD).

    Refusé tant que la famille doit de l'argent ou a des réservations à venir. Sinon, plus
    rien ne nomme la famille, ses enfants, son identifiant ni ses adresses : le dossier est
    anonymisé ; le compte, les sessions, les liens, les demandes, les e-mails la concernant
    supprimés ; le journal garde ses événements (date, canal, action) sans résumé ni
    détails, la famille y devient « famille effacée n° N° » ; ses pièces et certificats sont
    détruits. Les factures et paiements sont conservés tels qu'émis (obligation comptable).
    Irréversible : faites d'abord « portail family export N° » si la famille veut ses
    données.
    """
    require_current_schema(services)
    if not yes:
        click.confirm(
            f"Effacer définitivement le dossier n° {family_id} ?", abort=True, default=False
        )
    report = services.portail.dossiers.erase(family_id, actor=staff_actor())
    account = "supprimé" if report.account_deleted else "absent"
    click.echo(
        f"Dossier n° {family_id} effacé : compte {account}, "
        f"{report.files_deleted} pièce(s) détruite(s), {report.events_redacted} événement(s) "
        "du journal vidés de leurs détails."
    )
    if report.files_left:
        click.echo(
            "Attention : des fichiers du dossier n'ont pas pu être supprimés ; "
            "« portail document purge-orphans » les supprimera.",
            err=True,
        )


def _event_json(event: AuditEvent) -> dict[str, Any]:
    return {
        "at": event.at.isoformat(),
        "actor": event.actor.identifier,
        "channel": event.actor.channel.value,
        "action": event.action,
        "summary": event.summary,
        "details": dict(event.details),
    }
