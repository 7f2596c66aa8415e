"""``portail absences``: absences declared at the desk, justified, listed; their certificates."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from entrypoints.cli.feedback import (
    named_as_options,
    pass_services,
    require_current_schema,
    staff_actor,
)
from entrypoints.cli.output import FORMAT_OPTION, DateParam, echo_json, echo_rows, file_error
from portail_core.domain.absences import AbsenceReason
from portail_core.domain.dossiers.documents import MAX_DOCUMENT_BYTES
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.errors import InvalidInput
from portail_core.services.absences.common import Upload
from portail_core.services.absences.listing import AbsenceLine

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group"]

CERTIFICATE = click.option(
    "--certificate",
    "path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Certificat médical : PDF, JPEG ou PNG, 5 Mo au plus (vérifié d'après son contenu).",
)


_OPTIONS = {
    "child": "ENFANT",
    "first_day": "--from",
    "last_day": "--to",
    "reason": "--reason",
    "certificate": "--certificate",
}


def _upload(path: Path | None) -> Upload | None:
    if path is None:
        return None
    try:
        with path.open("rb") as handle:
            return Upload(handle.read(MAX_DOCUMENT_BYTES + 1), path.name)
    except OSError as error:
        raise file_error("lire", path, error) from error


def _period(line: AbsenceLine) -> str:
    absence = line.absence
    if absence.first_day == absence.last_day:
        return f"le {numeric_day_fr(absence.first_day)}"
    return f"du {numeric_day_fr(absence.first_day)} au {numeric_day_fr(absence.last_day)}"


@click.group("absences")
def group() -> None:
    """Absences des enfants : signaler au guichet, justifier (maladie avec certificat), retirer
    un signalement fait par erreur, lister."""


@group.command("declare")
@click.argument("family_id", metavar="FAMILLE", type=click.IntRange(1))
@click.argument("child_id", metavar="ENFANT", type=click.IntRange(1))
@click.option("--from", "first", required=True, type=DateParam(), help="Premier jour d'absence.")
@click.option("--to", "last", required=True, type=DateParam(), help="Dernier jour d'absence.")
@click.option(
    "--reason",
    required=True,
    type=click.Choice([reason.value for reason in AbsenceReason]),
    help="Motif de l'absence.",
)
@CERTIFICATE
@click.option(
    "--justified",
    is_flag=True,
    help="Justifier aussitôt (par exemple, certificat médical présenté au guichet).",
)
@pass_services
def declare_command(
    services: Services,
    family_id: int,
    child_id: int,
    first: date,
    last: date,
    reason: str,
    path: Path | None,
    justified: bool,
) -> None:
    """Signale l'absence d'un enfant (appel ou visite au guichet) : FAMILLE et ENFANT sont leurs
    numéros (`portail family show FAMILLE`).

    L'absence compte pour la facture du mois : justifiée, elle suit la règle de la structure
    (par défaut, le premier jour facturé, puis gratuit) ; non justifiée, elle est facturée.
    Une absence qui chevauche une autre du même enfant est refusée (code 5).
    """
    require_current_schema(services)
    with named_as_options(_OPTIONS):
        line = services.portail.absences.declare(
            family_id=family_id,
            child_id=child_id,
            first_day=first,
            last_day=last,
            reason=reason,
            certificate=_upload(path),
            justified=justified,
            actor=staff_actor(),
        )
    certificate = ", certificat joint" if line.absence.certificate_file else ""
    click.echo(
        f"Absence n° {line.number} enregistrée : {line.child_name} (famille {line.family_name}), "
        f"{_period(line)}, {line.absence.reason.label}{certificate}, {line.status}."
    )


@group.command("justify")
@click.argument("absence_id", metavar="N°", type=click.IntRange(1))
@CERTIFICATE
@click.option("--undo", is_flag=True, help="Retirer la justification (erreur de saisie).")
@pass_services
def justify_command(services: Services, absence_id: int, path: Path | None, undo: bool) -> None:
    """Justifie une absence (maladie avec certificat médical, en général) : la facture du mois
    applique alors la règle de la structure pour les absences justifiées.

    --certificate joint (ou remplace) le certificat. Le changement est inscrit au journal ;
    une absence déjà dans cet état ne change pas. Si le mois est déjà facturé, la prochaine
    facturation du mois corrige la facture par un avoir.
    """
    require_current_schema(services)
    with named_as_options(_OPTIONS):
        done = services.portail.absences.justify(
            absence_id=absence_id,
            justified=not undo,
            certificate=_upload(path),
            actor=staff_actor(),
        )
    line = done.line
    described = f"Absence n° {line.number} ({line.child_name}, {_period(line)})"
    if not done.changed:
        click.echo(f"{described} : déjà {line.status}, rien ne change.")
        return
    certificate = ", certificat joint" if done.certificate_added else ""
    click.echo(f"{described} : {line.status}{certificate}.")


@group.command("withdraw")
@click.argument("absence_id", metavar="N°", type=click.IntRange(1))
@click.option("--yes", is_flag=True, help="Retire sans demander de confirmation (scripts).")
@pass_services
def withdraw_command(services: Services, absence_id: int, yes: bool) -> None:
    """Retire une absence signalée par erreur (par la famille ou au guichet), même commencée,
    passée ou justifiée : elle est supprimée, son certificat détruit, et chaque structure où
    l'enfant est réservé pendant l'absence en est prévenue par courriel. Inscrit au journal
    (absence.withdraw).

    Refusé (code 4) dès qu'un mois de l'absence est facturé à la famille : la facture repose
    sur elle. On corrige alors par le pointage (portail attendance record) ou la justification
    (portail absences justify N° --undo), puis en relançant la facturation du mois, qui annule
    la facture par un avoir. Une confirmation est demandée, sauf avec --yes.
    """
    require_current_schema(services)
    if not yes:
        click.confirm(
            f"Retirer l'absence n° {absence_id} (supprimée, certificat détruit, structures "
            "prévenues) ?",
            abort=True,
            default=False,
        )
    done = services.portail.absences.withdraw(
        family_id=None, absence_id=absence_id, actor=staff_actor()
    )
    line = done.line
    certificate = ", certificat détruit" if done.certificate_deleted else ""
    alerted = (
        f" Structures prévenues par courriel : {', '.join(done.alerted)}."
        if done.alerted
        else " Aucune structure à prévenir."
    )
    click.echo(
        f"Absence n° {line.number} retirée : {line.child_name} (famille {line.family_name}), "
        f"{_period(line)}{certificate}.{alerted}"
    )


@group.command("list")
@click.option("--from", "first", type=DateParam(), help="Début (par défaut : il y a 31 jours).")
@click.option("--to", "last", type=DateParam(), help="Fin (par défaut : dans un an).")
@click.option(
    "--family", "family_id", metavar="N", type=click.IntRange(1), help="Une famille seulement."
)
@click.option("--unjustified", is_flag=True, help="Seulement les absences non justifiées.")
@FORMAT_OPTION
@pass_services
def list_command(
    services: Services,
    first: date | None,
    last: date | None,
    family_id: int | None,
    unjustified: bool,
    output_format: str,
) -> None:
    """Les absences qui touchent la période, par premier jour : enfant, famille, dates, motif,
    certificat, justifiée ou non, et qui l'a signalée."""
    require_current_schema(services)
    today = services.portail.today()
    lines = services.portail.absences.listing(
        first=first or today - timedelta(days=31),
        last=last or today + timedelta(days=366),
        family_id=family_id,
        unjustified_only=unjustified,
    )
    if output_format == "json":
        echo_json([_json(line) for line in lines])
        return
    rows = [
        (
            line.number,
            line.child_name,
            f"{line.family_name} (n° {line.absence.family_id})",
            numeric_day_fr(line.absence.first_day),
            numeric_day_fr(line.absence.last_day),
            line.absence.reason.label,
            "oui" if line.absence.certificate_file else "non",
            line.status,
            _by(line),
        )
        for line in lines
    ]
    if output_format == "csv":
        headers = (
            "n",
            "enfant",
            "famille",
            "du",
            "au",
            "motif",
            "certificat",
            "statut",
            "signalee_par",
        )
        echo_rows(headers, rows, "csv")
        return
    if not rows:
        click.echo("Aucune absence sur la période.")
        return
    headers = ("n°", "enfant", "famille", "du", "au", "motif", "certificat", "statut", "par")
    echo_rows(headers, rows, "table")


