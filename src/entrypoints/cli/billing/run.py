"""``portail billing``: the monthly billing run, simulated or real."""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING, Any

import click
from click._termui_impl import ProgressBar

from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from entrypoints.cli.output import FORMAT_OPTION, echo_json, echo_rows
from portail_core.domain.shared.money import Money
from portail_core.services.billing.bills import BillingReport, FamilyBill
from portail_core.services.billing.run import DUE_DAYS

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group"]

REFUSED = 4  # the exit code of a rule's refusal (RuleViolation)
ACTIONS = {
    "new": "nouvelle facture",
    "corrected": "correction : avoir et nouvelle facture",
    "unchanged": "inchangée",
    "nothing": "rien à facturer",
}


class _Progress(contextlib.ExitStack):
    """A progress bar on stderr, sized once the run knows how many families it bills."""

    def __init__(self) -> None:
        super().__init__()
        self.bar: ProgressBar[int] | None = None

    def start(self, total: int) -> None:
        bar: ProgressBar[int] = click.progressbar(
            length=total,
            label="Familles",
            file=sys.stderr,
            show_pos=True,
            # Only on a terminal: elsewhere (cron, a log, a pipe) click would print the label
            # alone, a stray « Familles » line.
            hidden=not sys.stderr.isatty(),
        )
        self.bar = self.enter_context(bar)

    def step(self, count: int) -> None:
        if self.bar is not None:
            self.bar.update(count)


@click.group("billing")
def group() -> None:
    """Facturation mensuelle : une facture par famille et par mois."""


@group.command("run")
@click.option("--month", required=True, metavar="AAAA-MM", help="Le mois facturé (ex. : 2026-09).")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Simulation : les totaux par structure et par famille, sans rien écrire (possible "
    "avant la fin du mois).",
)
@click.option(
    "--due-days",
    type=int,
    default=DUE_DAYS,
    show_default=True,
    metavar="N",
    help="Délai de paiement en jours après l'émission (1 à 90).",
)
@FORMAT_OPTION
@pass_services
def run_command(
    services: Services, month: str, dry_run: bool, due_days: int, output_format: str
) -> None:
    """Facture le mois pour chaque famille, à partir des réservations, du pointage et des
    absences, au tarif de la tranche de quotient familial de chaque famille.

    La facturation réelle se fait une fois le mois terminé, en une transaction : tout ou rien.
    Relancer le mois ne crée rien de nouveau ; si le pointage ou une absence a changé depuis,
    la facture de la famille est annulée par un avoir et remplacée (une facture émise n'est
    jamais modifiée). Les numéros se suivent sans trou par année (FA-2026-000123). L'avoir
    d'une famille (trop-perçu, ce qu'elle avait payé sur une facture annulée) est déduit de sa
    nouvelle facture, en mode « avoir », comme le ferait `portail payments use-credit`.

    Code de sortie 4 si la facturation est refusée (mois pas terminé, consommation sans
    tarif...) ; rien n'est alors écrit. --dry-run liste chaque problème, et se termine aussi
    avec le code 4 s'il y en a.
    """
    require_current_schema(services)
    with _Progress() as progress:
        report = services.portail.billing.run_month(
            month=month,
            actor=staff_actor(),
            dry_run=dry_run,
            progress=progress.step,
            due_days=due_days,
            started=progress.start,
        )
    if output_format == "json":
        echo_json(_json(report))
    elif output_format == "csv":
        echo_rows(CSV_HEADERS, _csv_rows(report), "csv")
    else:
        _echo(report)
    if report.problems:
        raise SystemExit(REFUSED)


def _euros(amount: Money) -> str:
    return amount.format_fr()


def _billed(report: BillingReport) -> list[FamilyBill]:
    return [bill for bill in report.bills if bill.action != "nothing" or bill.priced.lines]


def _echo(report: BillingReport) -> None:
    if report.dry_run:
        click.echo(f"Facturation de {report.month} – simulation : rien n'est écrit.")
    else:
        click.echo(
            f"Facturation de {report.month} : {report.count('new')} nouvelle(s) facture(s), "
            f"{report.count('corrected')} correction(s), "
            f"{report.count('unchanged')} inchangée(s), "
            f"{report.count('nothing')} famille(s) sans rien à facturer."
        )
        credited = [bill for bill in report.bills if bill.credit_used.cents]
        if credited:
            click.echo(
                f"Avoirs déduits des nouvelles factures : {len(credited)} famille(s), "
                f"{_euros(report.credits)}."
            )
    services = report.per_service()
    click.echo("")
    click.echo("Par structure :")
    rows: list[tuple[str, str]] = [(name, _euros(total)) for name, total in services.items()]
    rows.append(("Total du mois", _euros(report.total)))
    echo_rows(("structure", "montant"), rows, "table")
    billed = _billed(report)
    click.echo("")
    click.echo("Par famille :")
    if billed:
        echo_rows(
            ("famille", "n°", "montant", "effet" if report.dry_run else "fait", "documents"),
            [
                (
                    bill.family_name,
                    bill.family_id,
                    _euros(bill.priced.total),
                    ACTIONS[bill.action],
                    ", ".join(bill.issued) or "–",
                )
                for bill in billed
            ],
            "table",
        )
    else:
        click.echo("Aucune famille n'a de consommation ce mois-ci.")
    if report.problems:
        click.echo("", err=True)
        click.echo(
            f"{len(report.problems)} problème(s) : la facturation réelle serait refusée.",
            err=True,
        )
        for problem in report.problems:
            click.echo(f"  - {problem}", err=True)


CSV_HEADERS = ("famille_n", "famille", "structure", "montant", "effet", "documents")


def _csv_rows(report: BillingReport) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for bill in _billed(report):
        for service, amount in sorted(bill.per_service().items()):
            rows.append(
                (
                    bill.family_id,
                    bill.family_name,
                    service,
                    str(amount.as_decimal()),
                    bill.action,
                    " ".join(bill.issued),
                )
            )
    return rows


def _json(report: BillingReport) -> dict[str, Any]:
    return {
        "month": report.month,
        "dry_run": report.dry_run,
        "counts": {action: report.count(action) for action in ACTIONS},
        "total": str(report.total.as_decimal()),
        "credits": str(report.credits.as_decimal()),
        "per_service": {k: str(v.as_decimal()) for k, v in report.per_service().items()},
        "families": [
            {
                "id": bill.family_id,
                "name": bill.family_name,
                "action": bill.action,
                "total": str(bill.priced.total.as_decimal()),
                "credit_used": str(bill.credit_used.as_decimal()),
                "per_service": {k: str(v.as_decimal()) for k, v in bill.per_service().items()},
                "documents": list(bill.issued),
            }
            for bill in _billed(report)
        ],
        "problems": report.problems,
    }
