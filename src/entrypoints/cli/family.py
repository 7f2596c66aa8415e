"""``portail family``: families' dossiers (DIU)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from adapters.dossier_file import read_family_file
from adapters.family_csv import read_family_csv
from adapters.persistence.codec import domain_codec
from entrypoints.bootstrap import Services
from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from entrypoints.cli.output import FORMAT_OPTION, echo_json, echo_rows
from portail_core.domain.audit import AuditEvent
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.completeness import SchoolYear
from portail_core.domain.dossiers.family import Family
from portail_core.domain.shared.instants import as_paris
from portail_core.errors import InvalidInput
from portail_core.services.dossiers.creation import create_family, import_families
from portail_core.services.dossiers.data import export_family
from portail_core.services.dossiers.edits import DossierEdit, edit_family
from portail_core.services.dossiers.erasure import erase_family
from portail_core.services.dossiers.reading import (
    FamilySummary,
    family_dossier,
    family_history,
    list_families,
)
from portail_core.services.dossiers.regulations import accept_regulation

__all__ = ["SCHOOL_YEAR_OPTION", "group", "school_year_of"]

SCHOOL_YEAR_OPTION = click.option(
    "--school-year",
    metavar="AAAA-AAAA",
    help="Année scolaire de référence (par défaut : celle en cours, ex. 2026-2027).",
)


def school_year_of(services: Services, text: str | None) -> SchoolYear:
    return SchoolYear.parse(text) if text else SchoolYear.containing(services.clock.today())


@click.group("family")
def group() -> None:
    """Dossiers des familles (DIU) : création, consultation, complétude."""


@group.command("create")
@click.argument("path", metavar="FICHIER", type=click.Path(dir_okay=False, path_type=Path))
@pass_services
def create_command(services: Services, path: Path) -> None:
    """Crée le dossier d'une famille décrit dans FICHIER (TOML ; voir docs/staff-guide.md)."""
    require_current_schema(services)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"Impossible de lire {path} : {error}.") from error
    family = read_family_file(text, services.clock.today())
    family_id = create_family(services.uow(), family, actor=staff_actor(), clock=services.clock)
    click.echo(f"Dossier créé : famille {family.name}, n° {family_id}.")


@group.command("show")
@click.argument("family_id", metavar="N°", type=click.IntRange(1))
@SCHOOL_YEAR_OPTION
@FORMAT_OPTION
@pass_services
def show_command(
    services: Services, family_id: int, school_year: str | None, output_format: str
) -> None:
    """Affiche le dossier d'une famille, dont les informations de santé des enfants, et ce qui
    lui manque pour l'année scolaire.

    Chaque affichage des informations de santé est inscrit au journal d'audit (qui, quand,
    quels enfants ; jamais les informations elles-mêmes).
    """
    require_current_schema(services)
    year = school_year_of(services, school_year)
    summary = family_dossier(
        services.uow(), family_id, year, services.clock, health_read_by=staff_actor()
    )
    if output_format == "json":
        echo_json(_json(summary, with_health=True))
        return
    family = summary.family
    click.echo(
        f"Famille {family.name} (n° {family.id})"
        f"{' – habitante de la commune' if family.resident else ''}"
    )
    click.echo(f"Compte : {summary.account_identifier or 'aucun'}")
    for guardian in family.guardians:
        click.echo(
            f"Responsable : {guardian.first_name} {guardian.last_name}, "
            f"{guardian.email or 'sans e-mail'}, {', '.join(guardian.phones) or 'sans téléphone'}"
        )
    for child in family.children:
        click.echo(
            f"Enfant n° {child.id} : {child.full_name}, né(e) le "
            f"{child.birth_date.strftime('%d/%m/%Y')}, {child.school_code or 'école ?'} "
            f"{child.school_class or ''}".rstrip()
        )
        for line in _health_lines(child):
            click.echo(f"  {line}")
    if summary.completeness.complete:
        click.echo(f"Dossier complet pour {year}.")
    else:
        click.echo(f"Dossier incomplet pour {year} ; il manque :")
        for item in summary.completeness.missing:
            click.echo(f"  - {item}")


