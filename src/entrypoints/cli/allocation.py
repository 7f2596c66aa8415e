"""``portail allocation``: fair allocation of oversubscribed periods, for the desk: open (the
seed's hash to publish), status, draw (or recompute it with --dry-run), publish."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from entrypoints.cli.output import FORMAT_OPTION, echo_json, echo_rows
from portail_core.domain.shared.french_dates import moment_fr, numeric_day_fr
from portail_core.errors import InvalidInput

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services
    from portail_core.services.allocation.views import CampaignStatus, DrawReport

__all__ = ["group"]


@click.group("allocation")
def group() -> None:
    """Attribution équitable des périodes très demandées : ouverture, état, tirage au sort (et
    sa vérification), publication des résultats.

    Chaque campagne vient du fichier de la commune ([[allocations]]) : une structure, une
    période, une fenêtre de demandes, des classes de priorité. Les familles demandent des jours
    pendant la fenêtre ; à la clôture, « draw » attribue les places, classe par classe, par
    tirage au sort dans chaque classe ; « publish » révèle la graine, réserve les places,
    inscrit le reste en liste d'attente et écrit à chaque famille.
    """


def _campaign_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option(
        "--period", "period", metavar="CODE", help="Code de la campagne (ex. : ETE2027)."
    )(command)
    return click.argument("code", metavar="[CODE]", required=False)(command)


def _code(code: str | None, period: str | None) -> str:
    chosen = period or code
    if not chosen or (code and period and code != period):
        raise InvalidInput("Nommez une campagne : CODE ou --period CODE (ex. : ETE2027).")
    return chosen


@group.command("open")
@_campaign_options
@pass_services
def open_command(services: Services, code: str | None, period: str | None) -> None:
    """Affiche l'empreinte SHA-256 de la graine, à publier avant la clôture (affichage en
    mairie, site de la commune) ; inscrit l'ouverture au journal. La fenêtre de demandes
    s'ouvre et se ferme aux dates du fichier de la commune."""
    require_current_schema(services)
    campaign = services.portail.allocation.open(_code(code, period), actor=staff_actor())
    s = campaign.settings
    click.echo(f"Campagne {s.code} « {s.label} » : demandes {s.window_fr}.")
    click.echo(f"Empreinte SHA-256 de la graine (à publier) : {campaign.seed_hash}")


@group.command("status")
@_campaign_options
@FORMAT_OPTION
@pass_services
def status_command(
    services: Services, code: str | None, period: str | None, output_format: str
) -> None:
    """L'état de la campagne, les familles et demandes par classe de priorité, et pour chaque
    jour et unité la demande face aux places restantes."""
    require_current_schema(services)
    status = services.portail.allocation.status(_code(code, period))
    if output_format == "json":
        echo_json(_status_json(status))
        return
    c = status.campaign
    click.echo(
        f"Campagne {c.code} « {c.label} » ({c.establishment_name}) : {c.state.label} ; "
        f"demandes du {moment_fr(c.requests_from)} au {moment_fr(c.requests_until)}."
    )
    click.echo(f"Empreinte de la graine : {c.seed_hash}")
    if c.seed:
        click.echo(f"Graine (révélée) : {c.seed}")
    click.echo(
        f"{status.families} famille(s), {status.children} enfant(s), {status.requests} demande(s)."
    )
    echo_rows(
        ("classe", "familles", "demandes"),
        [(k.label, k.families, k.requests) for k in status.classes],
        output_format,
    )
    click.echo("")
    echo_rows(
        ("jour", "unité", "demandes", "places"),
        [
            (
                numeric_day_fr(d.slot.day),
                d.unit_label,
                d.demand,
                "illimité" if d.capacity is None else d.capacity,
            )
            for d in status.days
        ],
        output_format,
    )


def _status_json(status: CampaignStatus) -> dict[str, Any]:
    c = status.campaign
    return {
        "code": c.code,
        "state": c.state.value,
        "seed_hash": c.seed_hash,
        "seed": c.seed,
        "families": status.families,
        "children": status.children,
        "requests": status.requests,
        "classes": [
            {"class": k.priority_class, "label": k.label, "families": k.families}
            for k in status.classes
        ],
        "days": [
            {
                "day": d.slot.day.isoformat(),
                "unit": d.slot.unit_code,
                "demand": d.demand,
                "places": d.capacity,
            }
            for d in status.days
        ],
    }


@group.command("draw")
@_campaign_options
@click.option(
    "--dry-run",
    is_flag=True,
    help="Recalcule sans rien écrire ; après un tirage, dit s'il retrouve le résultat enregistré.",
)
@click.option("--details", is_flag=True, help="Affiche chaque demande et son explication.")
@pass_services
def draw_command(
    services: Services, code: str | None, period: str | None, dry_run: bool, details: bool
) -> None:
    """Tire la campagne, une fois la fenêtre de demandes close (une seule fois) : classe par
    classe, les familles dans l'ordre du tirage, par tours de préférence. Les résultats restent
    invisibles des familles jusqu'à « publish »."""
    require_current_schema(services)
    chosen = _code(code, period)
    report = services.portail.allocation.draw(chosen, dry_run=dry_run, actor=staff_actor())
    _echo_draw(report, details)
    if report.matches is False:
        raise click.exceptions.Exit(1)


def _echo_draw(report: DrawReport, details: bool) -> None:
    if report.dry_run and report.matches is None:
        click.echo(f"Simulation du tirage de {report.code} (rien n'est enregistré) :")
    elif report.dry_run:
        verdict = "identique au" if report.matches else "DIFFÉRENT du"
        click.echo(f"Tirage de {report.code} recalculé : {verdict} résultat enregistré.")
        if report.families_erased:
            click.echo(
                f"  ({report.families_erased} famille(s) effacée(s) depuis le tirage : leurs "
                "décisions sont parties avec leur dossier, les autres sont comparées.)"
            )
    else:
        click.echo(f"Tirage de {report.code} enregistré (à publier avec « publish ») :")
    click.echo(
        f"  {report.granted} jour(s) attribué(s), {report.waiting} en liste d'attente, "
        f"{report.refused} refusé(s)."
    )
    if details:
        for o in report.outcomes:
            click.echo(
                f"  enfant {o.child_id} {o.child_name} {numeric_day_fr(o.slot.day)} "
                f"{o.unit_label} (choix {o.preference}) : {o.explanation}"
            )


@group.command("publish")
@_campaign_options
@pass_services
def publish_command(services: Services, code: str | None, period: str | None) -> None:
    """Publie le tirage : révèle la graine, réserve les jours attribués (un numéro de
    confirmation par enfant), inscrit le reste en liste d'attente dans l'ordre du tirage, écrit
    à chaque famille ; la période s'ouvre ensuite à tous pour les places restantes."""
    require_current_schema(services)
    report = services.portail.allocation.publish(_code(code, period), actor=staff_actor())
    click.echo(
        f"Résultats de {report.code} publiés ; {report.families_emailed} famille(s) prévenue(s)."
    )
    click.echo(f"Graine révélée : {report.seed}")
