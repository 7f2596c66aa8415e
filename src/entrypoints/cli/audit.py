"""``portail audit``: the audit trail (who did what, when, through which channel)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from entrypoints.cli.feedback import pass_services, require_current_schema
from entrypoints.cli.output import FORMAT_OPTION, echo_json, echo_rows
from portail_core.domain.shared.instants import as_paris

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group"]


@click.group("audit")
def group() -> None:
    """Journal d'audit (ajout seul) : qui a fait quoi, quand, par quel canal."""


@group.command("list")
@click.option("--limit", default=50, show_default=True, metavar="N", type=click.IntRange(1, 10_000))
@FORMAT_OPTION
@pass_services
def list_command(services: Services, limit: int, output_format: str) -> None:
    """Affiche les derniers événements, du plus récent au plus ancien."""
    require_current_schema(services)
    events = services.portail.audit.latest(limit)
    if output_format == "json":
        echo_json(
            [
                {
                    "at": e.at.isoformat(),
                    "actor": e.actor.identifier,
                    "channel": e.actor.channel.value,
                    "action": e.action,
                    "summary": e.summary,
                    "details": dict(e.details),
                }
                for e in events
            ]
        )
        return
    rows = [
        (
            as_paris(e.at).format("YYYY-MM-DD HH:mm"),
            f"{e.actor.identifier} ({e.actor.channel.value})",
            e.action,
            e.summary,
        )
        for e in events
    ]
    echo_rows(("quand (Paris)", "qui", "action", "résumé"), rows, output_format)
