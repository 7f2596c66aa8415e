"""``portail payfip``: online payment through PayFiP (the Finances Publiques' service): the
configuration check, the reconciliation of payments whose result the portal does not know yet,
the attempts, and the local simulator."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import click

from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from entrypoints.cli.output import FORMAT_OPTION, DateParam, echo_json, echo_rows
from portail_core.domain.payments.attempt import PaymentAttempt
from portail_core.domain.shared.french_dates import moment_fr

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group"]

UNREACHABLE = 8  # the exit code of a service outside the portal that failed


@click.group("payfip")
def group() -> None:
    """Paiement en ligne des factures par PayFiP (Finances Publiques)."""


@group.command("check-config")
@pass_services
def check_config_command(services: Services) -> None:
    """Demande à PayFiP ce qu'il sait du numéro client de la commune (recupererDetailClient) :
    vérifie l'adresse de PayFiP (PORTAIL_PAYFIP_URL) et le fichier de la commune."""
    require_current_schema(services)
    details = services.portail.payments.check_payfip_client()
    commune = services.portail.communes.current()
    settings = commune.online_payment if commune else None
    click.echo(f"PayFiP ({services.settings.payfip_url}) connaît le client {details.numcli} :")
    for name in details.names:
        click.echo(f"  {name}")
    if settings is not None:
        state = "ouvert aux familles" if settings.enabled else "fermé aux familles"
        click.echo(
            f"Mode {settings.mode.value} ({settings.mode.label}) ; paiement en ligne {state}."
        )


@group.command("reconcile")
@click.option(
    "--days",
    metavar="N",
    type=click.IntRange(1, 30),
    default=3,
    show_default=True,
    help="Remonte aux paiements ouverts depuis N jours.",
)
@pass_services
def reconcile_command(services: Services, days: int) -> None:
    """Demande à PayFiP le résultat des paiements en ligne encore sans résultat, ouverts entre
    N jours et cinq minutes plus tôt (notification perdue, famille partie sans revenir), et
    l'enregistre ; sort avec le code 8 si PayFiP n'a pas répondu pour certains. À lancer
    toutes les dix minutes par le planificateur :

    \\b
        */10 * * * *  portail payfip reconcile
    """
    require_current_schema(services)
    report = services.portail.payments.reconcile_online(days=days)
    states = ", ".join(f"{count} {label}" for label, count in sorted(report.states.items()))
    click.echo(
        f"{report.checked} paiement(s) en ligne vérifié(s){' : ' + states if states else ''}."
    )
    if report.unreachable:
        click.echo(
            f"{report.unreachable} sans réponse de PayFiP : ils seront vérifiés à nouveau.",
            err=True,
        )
        raise click.exceptions.Exit(UNREACHABLE)  # for the scheduler's monitoring


@group.command("settle")
@click.argument("id_op", metavar="OPÉRATION")
@click.option(
    "--paid",
    "paid_amount",
    metavar="MONTANT",
    help="Ce que PayFiP a réellement encaissé (ex. : 52,00) : le paiement est enregistré.",
)
@click.option("--not-paid", is_flag=True, help="PayFiP n'a rien encaissé : classé sans paiement.")
@click.option("--note", required=True, metavar="TEXTE", help="Ce que le guichet a vérifié.")
@pass_services
def settle_command(
    services: Services, id_op: str, paid_amount: str | None, not_paid: bool, note: str
) -> None:
    """Règle un paiement en ligne « rejeté » ou « en erreur » (voir `portail payfip attempts`),
    après vérification dans l'espace de la régie sur PayFiP : --paid MONTANT l'enregistre
    (reçu envoyé à la famille), --not-paid le classe sans paiement. La famille peut ensuite
    payer à nouveau en ligne."""
    require_current_schema(services)
    if (paid_amount is None) == (not not_paid):
        raise click.UsageError("Indiquez --paid MONTANT ou --not-paid (l'un des deux).")
    attempt = services.portail.payments.settle_online(
        id_op, paid_amount=paid_amount, note=note, actor=staff_actor()
    )
    click.echo(
        f"Paiement en ligne de la facture {attempt.invoice_number} (réf. {attempt.refdet}) : "
        f"{attempt.state.label}."
    )


@group.command("attempts")
@click.option(
    "--from", "first", type=DateParam(), help="Premier jour (par défaut : il y a 7 jours)."
)
@click.option(
    "--to", "last", type=DateParam(), help="Dernier jour, inclus (par défaut : aujourd'hui)."
)
@FORMAT_OPTION
@pass_services
def attempts_command(
    services: Services, first: date | None, last: date | None, output_format: str
) -> None:
    """Les paiements en ligne ouverts par les familles, avec leur état ; « rejetée » et « en
    erreur » sont à vérifier dans l'espace de la régie sur PayFiP (le résultat ne correspond
    pas à ce qui était ouvert, ou n'a jamais été connu), puis à régler avec `portail payfip
    settle OPÉRATION`."""
    require_current_schema(services)
    today = services.portail.today()
    end = last or date(today.year, today.month, today.day)
    found = services.portail.payments.online_attempts(
        first=first or end - timedelta(days=7), last=end
    )
    if output_format == "json":
        echo_json([_json(a) for a in found])
        return
    rows = [
        (
            moment_fr(a.created_at) if output_format == "table" else a.created_at.isoformat(),
            a.family_id,
            a.invoice_number,
            a.amount.format_fr() if output_format == "table" else a.amount.cents,
            a.state.label,
            a.authorisation,
            a.problem,
            a.id_op,
        )
        for a in found
    ]
    headers = (
        "ouvert le",
        "famille",
        "facture",
        "montant",
        "état",
        "autorisation",
        "problème",
        "opération",
    )
    echo_rows(headers, rows, output_format)


def _json(attempt: PaymentAttempt) -> dict[str, object]:
    return {
        "created_at": attempt.created_at.isoformat(),
        "family_id": attempt.family_id,
        "invoice": attempt.invoice_number,
        "refdet": attempt.refdet,
        "amount_cents": attempt.amount.cents,
        "id_op": attempt.id_op,
        "numcli": attempt.numcli,
        "mode": attempt.mode.value,
        "state": attempt.state.value,
        "result": attempt.result,
        "authorisation": attempt.authorisation,
        "paid_at": attempt.paid_at.isoformat() if attempt.paid_at else None,
        "problem": attempt.problem,
    }


@group.command("simulator")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ADRESSE")
@click.option("--port", default=5001, show_default=True, metavar="N", type=click.IntRange(1, 65535))
@pass_services
def simulator_command(services: Services, host: str, port: int) -> None:
    """Sert un PayFiP local (le même contrat, sur cette machine) pour essayer le paiement en
    ligne sans internet : développement et démonstration (`make run` le lance). Il connaît le
    numéro client de la commune. Jamais pour de vrais paiements."""
    commune = services.portail.communes.current() if services.schema_is_current() else None
    clients = None
    if commune is not None and commune.online_payment.numcli:
        clients = {commune.online_payment.numcli: (commune.name.upper(),)}
    click.echo(f"Simulateur PayFiP : http://{host}:{port}/  (Ctrl+C pour arrêter)")
    from entrypoints.bootstrap import run_payfip_simulator  # the adapters, when it runs

    run_payfip_simulator(host, port, clients=clients)