@group.command("edit")
@click.argument("family_id", metavar="N°", type=click.IntRange(1))
@click.option("--name", metavar="NOM", help="Nom du foyer (tel qu'il figure sur les factures).")
@click.option(
    "--resident/--non-resident",
    default=None,
    help="Habite la commune ou non (décide des tarifs). Obligatoire avec une nouvelle adresse "
    "du responsable principal.",
)
@click.option(
    "--insurance-until",
    metavar="DATE",
    help="Fin de validité de l'assurance responsabilité civile (JJ/MM/AAAA ou AAAA-MM-JJ).",
)
@click.option(
    "--quotient",
    metavar="MONTANT",
    help="Nouveau quotient familial (entier de 0 à 99 999), avec --quotient-source et "
    "--quotient-from.",
)
@click.option(
    "--quotient-source",
    metavar="SOURCE",
    help="Document qui l'indique : CAF, MSA ou avis_imposition.",
)
@click.option(
    "--quotient-from", metavar="DATE", help="Date de début du quotient (JJ/MM/AAAA ou AAAA-MM-JJ)."
)
@click.option(
    "--highest-tariff",
    is_flag=True,
    help="La famille ne donne pas de quotient et choisit le tarif le plus élevé.",
)
@click.option(
    "--guardian",
    metavar="N",
    type=click.IntRange(1, 2),
    default=1,
    show_default=True,
    help="Responsable concerné par --phone, --email, --street, --postcode, --city "
    "(1 : le principal).",
)
@click.option(
    "--phone",
    "phones",
    metavar="NUMÉRO",
    multiple=True,
    help="Téléphone ; répétez l'option pour plusieurs numéros (3 au plus). Remplace les numéros "
    'actuels ; --phone "" les efface.',
)
@click.option("--email", metavar="ADRESSE", help='Adresse e-mail ; --email "" l\'efface.')
@click.option("--street", metavar="TEXTE", help="Numéro et voie de l'adresse.")
@click.option("--postcode", metavar="CP", help="Code postal (5 chiffres).")
@click.option("--city", metavar="COMMUNE", help="Commune de l'adresse.")
@click.option(
    "--child",
    "child_id",
    metavar="N°",
    type=click.IntRange(1),
    help="Enfant concerné par --school et --class (son n°, affiché par « portail family show »).",
)
@click.option("--school", metavar="CODE", help="École : son code au catalogue (ex. : PLAGE).")
@click.option("--class", "school_class", metavar="CLASSE", help="Classe (ex. : CE1).")
@pass_services
def edit_command(
    services: Services,
    /,
    family_id: int,
    phones: tuple[str, ...],
    **options: Any,
) -> None:
    """Modifie le dossier d'une famille au guichet : nom du foyer, résidence, assurance,
    quotient familial, coordonnées d'un responsable, école et classe d'un enfant.

    Seules les options données changent ; les parties omises d'une adresse restent.
    Chaque changement est inscrit dans l'historique (ancienne -> nouvelle valeur, canal
    guichet). Si une valeur est invalide, rien n'est enregistré et toutes les erreurs sont
    listées.

    \b
    Exemples :
      portail family edit 12 --quotient 1250 --quotient-source CAF --quotient-from 01/09/2026
      portail family edit 12 --street "3 allée des Mouettes" --postcode 99100 --resident
      portail family edit 12 --guardian 2 --phone "06 12 34 56 78" --email marc@exemple.fr
      portail family edit 12 --child 31 --school PLAGE --class CE2
    """
    require_current_schema(services)
    edit = DossierEdit(
        name=options["name"],
        resident=options["resident"],
        insurance_valid_until=options["insurance_until"],
        quotient_value=options["quotient"],
        quotient_source=options["quotient_source"],
        quotient_valid_from=options["quotient_from"],
        highest_tariff=options["highest_tariff"],
        guardian=options["guardian"],
        phones=phones or None,
        email=options["email"],
        street=options["street"],
        postcode=options["postcode"],
        city=options["city"],
        child_id=options["child_id"],
        school_code=options["school"],
        school_class=options["school_class"],
    )
    try:
        changes = edit_family(
            services.uow(),
            family_id,
            edit,
            public_url=services.settings.public_url,
            actor=staff_actor(),
            clock=services.clock,
        )
    except InvalidInput as error:
        raise InvalidInput(
            error.message, {_EDIT_OPTIONS.get(k, k): v for k, v in error.problems.items()}
        ) from error
    if not changes:
        click.echo("Aucun changement : le dossier contient déjà ces valeurs.")
        return
    click.echo(f"Dossier n° {family_id} modifié :")
    for key, (old, new) in changes.items():
        click.echo(f"  {key} : {old or '(vide)'} -> {new or '(vide)'}")


