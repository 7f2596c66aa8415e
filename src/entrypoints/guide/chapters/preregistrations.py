"""« Pré-inscription scolaire »: a family asks for a school place for a child, and follows the
state of its request."""

from __future__ import annotations

from entrypoints.guide.chapters.bookings import to_the_space
from entrypoints.guide.script import Section, Step, no_action

__all__ = ["PREREGISTRATION"]

PROSE = """\
Pour une première rentrée (petite section), une entrée en CP, un changement d'école ou un
enfant qui arrive dans la commune, demandez sa place à l'école depuis votre espace, sans vous
déplacer. Cette rubrique n'apparaît que si la commune publie sa carte scolaire.
"""

FORM = """\
Choisissez l'enfant : un enfant de votre dossier, ou « Un nouvel enfant », dont vous indiquez
alors le prénom, le nom et la date de naissance (une date de naissance à venir est refusée).
Choisissez ensuite l'année scolaire.

- **Le niveau** : sans choix, c'est celui de l'âge de l'enfant, calculé d'après sa date de
  naissance (nés en 2020 : CP à la rentrée 2026, par exemple). Pour un autre niveau, dites
  pourquoi dans « Motif d'un autre niveau ».
- **L'école** : celle du secteur de votre adresse, d'après la carte scolaire de la commune, est
  proposée d'abord. Pour une autre école, choisissez-la : c'est une demande de dérogation, et
  « Motif de la dérogation » est alors obligatoire. Si votre adresse n'est pas dans la carte
  scolaire, la page le dit : demandez une dérogation ou contactez le guichet unique.
- **Les pièces justificatives** : un justificatif de domicile, et le livret de famille pour un
  nouvel enfant (PDF, JPEG ou PNG, 5 Mo au plus).

Si un champ est mal rempli, la page le signale en haut et à côté du champ, et garde ce que vous
avez saisi (les fichiers sont à choisir de nouveau). Une seule demande par enfant et par année
scolaire : une deuxième demande pour le même enfant est refusée, avec le numéro de la première.
"""

AFTER = """\
Vos demandes figurent sur la page « Pré-inscription scolaire », avec leur état : **déposée**,
**en cours d'instruction** (le guichet unique l'examine), **en attente** (avec son motif, une
place à confirmer par exemple), **acceptée** (avec l'école attribuée, qui peut être une autre
que celle demandée) ou **refusée** (avec son motif). Vous recevez un courriel à chaque
changement.

Une fois la demande acceptée, l'enfant figure dans votre dossier avec son école et sa classe. Le
guichet unique complète avec vous ses informations de santé (PAI, vaccinations) ; vous pouvez
alors accepter le règlement de la restauration scolaire et de l'accueil périscolaire de son
école, et les réserver.
"""


PREREGISTRATION = Section(
    "Pré-inscription scolaire",
    PROSE,
    steps=(
        Step(
            "Cliquez sur « Pré-inscription scolaire »",
            "Le lien se trouve dans votre espace. La page indique votre école de secteur et "
            "liste vos demandes avec leur état.",
            lambda page: page.get_by_role("link", name="Pré-inscription scolaire"),
            "Votre espace.",
            prepare=to_the_space,
        ),
        Step(
            "Cliquez sur « Faire une demande de pré-inscription »",
            "",
            lambda page: page.get_by_role("link", name="Faire une demande de pré-inscription"),
            "La page des pré-inscriptions scolaires.",
        ),
        Step(
            "Remplissez la demande, puis cliquez sur « Déposer la demande »",
            FORM,
            lambda page: page.get_by_role("button", name="Déposer la demande"),
            "Le formulaire de demande de pré-inscription scolaire.",
            act=no_action,
        ),
    ),
    after=AFTER,
)
