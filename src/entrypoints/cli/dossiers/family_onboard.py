"""``portail family onboard``: a town's complete dossiers from its previous software."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from entrypoints.cli.accounts import echo_batch_opening, per_minute_option, refuse_unless
from entrypoints.cli.bulk_work import cyclic_gc_paused
from entrypoints.cli.dossiers.options import SCHOOL_YEAR_OPTION, school_year_of
from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from entrypoints.cli.output import read_bytes
from portail_core.errors import InvalidInput
from portail_core.services.dossiers.onboarding import FileProblem, OnboardingOutcome

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["onboard_command"]

MAX_FILE_BYTES = 200 * 1024 * 1024  # some 100,000 lines of children


@click.command("onboard")
@click.argument("path", metavar="FICHIER.csv", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Vérifie tout le fichier sans rien enregistrer.")
@click.option(
    "--open-accounts",
    is_flag=True,
    help="Ouvre aussi, dans la même transaction, le compte de chaque famille du fichier au "
    "dossier complet qui n'en a pas (comme account create --all-complete).",
)
@per_minute_option("--open-accounts")
@SCHOOL_YEAR_OPTION
@pass_services
def onboard_command(
    services: Services,
    path: Path,
    dry_run: bool,
    open_accounts: bool,
    per_minute: int,
    school_year: str | None,
) -> None:
    """Importe les dossiers complets exportés par l'ancien logiciel (CSV, une ligne par enfant).

    Colonnes : voir docs/import-familles.md (responsables, enfants, santé, PAI, vaccinations,
    assurance, justificatif de domicile vu au guichet, règlements acceptés, quotient,
    inscriptions, mandat SEPA avec sa RUM et sa date de signature). Chaque problème est
    signalé avec sa ligne ; une famille qui en a un n'est pas importée du tout, les autres le
    sont en une transaction. Réimporter le même fichier ne change rien ; une famille dont une
    ligne a changé est mise à jour, elle seule. Avec --open-accounts, les comptes des dossiers
    complets sont ouverts dans la foulée (liens d'activation envoyés au rythme de
    --per-minute). Code de sortie 2 si une famille est refusée.
    """
    require_current_schema(services)
    refuse_unless("--open-accounts", open_accounts, "per_minute", "school_year")
    data = read_bytes(path, MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(f"Fichier trop gros ({MAX_FILE_BYTES // 1024 // 1024} Mo au plus).")
    year = school_year_of(services, school_year)
    pace = services.portail.accounts.pacing(per_minute, year) if open_accounts else None
    with cyclic_gc_paused():
        parsed = services.formats.onboarding_csv(data, services.portail.today())
        report = services.portail.dossiers.onboard(
            parsed.dossiers,
            source=path.name,
            actor=staff_actor(),
            dry_run=dry_run,
            open_accounts=pace,
        )
    problems = list(parsed.problems) + [
        (reference, problem) for reference, found in report.refusals for problem in found
    ]
    problems.sort(key=lambda item: item[1].line)
    for reference, problem in problems:
        _echo_problem(path.name, reference, problem)
    refused = len(parsed.refused) + report.count(OnboardingOutcome.REFUSED)
    added = report.count(OnboardingOutcome.ADDED)
    updated = report.count(OnboardingOutcome.UPDATED)
    same = report.count(OnboardingOutcome.UNCHANGED)
    verb = "" if report.recorded else " (à l'essai : rien n'est enregistré, --dry-run)"
    click.echo(f"Fichier lu en {parsed.encoding}{verb}.")
    click.echo(
        f"{added} famille(s) ajoutée(s), {updated} mise(s) à jour, {same} inchangée(s), "
        f"{refused} refusée(s)."
    )
    if report.opening is not None:
        echo_batch_opening(report.opening, per_minute)
    if refused:
        click.echo(
            "Les familles refusées ne sont pas importées : corrigez les lignes citées "
            "et relancez (les autres restent telles quelles).",
            err=True,
        )
        raise SystemExit(2)


def _echo_problem(source: str, reference: str, problem: FileProblem) -> None:
    click.echo(
        f"{source}, ligne {problem.line} (famille {reference}) : {problem.message}", err=True
    )
