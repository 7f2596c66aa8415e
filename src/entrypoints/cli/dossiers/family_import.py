"""``portail family import``: the families exported by the town's previous software."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from entrypoints.cli.output import read_text
from portail_core.services.dossiers.creation import ImportOutcome, ImportReport

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["import_command"]


@click.command("import")
@click.argument("path", metavar="FICHIER.csv", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Vérifie le fichier sans rien enregistrer.")
@click.option(
    "--allow-duplicate",
    is_flag=True,
    help="Importe aussi les familles qui semblent déjà avoir un dossier (même e-mail, ou même "
    "responsable et un enfant né le même jour).",
)
@pass_services
def import_command(services: Services, path: Path, dry_run: bool, allow_duplicate: bool) -> None:
    """Importe les familles exportées par l'ancien logiciel (CSV, une ligne par enfant).

    Colonnes : voir docs/staff-guide.md. La colonne « famille » (la référence de la famille
    dans l'ancien logiciel) est gardée au dossier : réimporter le même fichier ignore les
    familles déjà importées, en nommant leur dossier. Une famille qui a probablement déjà un
    dossier (même e-mail, ou même responsable et un enfant né le même jour) n'est pas
    importée, sauf avec --allow-duplicate. Une famille dont une ligne est illisible n'est pas
    importée du tout. Le rapport dit, famille par famille, ce qu'il en est ; les familles
    acceptées sont enregistrées en une transaction. Code de sortie 2 si une famille est
    refusée ou écartée comme doublon.
    """
    require_current_schema(services)
    text = read_text(path, "utf-8-sig")
    parsed = services.formats.family_csv(text, services.portail.today())
    for rejection in parsed.rejections:
        lines = ", ".join(str(n) for n in rejection.lines)
        click.echo(f"Refusée : famille {rejection.reference} (lignes {lines})", err=True)
        for reason in rejection.reasons:
            click.echo(f"  - {reason}", err=True)
    report = services.portail.dossiers.import_families(
        [family for _, family in parsed.families],
        source=path.name,
        actor=staff_actor(),
        allow_duplicates=allow_duplicate,
        dry_run=dry_run,
    )
    for (reference, _), line in zip(parsed.families, report.families, strict=True):
        where = f"famille {reference} (lignes {', '.join(map(str, parsed.lines[reference]))})"
        if line.outcome is ImportOutcome.ALREADY_IMPORTED:
            click.echo(f"Déjà importée : {where} : dossier n° {line.dossier}, ignorée.")
        elif line.outcome is ImportOutcome.PROBABLE_DUPLICATE:
            click.echo(f"Doublon probable, non importée : {where}", err=True)
            click.echo(f"  - {line.reason}", err=True)
    _summary(report, len(parsed.rejections))
    if parsed.rejections or report.count(ImportOutcome.PROBABLE_DUPLICATE):
        raise SystemExit(2)


def _summary(report: ImportReport, refused: int) -> None:
    imported = report.count(ImportOutcome.IMPORTED)
    if report.recorded:
        click.echo(f"{imported} famille(s) importée(s), {refused} refusée(s).")
    else:
        click.echo(
            f"{imported} famille(s) importable(s), {refused} refusée(s) ; rien n'est "
            "enregistré (--dry-run)."
        )
    if already := report.count(ImportOutcome.ALREADY_IMPORTED):
        click.echo(f"{already} famille(s) déjà importée(s) (même référence) : ignorée(s).")
    if duplicates := report.count(ImportOutcome.PROBABLE_DUPLICATE):
        click.echo(
            f"{duplicates} doublon(s) probable(s) non importé(s) : vérifiez les dossiers "
            "nommés ; --allow-duplicate les importe quand même."
        )
