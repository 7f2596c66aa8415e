"""``portail attendance``: the staff's pointage of a day, at the prompt or from a CSV file."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from entrypoints.cli.options import ESTABLISHMENT_OPTION
from entrypoints.cli.output import FORMAT_OPTION, DateParam, echo_json, echo_rows, file_error
from portail_core.domain.attendance import Presence
from portail_core.domain.shared.french_dates import long_day_fr
from portail_core.errors import InvalidInput
from portail_core.services.attendance.pointage import MarkInput, PointageReport
from portail_core.services.attendance.pointage_sheet import PointageLine, PointageSheet

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group"]

_SPELLINGS = {
    "p": Presence.PRESENT,
    "présent": Presence.PRESENT,
    "present": Presence.PRESENT,
    "a": Presence.ABSENT,
    "absent": Presence.ABSENT,
}


DAY = click.option(
    "--date", "day", required=True, type=DateParam(), help="Le jour (ou AAAA-MM-JJ)."
)


class PresenceParam(click.ParamType[Presence]):
    """p / a, présent / absent, at the prompt."""

    name = "p/a"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Presence:
        if isinstance(value, Presence):
            return value
        found = _SPELLINGS.get(str(value).strip().lower())
        if found is None:
            self.fail("répondez p (présent) ou a (absent).")
        return found


class UnitParam(click.ParamType[str]):
    """One of the units open that day, at the prompt."""

    name = "unité"

    def __init__(self, codes: list[str]) -> None:
        self.codes = codes

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        code = str(value).strip().upper()
        if code not in self.codes:
            self.fail(f"répondez par le code d'une unité ouverte : {', '.join(self.codes)}.")
        return code


@click.group("attendance")
def group() -> None:
    """Pointage : enfants présents ou absents un jour donné, par structure et par unité."""


@group.command("record")
@ESTABLISHMENT_OPTION
@DAY
@click.option(
    "--file",
    "path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier CSV (séparateur , ou ;) aux colonnes child_id,unit,presence "
    "(presence : present ou absent) ; sans --file, la commande pose la question pour chaque "
    "enfant réservé.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Vérifier le fichier et montrer ce qui changerait, sans rien enregistrer.",
)
@pass_services
def record_command(
    services: Services, code: str, day: date, path: Path | None, dry_run: bool
) -> None:
    """Enregistre le pointage d'une structure pour un jour passé ou le jour même.

    Sans --file, pour chaque enfant réservé : présent (p) ou absent (a) ; la réponse proposée
    est le pointage déjà enregistré (ou « absent » si une absence est signalée), Entrée
    l'accepte. Ensuite, les enfants présents sans réservation : leur numéro (celui de
    `portail family show`), Entrée pour finir.

    Avec --file, une ligne par enfant et unité :

    \b
      child_id,unit,presence
      31,JOURNEE,present
      32,JOURNEE,absent

    Tout est enregistré ou rien : une ligne refusée (enfant ou unité inconnus, unité fermée ce
    jour-là, enfant en double, absent sans réservation...) est signalée avec sa raison et rien
    n'est enregistré (code 2). Un jour à venir ou un jour de fermeture est refusé (code 4).
    Chaque pointage qui change est inscrit au journal (ancienne -> nouvelle valeur).
    """
    require_current_schema(services)
    if path is not None:
        marks = services.formats.pointage_csv(_read(path, services.formats.max_pointage_size))
    else:
        if dry_run:
            raise InvalidInput("--dry-run ne sert qu'avec --file.")
        marks = _ask(services, code, day)
        if not marks:
            click.echo("Aucun enfant à pointer : rien n'est enregistré.")
            return
    report = services.portail.attendance.record_pointage(
        establishment_code=code,
        day=day,
        marks=marks,
        actor=staff_actor(),
        dry_run=dry_run,
    )
    _report(report, dry_run)


def _read(path: Path, limit: int) -> str:
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise file_error("lire", path, error) from error
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"{path} n'est pas en UTF-8 (enregistrez-le en « CSV UTF-8 »)."
        ) from error


def _ask(services: Services, code: str, day: date) -> list[MarkInput]:
    sheet = services.portail.attendance.pointage_sheet(
        establishment_code=code, day=day, for_recording=True
    )
    click.echo(f"Pointage – {sheet.establishment.name} – {long_day_fr(day)}")
    marks: list[MarkInput] = []
    booked = [line for line in sheet.lines if line.booked and _open(sheet, line.unit_code)]
    if not booked:
        click.echo("Aucun enfant réservé ce jour-là.")
    for line in booked:
        absence = ""
        if line.absence is not None:
            absence = f" – absence signalée ({line.absence.reason.label})"
        default = line.presence or (
            Presence.ABSENT if line.absence is not None else Presence.PRESENT
        )
        presence = click.prompt(
            f"{line.child_name} ({line.unit_label}){absence} : présent ou absent",
            type=PresenceParam(),
            default="p" if default is Presence.PRESENT else "a",
        )
        marks.append(MarkInput(line.child_id, line.unit_code, presence))
    open_units = [o.unit_code for o in sheet.openings if o.open]
    while True:
        answer = click.prompt(
            "Enfant présent sans réservation : son numéro (Entrée pour finir)",
            default="",
            show_default=False,
        ).strip()
        if not answer:
            return marks
        unit = open_units[0]
        if len(open_units) > 1:
            unit = click.prompt(
                f"Unité ({', '.join(open_units)})", type=UnitParam(open_units), default=unit
            )
        extra = MarkInput(answer, unit, Presence.PRESENT)
        try:  # checked at once, so that a typo is asked again rather than refuse everything
            services.portail.attendance.record_pointage(
                establishment_code=code,
                day=day,
                marks=[*marks, extra],
                actor=staff_actor(),
                dry_run=True,
            )
        except InvalidInput as error:
            for problem in error.problems.values() or [error.message]:
                click.echo(f"Refusé : {problem}", err=True)
            continue
        marks.append(extra)


def _open(sheet: PointageSheet, unit_code: str) -> bool:
    opening = sheet.opening(unit_code)
    return opening is None or opening.open


def _report(report: PointageReport, dry_run: bool) -> None:
    head = "Simulation, rien n'est enregistré" if dry_run else "Pointage enregistré"
    click.echo(
        f"{head} – {report.establishment.name} – {long_day_fr(report.day)} : "
        f"{report.new} nouveau(x), {report.corrected} corrigé(s), "
        f"{report.unchanged} inchangé(s)."
    )
    for change in report.changes:
        old = change.old.label if change.old is not None else "non pointé"
        unbooked = "" if change.booked else " (sans réservation)"
        click.echo(
            f"  {change.child_name} – {change.unit_label} : {old} -> {change.new.label}{unbooked}"
        )


@group.command("show")
@ESTABLISHMENT_OPTION
@DAY
@FORMAT_OPTION
@pass_services
def show_command(services: Services, code: str, day: date, output_format: str) -> None:
    """Le pointage d'un jour : pour chaque unité, les enfants réservés et ceux présents sans
    réservation, leur pointage (ou « non pointé »), l'absence signalée et ce que la
    facturation en retiendra."""
    require_current_schema(services)
    sheet = services.portail.attendance.pointage_sheet(establishment_code=code, day=day)
    if output_format == "json":
        echo_json(
            {
                "establishment": sheet.establishment.code,
                "day": day.isoformat(),
                "closed_units": {o.unit_code: o.describe() for o in sheet.openings if not o.open},
                "children": [_json(line) for line in sheet.lines],
            }
        )
        return
    if output_format == "csv":
        echo_rows(CSV_HEADERS, [_csv(line) for line in sheet.lines], "csv")
        return
    click.echo(f"{sheet.establishment.name} – {long_day_fr(day)}")
    for opening in sheet.openings:
        if not opening.open:
            unit = sheet.establishment.unit(opening.unit_code)
            label = unit.label if unit is not None else opening.unit_code
            click.echo(f"{label} : {opening.describe()}")
    if not sheet.lines:
        click.echo("Aucun enfant réservé ni pointé ce jour-là.")
        return
    rows = [
        (
            line.unit_label,
            f"{line.child_name} (n° {line.child_id})",
            f"{line.family_name} (n° {line.family_id})",
            "oui" if line.booked else "non",
            _presence(line),
            _absence(line),
            line.state.label if line.state is not None else "–",
        )
        for line in sheet.lines
    ]
    headers = ("unité", "enfant", "famille", "réservé", "pointage", "absence signalée", "facturé")
    echo_rows(headers, rows, "table")
    booked = [line for line in sheet.lines if line.booked]
    counts = {
        "présent(s)": sum(1 for line in booked if line.presence is Presence.PRESENT),
        "absent(s)": sum(1 for line in booked if line.presence is Presence.ABSENT),
        "non pointé(s)": sum(1 for line in booked if line.presence is None),
    }
    unbooked = len(sheet.lines) - len(booked)
    click.echo("")
    click.echo(
        f"{len(booked)} réservé(s) : "
        + ", ".join(f"{count} {label}" for label, count in counts.items())
        + f" ; {unbooked} présent(s) sans réservation."
    )


def _presence(line: PointageLine) -> str:
    return line.presence.label if line.presence is not None else "non pointé"


def _absence(line: PointageLine) -> str:
    if line.absence is None:
        return ""
    status = "justifiée" if line.absence.justified else "non justifiée"
    return f"n° {line.absence.id} {line.absence.reason.label}, {status}"


CSV_HEADERS = (
    "unite",
    "enfant_n",
    "enfant",
    "famille_n",
    "famille",
    "reserve",
    "pointage",
    "absence_n",
    "absence_justifiee",
    "etat",
)


def _csv(line: PointageLine) -> tuple[object, ...]:
    return (
        line.unit_code,
        line.child_id,
        line.child_name,
        line.family_id,
        line.family_name,
        "oui" if line.booked else "non",
        line.presence.value if line.presence is not None else "",
        line.absence.id if line.absence is not None else "",
        ("oui" if line.absence.justified else "non") if line.absence is not None else "",
        line.state.value if line.state is not None else "",
    )


def _json(line: PointageLine) -> dict[str, Any]:
    return {
        "unit": line.unit_code,
        "child_id": line.child_id,
        "child": line.child_name,
        "family_id": line.family_id,
        "family": line.family_name,
        "booked": line.booked,
        "presence": line.presence.value if line.presence is not None else None,
        "recorded_by": line.recorded_by or None,
        "recorded_at": line.recorded_at.isoformat() if line.recorded_at else None,
        "absence": (
            None
            if line.absence is None
            else {
                "id": line.absence.id,
                "reason": line.absence.reason.value,
                "justified": line.absence.justified,
            }
        ),
        "state": line.state.value if line.state is not None else None,
    }
