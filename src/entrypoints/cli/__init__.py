"""The staff's command line: ``portail <group> <command>``, one package or module per capability.

Commands receive the services through ``pass_services``, which bootstraps them from the
environment on first use only (so ``--help`` works on a misconfigured machine), unless the
caller gave them: tests pass their own with ``CliRunner().invoke(main, args, obj=services)``.
click speaks French while the commands are declared and while ``main`` runs
(``entrypoints.cli.french``); importing this package leaves the process's environment as it was.
"""

from __future__ import annotations

import logging

import click

from entrypoints.cli.french import speaking_french
from entrypoints.cli.lazy import LazyCommand, LazyGroup

__all__ = ["COMMANDS", "main"]

# Every command of ``portail``: its name, where it is (imported only when it runs or shows its
# own help) and the first paragraph of its help (``portail --help`` lists these, importing
# nothing). Adding a command group is one line here; tests/integration/test_cli_startup.py
# checks that each summary is its command's.
# fmt: off
COMMANDS = {
    "absences": LazyCommand("entrypoints.cli.absences:group", "Absences des enfants : signaler au guichet, justifier (maladie avec certificat), retirer un signalement fait par erreur, lister."),  # noqa: E501
    "account": LazyCommand("entrypoints.cli.accounts:group", "Comptes des familles sur le portail."),  # noqa: E501
    "attendance": LazyCommand("entrypoints.cli.attendance:group", "Pointage : enfants présents ou absents un jour donné, par structure et par unité."),  # noqa: E501
    "allocation": LazyCommand("entrypoints.cli.allocation:group", "Attribution équitable des périodes très demandées : ouverture, état, tirage au sort (et sa vérification), publication des résultats."),  # noqa: E501
    "audit": LazyCommand("entrypoints.cli.audit:group", "Journal d'audit (ajout seul) : qui a fait quoi, quand, par quel canal."),  # noqa: E501
    "backup": LazyCommand("entrypoints.cli.backup:group", "Sauvegardes : la base de données et les fichiers du dossier d'instance (pièces justificatives, règlements) dans une archive ; la vérifier ; la restaurer."),  # noqa: E501
    "billing": LazyCommand("entrypoints.cli.billing.run:group", "Facturation mensuelle : une facture par famille et par mois."),  # noqa: E501
    "calendar": LazyCommand("entrypoints.cli.catalogue.calendars:group", "Calendriers d'ouverture des structures et calendrier scolaire officiel."),  # noqa: E501
    # school_map adds its commands to the catalogue's group (offer.py)
    "catalogue": LazyCommand("entrypoints.cli.catalogue.school_map:group", "Catalogue de la commune : structures, unités, calendriers, règles, tarifs."),  # noqa: E501
    "changes": LazyCommand("entrypoints.cli.dossiers.changes:group", "Changements demandés par les familles, qui changent leurs tarifs, à valider au vu du justificatif : adresse, quotient familial, PAI d'un enfant (déclaré, retiré, ou sa date de fin de validité)."),  # noqa: E501
    "communes": LazyCommand("entrypoints.cli.communes:group", "Communes servies par ce déploiement (fichier PORTAIL_COMMUNES_FILE) : codes, hôtes, bases, révisions."),  # noqa: E501
    "db": LazyCommand("entrypoints.cli.db:group", "Schéma de la base de données (migrations Alembic)."),  # noqa: E501
    "demo": LazyCommand("entrypoints.cli.demo:group", "Données de démonstration (ville et famille fictives)."),  # noqa: E501
    "directdebit": LazyCommand("entrypoints.cli.payments.direct_debit:group", "Prélèvement automatique (SEPA) : mandats des familles, fichier pain.008 du mois, rejets."),  # noqa: E501
    "document": LazyCommand("entrypoints.cli.dossiers.document:group", "Pièces justificatives des dossiers : ajouter, lister, ouvrir ; purger les fichiers laissés par des envois interrompus."),  # noqa: E501
    "family": LazyCommand("entrypoints.cli.dossiers.family:group", "Dossiers des familles (DIU) : création, consultation, complétude."),  # noqa: E501
    "jobs": LazyCommand("entrypoints.cli.jobs:group", "Tâches périodiques de la commune : listes d'attente, purges, SMA, comptes, PayFiP."),  # noqa: E501
    "invoices": LazyCommand("entrypoints.cli.billing.invoices:group", "Factures et avoirs : liste avec leur statut, PDF (celui que la famille télécharge)."),  # noqa: E501
    "menus": LazyCommand("entrypoints.cli.menus:group", "Menus de la restauration scolaire, avec leurs allergènes."),  # noqa: E501
    "news": LazyCommand("entrypoints.cli.news:group", "Actualités de la commune : écrire (brouillon), publier, retirer, lister."),  # noqa: E501
    "occupancy": LazyCommand("entrypoints.cli.bookings.occupancy:command", "Remplissage d'une structure sur un mois : pour chaque jour d'ouverture et chaque unité (et tranche d'âge), les places, les réservés, les places libres et la liste d'attente."),  # noqa: E501
    "outbox": LazyCommand("entrypoints.cli.messaging:group", "Courriels en attente d'envoi (boîte d'envoi transactionnelle)."),  # noqa: E501
    "payfip": LazyCommand("entrypoints.cli.payments.payfip:group", "Paiement en ligne des factures par PayFiP (Finances Publiques)."),  # noqa: E501
    "payments": LazyCommand("entrypoints.cli.payments.desk:group", "Règlements : paiements reçus au guichet, avoirs des familles, liste des règlements."),  # noqa: E501
    "preregistrations": LazyCommand("entrypoints.cli.preregistrations:group", "Pré-inscriptions scolaires déposées par les familles : lister, consulter, instruire, accepter (l'enfant rejoint le dossier avec son école et sa classe), refuser ou mettre en attente avec un motif. Chaque changement est envoyé par courriel à la famille et inscrit au journal."),  # noqa: E501
    "regulations": LazyCommand("entrypoints.cli.regulations:group", "Règlements intérieurs des structures : publier une version (PDF), lister, afficher."),  # noqa: E501
    "reservations": LazyCommand("entrypoints.cli.bookings.reservations:group", "Réservations : fiche de présence du jour, réserver ou annuler pour une famille."),  # noqa: E501
    "serve": LazyCommand("entrypoints.cli.serve:command", "Sert le portail des familles avec gunicorn (production)."),  # noqa: E501
    "sma": LazyCommand("entrypoints.cli.sma:group", "Pré-inscriptions à la SMA (multi-accueil) : commission, offres, liste d'attente."),  # noqa: E501
    "waiting-room": LazyCommand("entrypoints.cli.waiting_room:group", "Salle d'attente des réservations, pour le jour d'ouverture : état, ouverture en avance, mode automatique, arrêt."),  # noqa: E501
    "waitlist": LazyCommand("entrypoints.cli.bookings.waitlist:group", "Listes d'attente des jours complets : qui attend, et leur avancement."),  # noqa: E501
}
# fmt: on

with speaking_french():  # click translates some texts as the commands are declared

    @click.group(
        cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]}
    )
    @click.version_option(package_name="portail-famille", message="portail %(version)s")
    @click.option(
        "--commune",
        envvar="PORTAIL_COMMUNE",
        metavar="CODE",
        help="La commune sur laquelle agir, quand le déploiement en sert plusieurs "
        "(PORTAIL_COMMUNES_FILE) ; par défaut PORTAIL_COMMUNE.",
    )
    def main(commune: str | None) -> None:
        """Portail Famille : les commandes du guichet unique.

        La configuration vient des variables d'environnement PORTAIL_* (voir
        docs/operator-guide.md). Codes de sortie : 0 réussite, 1 erreur inattendue, 2 saisie
        invalide, 3 introuvable, 4 refusé par une règle, 5 conflit, 6 droits, 7 configuration,
        8 service extérieur (serveur de courriel...) indisponible.
        """
        from entrypoints.logs import configure_logging  # imported when a command runs

        configure_logging(logging.WARNING)  # the commands' warnings, JSON on request
