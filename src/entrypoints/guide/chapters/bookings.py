"""The seed's seven booking steps (steps 2 to 4 on one screen), then what the planning says."""

from __future__ import annotations

import re

from playwright.sync_api import Locator

from entrypoints.guide.script import Section, Step, Tour

__all__ = ["BOOKINGS", "to_the_space"]

AFTER = """\
Rien n'est enregistré avant « Confirmer la réservation », et confirmer deux fois ne réserve
qu'une fois. Le coût affiché est une estimation : le montant exact figure sur la facture du mois.

Si quelque chose empêche toute réservation de votre famille (un dossier incomplet, par exemple un
PAI sans date de fin de validité ou expiré, le règlement intérieur non accepté, des factures
impayées au-delà de la limite de la commune), le planning le dit en haut de la page, avant que
vous cochiez quoi que ce soit, avec la raison et un lien vers « Informations famille et
enfant(s) » pour compléter le dossier. Le récapitulatif redonne la raison à côté de chaque
réservation refusée.

Pour annuler, décochez une case « Réservé » tant que le délai d'annulation n'est pas passé, puis
validez et confirmez de la même façon. Après le délai, seul le guichet unique peut annuler
(maladie, par exemple).

**Liste d'attente.** Une case « Complet » propose « Liste d'attente » : cochez-la, validez et
confirmez. Votre position s'affiche dans le planning et sur la page « Réservations ». Quand une
place se libère, selon la règle de la structure, elle est réservée automatiquement pour le
premier inscrit, ou lui est proposée pendant un délai (48 heures par exemple) : un courriel vous
prévient, et « Accepter la place » se trouve sur la page « Réservations ». Vous pouvez quitter la
liste d'attente à tout moment.

**Historique.** « Historique des réservations » (page « Réservations ») montre, pour chaque
enfant, chaque réservation, annulation et inscription en liste d'attente : quand, la structure
et l'unité par leur nom (« Accueil de loisirs Les Tilleuls, Journée »), par qui (vous sur le
portail, le guichet unique) et sous quel numéro de confirmation. Quand le guichet unique a
réservé ou annulé hors des délais, l'historique l'indique par « le guichet unique, par
dérogation aux délais ».

**File d'attente le jour de l'ouverture.** Quand beaucoup de familles réservent en même temps,
le portail les fait entrer dans les réservations à tour de rôle, dans leur ordre d'arrivée : la
page « File d'attente des réservations » donne votre place (« Vous êtes n° 42 dans la file »)
et une estimation de l'attente, se met à jour toute seule et vous mène à la page demandée dès
que c'est votre tour. Votre place est celle de votre compte : recharger la page, ouvrir
d'autres onglets ou vous connecter sur un autre appareil ne vous fait ni avancer ni reculer.
Fermée, la page vous garde votre place 15 minutes. Une fois entrée, votre famille garde sa
place tant qu'elle réserve ; après « Confirmer la réservation », « Terminer » vous remet en tête
de la file pour réserver aussitôt pour un autre enfant. Sans page de réservation ouverte pendant
quelques minutes (5 par défaut), la place est rendue. La commune peut ouvrir la file avant
l'heure d'ouverture : la page indique alors l'heure où les entrées commencent, et arriver tôt ne
sert qu'à prendre une place plus tôt dans la file. Les autres pages du portail ne passent jamais
par la file.

Le planning fonctionne sans JavaScript, au clavier (Tab pour passer d'une case à l'autre, Espace
pour cocher) et sur un petit écran (le tableau défile horizontalement).
"""


def to_the_space(tour: Tour) -> None:
    """Back to the four entries, from the menu at the top of every page."""
    tour.page.get_by_role("link", name="Mon espace", exact=True).click()


def _check(tour: Tour, target: Locator) -> None:
    target.check()


def _check_and_validate(tour: Tour, target: Locator) -> None:
    target.check()
    tour.page.get_by_role("button", name="Valider le planning").click()


BOOKINGS = Section(
    "Réserver et annuler",
    "Les réservations se font en sept étapes, comme dans le guide de la commune.",
    steps=(
        Step(
            "Cliquez sur « Vos réservations et annulations »",
            "Depuis votre espace, ou « Réservations » dans le menu du haut de chaque page.",
            lambda page: page.get_by_role("link", name="Vos réservations et annulations"),
            "L'espace de la famille.",
            prepare=to_the_space,
        ),
        Step(
            "Sélectionnez l'enfant concerné",
            "Sur la page « Réservations », choisissez l'enfant.",
            lambda page: (
                page.get_by_role("group", name="Sélectionnez l’enfant concerné")
                .get_by_role("radio")
                .first
            ),
            "La page des réservations : le choix de l'enfant et de l'établissement.",
            act=_check,
        ),
        Step(
            "Sélectionnez l'établissement",
            "Sur la même page : l'accueil de loisirs, et pour l'accueil périscolaire et la "
            "restauration, ceux de l'école de vos enfants ; une structure qui n'accueille que "
            "certains de vos enfants le dit (« pour Léa »), et si vous choisissez une structure "
            "qui n'accueille pas l'enfant choisi, la page vous le dit sans rien perdre de votre "
            "choix.",
            lambda page: (
                page.get_by_role("group", name="Sélectionnez l’établissement")
                .get_by_role("radio", name=re.compile(r"^Accueil de loisirs"))
                .first
            ),
            "La page des réservations, l'enfant choisi.",
            act=_check,
        ),
        Step(
            "Cliquez sur « Continuer »",
            "Le planning du mois de l'enfant, dans cet établissement, s'affiche ensuite.",
            lambda page: page.get_by_role("button", name="Continuer"),
            "La page des réservations, l'enfant et l'établissement choisis.",
        ),
        Step(
            "Cochez les cases, puis « Valider le planning »",
            "Chaque case du planning dit son état en toutes lettres (« Disponible (12 places "
            "restantes) », « Réservé ; annulable jusqu'au jeudi 3 septembre à 12h00 », "
            "« Complet », « Délai de réservation dépassé », « Fermé : jour férié »...). Cochez "
            "les cases à réserver, décochez celles à annuler, puis cliquez sur « Valider le "
            "planning » en bas de page (vous pouvez dérouler jusqu'au bas de la page).",
            lambda page: (
                page.get_by_role(
                    "checkbox", name=re.compile(r"^Réserver Journée avec repas, ")
                ).first
            ),
            "Le planning du mois.",
            act=_check_and_validate,
        ),
        Step(
            "Cliquez sur « Confirmer la réservation »",
            "Le récapitulatif liste les réservations ajoutées avec leur coût estimé, les "
            "annulations et, pour chaque case refusée, la raison (délai dépassé, complet, unités "
            "incompatibles le même jour, dossier incomplet pour l'année scolaire, règlement "
            "intérieur non accepté, factures impayées au-delà du seuil fixé par la "
            "commune...). Tout est vérifié de nouveau au moment de confirmer.",
            lambda page: page.get_by_role("button", name="Confirmer la réservation"),
            "Le récapitulatif des réservations.",
        ),
        Step(
            "Cliquez sur « Terminer »",
            "La page de confirmation donne le numéro de confirmation (par ex. R-7KQ2-M9XP), "
            "aussi envoyé par courriel.",
            lambda page: page.get_by_role("link", name="Terminer"),
            "La confirmation de la réservation.",
        ),
    ),
    after=AFTER,
)
