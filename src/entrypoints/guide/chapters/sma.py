"""« Pré-inscription à la SMA »: a family asks for a place at the multi-accueil for a young
child or an expected one, follows its rank on the waiting list and answers an offer."""

from __future__ import annotations

from entrypoints.guide.chapters.bookings import to_the_space
from entrypoints.guide.script import Section, Step, no_action

__all__ = ["SMA"]

PROSE = """\
La structure multi-accueil (SMA) accueille les jeunes enfants, avant l'école. Les places sont
attribuées par une commission de la commune ; demandez la vôtre depuis votre espace, même avant
la naissance. Cette rubrique n'apparaît que si la commune a une structure multi-accueil.
"""

FORM = """\
Choisissez l'enfant : un enfant de votre dossier, ou « Un enfant à naître », dont vous indiquez
alors le nom de famille et la date de naissance prévue (dans les 10 mois). Indiquez ensuite :

- **la date d'entrée souhaitée** (au format JJ/MM/AAAA) ;
- **les jours et horaires d'accueil** : cochez chaque jour, du lundi au vendredi, et donnez
  l'heure d'arrivée et l'heure de départ (par exemple 8:30 et 17:00) ;
- **les structures souhaitées, dans l'ordre de préférence** (s'il y en a plusieurs).

Si un champ est mal rempli, la page le signale en haut et à côté du champ, et garde ce que vous
avez saisi. Une seule demande ouverte par enfant : une deuxième demande pour le même enfant est
refusée, avec le numéro de la première.
"""

AFTER = """\
Vos demandes figurent sur la page « Pré-inscription à la SMA », avec leur état (**déposée**,
**proposée**, **acceptée**, **refusée par la famille**, **expirée**, **radiée**) et leur
rang sur la liste d'attente de chaque structure souhaitée, par date de demande. La commission
classe les demandes selon les critères de la commune (par exemple : les familles qui habitent la
commune d'abord, puis un frère ou une sœur déjà accueilli, puis la date de la demande).

Quand une place vous est proposée, vous recevez un courriel : sur la page, « Accepter la place »
inscrit votre enfant à la structure (un enfant à naître rejoint alors votre dossier), « Refuser la
place » clôt la demande. Répondez avant la date limite indiquée : passé ce jour, l'offre expire
et la place est proposée à la famille suivante.

Tous les 6 mois, un courriel vous demande de confirmer que vous souhaitez toujours une place :
cliquez alors sur « Confirmer la demande » sur la page, sans quoi la demande est radiée au bout
de 30 jours. Une demande confirmée garde sa date et son rang.
"""


SMA = Section(
    "Pré-inscription à la SMA",
    PROSE,
    steps=(
        Step(
            "Cliquez sur « Pré-inscription à la SMA »",
            "Le lien se trouve dans votre espace. La page liste vos demandes avec leur état et "
            "leur rang sur la liste d'attente.",
            lambda page: page.get_by_role("link", name="Pré-inscription à la SMA"),
            "Votre espace.",
            prepare=to_the_space,
        ),
        Step(
            "Cliquez sur « Faire une demande de pré-inscription »",
            "",
            lambda page: page.get_by_role("link", name="Faire une demande de pré-inscription"),
            "La page des pré-inscriptions à la SMA.",
        ),
        Step(
            "Remplissez la demande, puis cliquez sur « Déposer la demande »",
            FORM,
            lambda page: page.get_by_role("button", name="Déposer la demande"),
            "Le formulaire de demande de pré-inscription à la SMA.",
            act=no_action,
        ),
    ),
    after=AFTER,
)