_EDIT_OPTIONS = {  # the use case's field names -> the options that set them
    "name": "--name",
    "resident": "--resident/--non-resident",
    "insurance_valid_until": "--insurance-until",
    "quotient": "--quotient",
    "quotient.value": "--quotient",
    "quotient.source": "--quotient-source",
    "quotient.valid_from": "--quotient-from",
    "guardian.phones": "--phone",
    "guardian.email": "--email",
    "guardian.street": "--street",
    "guardian.postcode": "--postcode",
    "guardian.city": "--city",
    "child": "--child",
    "child.school_code": "--school",
    "child.school_class": "--class",
    "edit": "options",
}


@group.command("list")
@click.option("--incomplete", is_flag=True, help="Seulement les dossiers incomplets.")
@SCHOOL_YEAR_OPTION
@FORMAT_OPTION
@pass_services
def list_command(
    services: Services, incomplete: bool, school_year: str | None, output_format: str
) -> None:
    """Liste les familles, la complétude de leur dossier et leur compte."""
    require_current_schema(services)
    year = school_year_of(services, school_year)
    summaries = list_families(
        services.uow(read_only=True), year, services.clock, incomplete_only=incomplete
    )
    if output_format == "json":
        echo_json([_json(s) for s in summaries])
        return
    rows = [
        (
            s.family.id,
            s.family.name,
            len(s.family.children),
            "complet" if s.completeness.complete else f"{len(s.completeness.missing)} manque(s)",
            s.account_identifier or "",
        )
        for s in summaries
    ]
    echo_rows(("n°", "famille", "enfants", f"dossier {year}", "compte"), rows, output_format)


def _health_lines(child: Child) -> list[str]:
    """The child's health information, in French, for the desk's screen only."""
    pai = child.pai
    if pai is None:
        pai_text = "non renseigné"
    elif not pai.has_pai:
        pai_text = "non"
    else:
        until = pai.valid_until.strftime("%d/%m/%Y") if pai.valid_until else "date non renseignée"
        pai_text = f"oui, valable jusqu'au {until}"
    vaccinations = {True: "oui", False: "non", None: "non déclaré"}[child.vaccinations_up_to_date]
    lines = [
        f"Allergies : {child.allergies or 'aucune'}",
        f"Régime : {child.diet.label}",
        f"PAI : {pai_text}",
    ]
    if pai is not None and pai.instructions:
        lines.append(f"Consignes du PAI : {pai.instructions}")
    lines.append(f"Vaccinations à jour : {vaccinations}")
    return [part for line in lines for part in line.splitlines()]


def _health_json(child: Child) -> dict[str, Any]:
    pai = child.pai
    return {
        "allergies": child.allergies,
        "diet": child.diet.kind.value,
        "diet_details": child.diet.details,
        "pai": None
        if pai is None
        else {
            "has_pai": pai.has_pai,
            "valid_until": pai.valid_until.isoformat() if pai.valid_until else None,
            "instructions": pai.instructions,
        },
        "vaccinations_up_to_date": child.vaccinations_up_to_date,
    }


def _json(summary: FamilySummary, *, with_health: bool = False) -> dict[str, Any]:
    family = summary.family
    return {
        "id": family.id,
        "name": family.name,
        "resident": family.resident,
        "children": [
            {
                "id": c.id,
                "first_name": c.first_name,
                "last_name": c.last_name,
                "birth_date": c.birth_date.isoformat(),
                "school": c.school_code,
                "class": c.school_class,
                **({"health": _health_json(c)} if with_health else {}),
            }
            for c in family.children
        ],
        "complete": summary.completeness.complete,
        "missing": list(summary.completeness.missing),
        "account": summary.account_identifier,
    }


@group.command("history")
@click.argument("family_id", metavar="N°", type=click.IntRange(1))
@click.option(
    "--limit", default=200, show_default=True, metavar="N", type=click.IntRange(1, 100_000)
)
@FORMAT_OPTION
@pass_services
def history_command(services: Services, family_id: int, limit: int, output_format: str) -> None:
    """Historique du dossier et du compte d'une famille : qui, quand, quoi (ancien -> nouveau)."""
    require_current_schema(services)
    events = family_history(services.uow(read_only=True), family_id, limit)
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


