"""``portail jobs run``: every periodic job of a town in one scheduler process.

The jobs are the scheduled commands (``portail waitlist process``, ``reservations
purge-drafts``, ``document purge-orphans``, ``sma expire|remind|purge``, ``account purge``,
``payfip reconcile`` when the commune file configures online payment), each run in turn, each
isolated: one failing is logged and the others still run. With ``--once`` one pass, exit code
1 if any failed (8 if only PayFiP could not be reached); otherwise a pass every ``--every``
seconds until stopped. Every job is idempotent, so a pass more or less changes nothing.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import click
from attrs import frozen

from entrypoints.cli.feedback import pass_services, require_current_schema
from entrypoints.logs import configure_logging
from portail_core.domain.audit import Actor
from portail_core.errors import ExternalServiceError

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services

__all__ = ["JOBS", "Job", "group", "run_jobs"]

log = logging.getLogger("portail.jobs")
_SCHEDULED = Actor.system("portail jobs")
UNREACHABLE = 8  # the exit code of a service outside the portal that failed


@frozen
class Job:
    """A periodic job: the command it replaces, and what it does (its one-line summary)."""

    name: str
    run: Callable[[Services], str | None]  # None: nothing to do here (e.g. no PayFiP)


def _waitlist(services: Services) -> str:
    report = services.portail.bookings.process_waiting_lists()
    return f"{report.expired} proposition(s) expirée(s), {report.moved} place(s) passée(s)"


def _drafts(services: Services) -> str:
    return f"{services.portail.bookings.purge_drafts()} récapitulatif(s) supprimé(s)"


def _orphans(services: Services) -> str:
    report = services.portail.dossiers.purge_orphans(actor=_SCHEDULED)
    return f"{len(report.orphans)} fichier(s) orphelin(s) supprimé(s)"


def _sma_expire(services: Services) -> str:
    return f"{len(services.portail.sma.expire(actor=_SCHEDULED))} offre(s) expirée(s)"


def _sma_remind(services: Services) -> str:
    return f"{len(services.portail.sma.remind(actor=_SCHEDULED))} famille(s) invitée(s)"


def _sma_purge(services: Services) -> str:
    return f"{len(services.portail.sma.purge(actor=_SCHEDULED))} demande(s) radiée(s)"


def _account_purge(services: Services) -> str:
    report = services.portail.accounts.purge()
    return (
        f"{report.sessions} session(s) expirée(s), {report.links} lien(s) périmé(s), "
        f"{report.throttles} compteur(s) anti-essais supprimé(s)"
    )


def _payfip(services: Services) -> str | None:
    commune = services.portail.communes.current()
    if commune is None or commune.online_payment is None:
        return None
    report = services.portail.payments.reconcile_online()
    if report.unreachable:
        raise ExternalServiceError(
            f"{report.unreachable} paiement(s) sans réponse de PayFiP sur {report.checked}"
        )
    return f"{report.checked} paiement(s) en ligne vérifié(s)"


JOBS = (
    Job("waitlist process", _waitlist),
    Job("reservations purge-drafts", _drafts),
    Job("document purge-orphans", _orphans),
    Job("sma expire", _sma_expire),
    Job("sma remind", _sma_remind),
    Job("sma purge", _sma_purge),
    Job("account purge", _account_purge),
    Job("payfip reconcile", _payfip),
)


def run_jobs(services: Services, jobs: tuple[Job, ...] = JOBS) -> list[tuple[str, Exception]]:
    """One pass: every job in turn, each in its own transactions; the failures, by job."""
    failures: list[tuple[str, Exception]] = []
    for job in jobs:
        try:
            summary = job.run(services)
        except Exception as error:  # isolated: logged, the next job still runs
            log.error("tâche %s : échec (%s)", job.name, error, exc_info=error)
            failures.append((job.name, error))
        else:
            log.info("tâche %s : %s", job.name, summary or "sans objet ici")
    return failures


@click.group("jobs")
def group() -> None:
    """Tâches périodiques de la commune : listes d'attente, purges, SMA, comptes, PayFiP."""


@group.command("run")
@click.option("--once", is_flag=True, help="Un seul passage, puis s'arrête (depuis cron).")
@click.option(
    "--every",
    default=600,
    show_default=True,
    metavar="SECONDES",
    type=click.IntRange(10, 86_400),
    help="Intervalle entre deux passages, sans --once.",
)
@pass_services
def run_command(services: Services, once: bool, every: int) -> None:
    """Lance les tâches périodiques, chacune isolée : un échec est journalisé, les autres
    tâches s'exécutent quand même.

    \b
    Tâches : waitlist process, reservations purge-drafts, document purge-orphans,
    sma expire, sma remind, sma purge, account purge, payfip reconcile (si la commune a
    PayFiP).

    Sans --once, recommence toutes les --every secondes jusqu'à SIGTERM (qui laisse finir
    le passage en cours) ou Ctrl+C : un service systemd ou un conteneur. Avec --once, sort
    avec le code 1 si une tâche a échoué (8 si seul PayFiP n'a pas répondu).
    """
    require_current_schema(services)
    configure_logging()
    stopping = threading.Event()
    if not once:  # SIGTERM (systemd, a container) ends the pass under way, then stops
        signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    while True:
        started = time.monotonic()
        failures = run_jobs(services)
        if once or stopping.wait(max(0.0, every - (time.monotonic() - started))):
            break
    if failures:
        names = ", ".join(name for name, _ in failures)
        click.echo(f"Erreur : {len(failures)} tâche(s) en échec : {names}.", err=True)
        only_outside = all(isinstance(e, ExternalServiceError) for _, e in failures)
        raise SystemExit(UNREACHABLE if only_outside else 1)
