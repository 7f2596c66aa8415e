"""``portail reservations pattern``: the desk books a « semaine type » (the same units on the same
weekdays) for a period, in one step."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import click

from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from entrypoints.cli.options import ESTABLISHMENT_OPTION
from entrypoints.cli.output import DateParam
from portail_core.domain.bookings.pattern import PeriodEnd
from portail_core.domain.bookings.selection import SelectionLine, Summary
from portail_core.domain.shared.french_dates import long_day_fr, parse_day
from portail_core.domain.shared.text import printable
from portail_core.domain.shared.weekdays import Weekday
from portail_core.errors import InvalidInput
from portail_core.services.bookings.desk import DeskTarget
from portail_core.services.bookings.pattern import PatternRequest

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services

__all__ = ["pattern_command", "read_days", "read_until"]

ALL_REFUSED = 4  # as ``book``: the exit code when every day is refused
_DAYS = ", ".join(day.french for day in Weekday)


def read_days(values: tuple[str, ...]) -> dict[Weekday, frozenset[str]]:
    """``lundi:REPAS``, ``mardi:REPAS+SOIR`` (or ``REPAS,SOIR``) -> the units per weekday."""
    units: dict[Weekday, set[str]] = {}
    for value in values:
        name, colon, codes = value.partition(":")
        try:
            day = Weekday.from_name(name)
        except KeyError:
            raise InvalidInput(
                f"--day « {printable(value, 60)} » : le jour s'écrit {_DAYS} "
                "(ex. : --day lundi:REPAS)."
            ) from None
        wanted = {c.strip().upper() for c in codes.replace(",", "+").split("+") if c.strip()}
        if not colon or not wanted:
            raise InvalidInput(
                f"--day « {printable(value, 60)} » : indiquez les unités après le jour "
                "(ex. : --day mardi:REPAS+SOIR)."
            )
        units.setdefault(day, set()).update(wanted)
    return {day: frozenset(codes) for day, codes in units.items()}


def read_until(value: str) -> PeriodEnd | date:
    """``fin-periode``, ``fin-annee`` or a date."""
    cleaned = value.strip().lower()
    for end in PeriodEnd:
        if cleaned == end.value:
            return end
    day = parse_day(cleaned)
    if day is None:
        raise InvalidInput(
            f"--until « {printable(value, 40)} » : fin-periode, fin-annee ou une date "
            "(JJ/MM/AAAA ou AAAA-MM-JJ)."
        )
    return day


@click.command("pattern")
@click.argument("family_id", metavar="FAMILLE", type=click.IntRange(1))
@click.argument("child_id", metavar="ENFANT", type=click.IntRange(1))
@ESTABLISHMENT_OPTION
@click.option(
    "--day",
    "days",
    required=True,
    multiple=True,
    metavar="JOUR:UNITÉS",
    help="Un jour de la semaine et ses unités ; répétable : --day lundi:REPAS "
    "--day mardi:REPAS+SOIR.",
)
@click.option(
    "--until",
    required=True,
    metavar="FIN",
    help="fin-periode (veille des prochaines vacances), fin-annee (veille des grandes "
    "vacances) ou une date JJ/MM/AAAA.",
)
@click.option(
    "--from",
    "start",
    type=DateParam(),
    help="Premier jour (par défaut : le premier jour encore réservable).",
)
@click.option("--dry-run", is_flag=True, help="Affiche ce qui serait réservé, sans rien écrire.")
@click.option(
    "--force", is_flag=True, help="Passer outre les délais de réservation ; exige --reason."
)
@click.option(
    "--reason", metavar="TEXTE", help="Pourquoi le délai est dépassé (5 à 300 caractères)."
)
@pass_services
def pattern_command(
    services: Services,
    family_id: int,
    child_id: int,
    code: str,
    days: tuple[str, ...],
    until: str,
    start: date | None,
    dry_run: bool,
    force: bool,
    reason: str | None,
) -> None:
    """Réserve une « semaine type » pour une famille : les mêmes unités les mêmes jours de la
    semaine, jusqu'à la fin de la période scolaire, de l'année scolaire ou une date.

    Les jours de fermeture (vacances, fériés, fermetures de la structure) sont sautés, les
    jours déjà réservés laissés tels quels ; chaque autre jour est réservé ou refusé avec sa
    raison (délai, places, unités incompatibles, dossier), en une seule transaction ; la famille
    reçoit la confirmation par courriel. Exemple :

    \b
        portail reservations pattern 12 31 --establishment CANTINE-PLAGE \\
            --day lundi:REPAS --day mardi:REPAS --day jeudi:REPAS --day vendredi:REPAS \\
            --until fin-annee --dry-run

    Code de sortie 4 si tout est refusé.
    """
    require_current_schema(services)
    if force != (reason is not None):
        raise InvalidInput(
            "--force et --reason vont ensemble : dites pourquoi le délai est dépassé."
        )
    units = read_days(days)
    asked = PatternRequest(units, read_until(until), start)
    bookings = services.portail.bookings
    why = bookings.forced_reason(reason) if reason is not None else None
    target = bookings.desk_target(
        family_id=family_id,
        child_id=child_id,
        establishment_code=code,
        unit_codes=tuple(sorted(frozenset().union(*units.values()))),
    )
    if dry_run:
        summary = bookings.preview_pattern(
            family_id=family_id,
            child_id=child_id,
            establishment_code=code,
            asked=asked,
            forced=force,
        )
        _report(target, family_id, summary, done="À réserver")
        click.echo("Simulation (--dry-run) : rien n'est enregistré.")
        return
    done = bookings.book_pattern_at_desk(
        family_id=family_id,
        child_id=child_id,
        establishment_code=code,
        asked=asked,
        actor=staff_actor(),
        forced_reason=why,
    )
    _report(target, family_id, done.summary, done="Réservé")
    if not done.summary.accepted:
        click.echo("Rien n'est enregistré : toutes les demandes sont refusées.", err=True)
        raise SystemExit(ALL_REFUSED)
    forced = f" ; délais passés outre : « {why} »" if why else ""
    click.echo(
        f"Confirmation n° {done.number} : {len(done.summary.additions)} réservation(s){forced}."
    )


def _described(line: SelectionLine) -> str:
    price = f" ({line.price.format_fr()})" if line.price is not None else ""
    return f"{long_day_fr(line.slot.day)}, {line.unit_label}{price}"


def _report(target: DeskTarget, family_id: int, summary: Summary, *, done: str) -> None:
    click.echo(
        f"{target.child_name} (famille {target.family_name}, n° {family_id}) – "
        f"{target.establishment.name}"
    )
    for line in summary.additions:
        click.echo(f"  {done} : {_described(line)}")
    for line in summary.refused:
        click.echo(f"  Refusé : {_described(line)} – {line.reason}")
    click.echo(
        f"{len(summary.additions)} jour(s) et unité(s) acceptés, {len(summary.refused)} "
        f"refusé(s) ; coût estimé {summary.cost.format_fr()}."
    )
