"""The staff's command line: ``portail <group> <command>``, one package or module per capability.

Commands receive the services through ``pass_services``, which bootstraps them from the
environment on first use only (so ``--help`` works on a misconfigured machine), unless the
caller gave them: tests pass their own with ``CliRunner().invoke(main, args, obj=services)``.
click speaks French while the commands are declared and while ``main`` runs
(``entrypoints.cli.french``); importing this package leaves the process's environment as it was.
"""

from __future__ import annotations

import click

from entrypoints.cli.feedback import PortailGroup
from entrypoints.cli.french import speaking_french
from entrypoints.cli.options import french_ranges

__all__ = ["main"]

with speaking_french():  # click translates some texts as the commands are declared
    from entrypoints.cli import (
        absences,
        accounts,
        attendance,
        audit,
        db,
        demo,
        menus,
        messaging,
        news,
        preregistrations,
        regulations,
        serve,
        sma,
    )
    from entrypoints.cli.billing import invoices, run
    from entrypoints.cli.bookings import occupancy, reservations, waitlist
    from entrypoints.cli.catalogue import calendars, offer, school_map  # noqa: F401
    from entrypoints.cli.dossiers import changes, document, family
    from entrypoints.cli.payments import desk, direct_debit, payfip

    @click.group(cls=PortailGroup, context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(package_name="portail-famille", message="portail %(version)s")
    def main() -> None:
        """Portail Famille : les commandes du guichet unique.

        La configuration vient des variables d'environnement PORTAIL_* (voir
        docs/operator-guide.md). Codes de sortie : 0 réussite, 1 erreur inattendue, 2 saisie
        invalide, 3 introuvable, 4 refusé par une règle, 5 conflit, 6 droits, 7 configuration,
        8 service extérieur (serveur de courriel...) indisponible.
        """


for command in (
    absences.group,
    accounts.group,
    attendance.group,
    audit.group,
    run.group,
    offer.group,
    changes.group,
    calendars.group,
    db.group,
    demo.group,
    direct_debit.group,
    document.group,
    family.group,
    invoices.group,
    occupancy.command,
    menus.group,
    messaging.group,
    news.group,
    desk.group,
    payfip.group,
    preregistrations.group,
    regulations.group,
    reservations.group,
    serve.command,
    sma.group,
    waitlist.group,
):
    main.add_command(command)
french_ranges(main)  # « au moins 1 » rather than click's « x>=1 », in every help
