"""The staff's command line: ``portail <group> <command>``.

Commands receive the services through ``pass_services``, which bootstraps them from the
environment on first use only (so ``--help`` works on a misconfigured machine), unless the
caller gave them: tests pass their own with ``CliRunner().invoke(main, args, obj=services)``.
Importing this package makes click speak French (``entrypoints.cli.french``).
"""

from __future__ import annotations

import click

from entrypoints.cli.french import speak_french

# First: click translates some texts as the commands below are declared.
speak_french()

from entrypoints.cli import (  # noqa: E402
    absences,
    account,
    attendance,
    audit,
    billing,
    calendar,
    catalogue,
    changes,
    db,
    demo,
    directdebit,
    document,
    family,
    invoices,
    occupancy,
    outbox,
    payments,
    reservations,
    serve,
    waitlist,
)
from entrypoints.cli.feedback import PortailGroup  # noqa: E402

__all__ = ["main"]


@click.group(cls=PortailGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="portail-famille", message="portail %(version)s")
def main() -> None:
    """Portail Famille : les commandes du guichet unique.

    La configuration vient des variables d'environnement PORTAIL_* (voir
    docs/operator-guide.md). Codes de sortie : 0 réussite, 1 erreur inattendue, 2 saisie
    invalide, 3 introuvable, 4 refusé par une règle, 5 conflit, 6 droits, 7 configuration, 8 service
    extérieur (serveur de courriel...) indisponible.
    """


main.add_command(absences.group)
main.add_command(account.group)
main.add_command(attendance.group)
main.add_command(audit.group)
main.add_command(billing.group)
main.add_command(catalogue.group)
main.add_command(changes.group)
main.add_command(calendar.group)
main.add_command(db.group)
main.add_command(demo.group)
main.add_command(directdebit.group)
main.add_command(document.group)
main.add_command(family.group)
main.add_command(invoices.group)
main.add_command(occupancy.command)
main.add_command(outbox.group)
main.add_command(payments.group)
main.add_command(reservations.group)
main.add_command(serve.command)
main.add_command(waitlist.group)