def _by(line: AbsenceLine) -> str:
    actor = line.absence.declared_by
    return f"{actor.identifier} ({actor.channel.value})"


def _json(line: AbsenceLine) -> dict[str, Any]:
    absence = line.absence
    return {
        "id": absence.id,
        "family_id": absence.family_id,
        "family": line.family_name,
        "child_id": absence.child_id,
        "child": line.child_name,
        "first_day": absence.first_day.isoformat(),
        "last_day": absence.last_day.isoformat(),
        "reason": absence.reason.value,
        "certificate": absence.certificate_file is not None,
        "justified": absence.justified,
        "declared_at": absence.declared_at.isoformat(),
        "declared_by": absence.declared_by.identifier,
        "channel": absence.declared_by.channel.value,
    }


@group.command("certificate")
@click.argument("absence_id", metavar="N°", type=click.IntRange(1))
@click.option(
    "--output",
    "path",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Où écrire le certificat (le fichier ne doit pas exister).",
)
@pass_services
def certificate_command(services: Services, absence_id: int, path: Path) -> None:
    """Écrit le certificat médical d'une absence dans un fichier, pour le lire avant de
    justifier. Donnée de santé : chaque lecture est inscrite au journal d'audit."""
    require_current_schema(services)
    if path.exists():
        raise InvalidInput(f"{path} existe déjà : choisissez un autre nom.")
    line, content, kind = services.portail.absences.certificate(
        absence_id=absence_id, actor=staff_actor()
    )
    try:
        with path.open("xb") as handle:
            handle.write(content)
    except OSError as error:
        raise file_error("écrire", path, error) from error
    described = kind.label if kind is not None else "fichier"
    click.echo(
        f"Certificat de l'absence n° {line.number} ({line.child_name}) écrit : "
        f"{path} ({described})."
    )
