"""``portail directdebit reject`` and ``resume``: a debit the family's bank rejected, and the
desk's decision to debit the family again."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from entrypoints.cli.output import DateParam, read_bytes
from portail_core.domain.payments.direct_debit import REJECTION_REASONS
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.errors import InvalidInput
from portail_core.services.payments.rejection_file import ReturnLine, ReturnOutcome

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["reject_command", "reject_file_command", "resume_command"]

_REASONS_HELP = "\n".join(f"  {code}  {label}" for code, label in REJECTION_REASONS.items())


@click.command("reject", epilog=f"\b\nMotifs SEPA :\n{_REASONS_HELP}")
@click.option("--invoice", "invoice_number", required=True, metavar="N°", help="La facture.")
@click.option(
    "--reason",
    required=True,
    metavar="CODE",
    help="Code du motif de rejet donné par la banque (ex. : AM04 provision insuffisante).",
)
@click.option(
    "--on",
    "rejected_on",
    type=DateParam(),
    help="Date du rejet sur l'avis de la banque (par défaut : aujourd'hui).",
)
@pass_services
def reject_command(
    services: Services, invoice_number: str, reason: str, rejected_on: date | None
) -> None:
    """Enregistre le rejet par la banque du prélèvement d'une facture (R-transaction SEPA :
    rejet, retour ou remboursement), d'après l'avis de rejet de la banque.

    En une transaction : le prélèvement est annulé par une ligne négative « prélèvement
    rejeté » ; la facture est de nouveau « à payer » (au guichet ou en ligne, elle ne sera
    pas prélevée de nouveau) et sa page montre le motif à la famille ; le mandat de la famille
    est suspendu (les exports suivants la laissent de côté jusqu'à `portail directdebit resume`
    ou `revoke`) ; la famille reçoit un courriel ; le tout est inscrit au journal.

    \b
    Exemple :
      portail directdebit reject --invoice FA-2026-000012 --reason AM04 --on 2026-10-17
    """
    require_current_schema(services)
    try:
        rejection = services.portail.payments.reject_direct_debit(
            invoice_number=invoice_number,
            reason=reason,
            rejected_on=rejected_on,
            actor=staff_actor(),
        )
    except InvalidInput as error:
        names = {"rejected_on": "--on", "reason": "--reason"}
        problems = {names.get(k, k): v for k, v in error.problems.items()}
        raise InvalidInput(error.message, problems) from error
    click.echo(
        f"Rejet enregistré : facture {rejection.invoice_number} ({rejection.family_name}, "
        f"famille n° {rejection.family_id}), prélèvement de {rejection.amount.format_fr()} "
        f"rejeté le {numeric_day_fr(rejection.rejected_on)}, motif {rejection.reason_text}."
    )
    click.echo(f"La facture est de nouveau à payer : {rejection.invoice_balance.format_fr()}.")
    mandate = rejection.mandate
    if mandate is not None and mandate.active:
        click.echo(
            f"Mandat {mandate.rum} suspendu : les prochains exports laissent la famille de "
            f"côté jusqu'à `portail directdebit resume {rejection.family_id}` (ou `revoke`)."
        )
    if rejection.emailed_to:
        click.echo(f"Courriel à la famille : {rejection.emailed_to} (boîte d'envoi).")
    else:
        click.echo("La famille n'a pas d'adresse électronique : prévenez-la autrement.")


@click.command("resume")
@click.argument("family_id", metavar="N°", type=click.IntRange(1))
@pass_services
def resume_command(services: Services, family_id: int) -> None:
    """Reprend le prélèvement d'une famille dont le mandat est suspendu après un rejet : les
    factures des prochaines facturations porteront de nouveau une date de prélèvement. La
    facture rejetée se règle au guichet ou en ligne ; celles émises pendant la suspension n'ont
    pas de date de prélèvement (l'export de leur mois demande alors --collection-date)."""
    require_current_schema(services)
    mandate = services.portail.payments.resume_mandate(family_id, actor=staff_actor())
    click.echo(
        f"Mandat {mandate.rum} repris pour la famille n° {family_id} : les factures des "
        "prochaines facturations seront prélevées."
    )


@click.command("reject-file")
@click.argument("path", metavar="FICHIER.xml", type=click.Path(dir_okay=False, path_type=Path))
@pass_services
def reject_file_command(services: Services, path: Path) -> None:
    """Enregistre les rejets du fichier de retour de la banque : un rapport de statut pain.002
    (prélèvements rejetés avant règlement) ou un avis camt.054 (prélèvements retournés après
    règlement), en XML ISO 20022.

    Chaque prélèvement rejeté (retrouvé par sa référence de bout en bout : le numéro de facture
    écrit par `portail directdebit export`) est enregistré comme par `portail directdebit
    reject`, avec le motif et la date de la banque, chacun en sa transaction. Relire le même
    fichier ne change rien : les rejets déjà enregistrés sont signalés comme tels. Code de
    sortie 2 si un rejet du fichier n'a pas pu être enregistré (facture inconnue, montant
    différent, motif inconnu...).
    """
    require_current_schema(services)
    document = read_bytes(path, services.formats.max_debit_returns_size + 1)
    parsed = services.formats.debit_returns(document)
    lines = services.portail.payments.reject_returned_debits(
        list(parsed.returns), actor=staff_actor()
    )
    for line in lines:
        _echo_line(line)
    count = {
        outcome: sum(1 for line in lines if line.outcome is outcome) for outcome in ReturnOutcome
    }
    click.echo(
        f"Fichier {parsed.kind} : {count[ReturnOutcome.RECORDED]} rejet(s) enregistré(s), "
        f"{count[ReturnOutcome.ALREADY_RECORDED]} déjà enregistré(s), "
        f"{count[ReturnOutcome.REFUSED]} non enregistré(s) ; {parsed.others} autre(s) "
        "opération(s) sans rejet, laissée(s) de côté."
    )
    if count[ReturnOutcome.REFUSED]:
        raise SystemExit(2)


def _echo_line(line: ReturnLine) -> None:
    returned = line.returned
    where = f"{returned.where}, facture {returned.invoice_number[:35] or '(sans référence)'}"
    if line.rejection is not None:
        rejection = line.rejection
        click.echo(
            f"Rejet enregistré : {where} ({rejection.family_name}, famille n° "
            f"{rejection.family_id}), {rejection.amount.format_fr()}, le "
            f"{numeric_day_fr(rejection.rejected_on)}, motif {rejection.reason_text} ; "
            + (
                "famille prévenue par courriel."
                if rejection.emailed_to
                else "famille sans adresse électronique : prévenez-la autrement."
            )
        )
    elif line.outcome is ReturnOutcome.ALREADY_RECORDED:
        click.echo(f"Déjà enregistré : {where} : {line.message}")
    else:
        click.echo(f"Non enregistré : {where} : {line.message}", err=True)
