"""« Signaler une absence ou une maladie », from the reservations page."""

from __future__ import annotations

from datetime import timedelta

from entrypoints.guide.script import Section, Step, Tour, no_action
from portail_core.domain.shared.french_dates import numeric_day_fr

__all__ = ["ABSENCES"]

DECLARING = """\
Depuis la page « Réservations », « Signaler une absence ou une maladie » prévient la structure
qu'un enfant ne viendra pas, ou n'est pas venu (jusqu'à 31 jours en arrière ; au-delà,
adressez-vous au guichet unique).
"""

FORM = """\
Choisissez l'enfant, le premier et le dernier jour
(JJ/MM/AAAA ; le même jour pour une seule journée), le motif (maladie, raison familiale, autre)
et, si vous l'avez, joignez le certificat médical (PDF, JPEG ou PNG, 5 Mo au plus) ; vous
pouvez aussi l'apporter au guichet unique.
"""

LISTED = """\
La page liste vos absences signalées avec leur statut. Une absence est « justifiée » quand le
guichet unique l'a validée, au vu du certificat médical : selon le règlement de la structure,
seul le premier jour est alors facturé (jour de carence), les suivants sont gratuits. Une
absence non justifiée est facturée comme une présence. Signaler une absence n'annule pas la
réservation : pour libérer la place à temps, annulez aussi la réservation avant le délai
d'annulation. Le motif et le certificat ne figurent dans aucun courriel ; le certificat n'est
téléchargeable que par votre famille et le guichet unique, et chaque consultation est inscrite
dans l'historique de votre dossier.
"""

WITHDRAWING = """\
**Une absence signalée par erreur** se retire avec le bouton « Retirer ce signalement » de sa
ligne, tant que son premier jour n'est pas arrivé (heure de Paris) et que le guichet unique ne
l'a pas justifiée. Le bouton agit aussitôt, sans autre question : l'absence disparaît de la
liste, son certificat est détruit, chaque structure où l'enfant est réservé pendant cette
période est prévenue par courriel (sans le motif), et le retrait est inscrit dans l'historique
de votre dossier. Votre enfant est alors attendu selon ses réservations. Une absence commencée,
passée ou justifiée n'a pas de bouton : pour la retirer, adressez-vous au guichet unique (il ne
le peut plus une fois le mois facturé ; la facture se corrige alors par un avoir).
"""


def _fill_in(tour: Tour) -> None:
    """Léa ill on Thursday and Friday of the guide's week."""
    first = tour.town.clock.today() + timedelta(days=3)
    page = tour.page
    page.get_by_label("Enfant (obligatoire)").select_option(label="Léa Martin")
    page.get_by_label("Premier jour d’absence (obligatoire)").fill(numeric_day_fr(first))
    page.get_by_label("Dernier jour d’absence (obligatoire)").fill(
        numeric_day_fr(first + timedelta(days=1))
    )
    page.get_by_label("Maladie").check()


ABSENCES = Section(
    "Signaler une absence ou une maladie",
    steps=(
        Step(
            "Cliquez sur « Signaler une absence ou une maladie »",
            DECLARING,
            lambda page: page.get_by_role("link", name="Signaler une absence ou une maladie"),
            "La page des réservations.",
        ),
        Step(
            "Remplissez le formulaire, puis « Signaler l’absence »",
            FORM,
            lambda page: page.get_by_role("button", name="Signaler l’absence"),
            "Le formulaire de signalement rempli : l'enfant, les jours, le motif.",
            prepare=_fill_in,
        ),
        Step(
            "Vos absences signalées",
            LISTED,
            lambda page: page.get_by_role("region", name="Absences signalées"),
            "La liste des absences signalées, avec leur statut.",
            act=no_action,
        ),
    ),
    after=WITHDRAWING,
)