@group.command("export")
@click.argument("family_id", metavar="N°", type=click.IntRange(1))
@pass_services
def export_command(services: Services, family_id: int) -> None:
    """Toutes les données d'une famille, en JSON (droit d'accès RGPD).

    Les informations de santé en font partie : l'export est inscrit au journal d'audit (qui,
    quand, quels enfants).
    """
    require_current_schema(services)
    export = export_family(
        services.uow(), family_id, health_read_by=staff_actor(), clock=services.clock
    )
    echo_json(
        {
            "family": domain_codec().unstructure(export.family, Family),
            "account": export.account_identifier,
            "history": [_event_json(e) for e in export.history],
        }
    )


@group.command("erase")
@click.argument("family_id", metavar="N°", type=click.IntRange(1))
@click.option("--yes", is_flag=True, help="Confirme l'effacement sans le demander (scripts).")
@pass_services
def erase_command(services: Services, family_id: int, yes: bool) -> None:
    """Efface le dossier d'une famille à sa demande (droit à l'effacement RGPD).

    Refusé tant que la famille doit de l'argent ou a des réservations à venir. Sinon : le
    dossier est anonymisé, le compte, les sessions et les demandes en attente supprimés, le
    journal de la famille vidé de ses détails et ses pièces justificatives détruites. Les
    factures et paiements sont conservés (obligation comptable). Irréversible : faites d'abord
    « portail family export N° » si la famille veut ses données.
    """
    require_current_schema(services)
    if not yes:
        click.confirm(
            f"Effacer définitivement le dossier n° {family_id} ?", abort=True, default=False
        )
    report = erase_family(
        services.uow(),
        services.documents,
        services.clock,
        family_id=family_id,
        actor=staff_actor(),
    )
    account = "supprimé" if report.account_deleted else "absent"
    click.echo(
        f"Dossier n° {family_id} effacé : compte {account}, "
        f"{report.files_deleted} pièce(s) détruite(s), {report.events_redacted} événement(s) "
        "du journal vidés de leurs détails."
    )


@group.command("accept-regulation")
@click.argument("family_id", metavar="N°", type=click.IntRange(1))
@click.option(
    "--establishment",
    "code",
    required=True,
    metavar="CODE",
    help="Code de la structure (ex. : ALSH).",
)
@click.option(
    "--version",
    metavar="VERSION",
    help="La version que la famille a signée (refusé si la commune en a publié une autre).",
)
@pass_services
def accept_regulation_command(
    services: Services, family_id: int, code: str, version: str | None
) -> None:
    """Enregistre que la famille accepte le règlement intérieur d'une structure, dans sa
    version en vigueur (signé au guichet). Sans cette acceptation, ses réservations dans la
    structure sont refusées. Inscrit dans l'historique de la famille."""
    require_current_schema(services)
    done = accept_regulation(
        services.uow(),
        services.clock,
        family_id=family_id,
        establishment_code=code.strip().upper(),
        actor=staff_actor(),
        version=version.strip() if version else None,
    )
    state = "était déjà accepté" if done.already else "est accepté"
    click.echo(
        f"Le règlement intérieur de « {done.establishment_name} » (version {done.version}) "
        f"{state} pour la famille n° {family_id}."
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


@group.command("import")
@click.argument("path", metavar="FICHIER.csv", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Vérifie le fichier sans rien enregistrer.")
@pass_services
def import_command(services: Services, path: Path, dry_run: bool) -> None:
    """Importe les familles exportées par l'ancien logiciel (CSV, une ligne par enfant).

    Colonnes : voir docs/staff-guide.md. Une famille dont une ligne est illisible n'est pas
    importée du tout ; le rapport liste ces familles, leurs lignes et pourquoi. Les familles
    acceptées sont enregistrées en une transaction.
    """
    require_current_schema(services)
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"Impossible de lire {path} : {error}.") from error
    parsed = read_family_csv(text, services.clock.today())
    for rejection in parsed.rejections:
        lines = ", ".join(str(n) for n in rejection.lines)
        click.echo(f"Refusée : famille {rejection.reference} (lignes {lines})", err=True)
        for reason in rejection.reasons:
            click.echo(f"  - {reason}", err=True)
    families = [family for _, family in parsed.families]
    if dry_run:
        click.echo(
            f"{len(families)} famille(s) importable(s), {len(parsed.rejections)} refusée(s) ;"
            " rien n'est enregistré (--dry-run)."
        )
        return
    ids = import_families(
        services.uow(), families, source=path.name, actor=staff_actor(), clock=services.clock
    )
    click.echo(f"{len(ids)} famille(s) importée(s), {len(parsed.rejections)} refusée(s).")
    if parsed.rejections:
        raise SystemExit(2)
