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

**Réserver les mêmes jours chaque semaine (« semaine type »).** Votre enfant mange à la cantine
ou va à l'accueil périscolaire les mêmes jours toute l'année ? Inutile de cocher chaque jour, mois
après mois : depuis le planning, cliquez sur « Réserver les mêmes jours chaque semaine ». Pour
chaque jour de la semaine, cochez les unités voulues (par exemple « Repas » le lundi, le mardi,
le jeudi et le vendredi, et « Soir » le mardi), puis choisissez la période : jusqu'à la fin de
la période scolaire (la veille des prochaines vacances), jusqu'à la fin de l'année scolaire (la
veille des grandes vacances) ou jusqu'à une date que vous choisissez. Par défaut, la semaine type
commence au premier jour encore réservable ; « À partir du » permet de commencer plus tard (par
exemple le jour de la rentrée, si vous réservez en juin pour l'année suivante). Les vacances, les
jours fériés et les fermetures de la structure sont sautés, et les jours déjà réservés restent
tels quels. « Voir le récapitulatif » affiche, comme pour le planning, chaque jour accepté ou
refusé avec sa raison (délai dépassé, plus de place, unités incompatibles le même jour, dossier
incomplet) et le coût estimé ; rien n'est enregistré avant « Confirmer la réservation », qui
réserve tous les jours acceptés en une seule fois, sous un seul numéro de confirmation. Vous
pouvez ensuite changer un jour isolé dans le planning (décocher le repas d'un mardi, par exemple)
comme d'habitude. Pour un accueil de loisirs ouvert le mercredi et pendant les vacances, cocher
une unité le lundi réserve les lundis des vacances scolaires.

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

**Demandes de places (l'été, les périodes très demandées).** Pour certaines périodes, la commune
n'attribue pas les places au premier arrivé mais par un tirage au sort équitable. Tant qu'une
telle campagne concerne vos enfants, la page « Réservations » affiche le lien « Demandes de
places », avec l'état de la campagne (par exemple « Été 2027 (Accueil de loisirs Les Dunes,
demandes ouvertes jusqu'au samedi 15 mai 2027) »). La page donne la structure, la période, les
dates de la période de demande et l'état : à venir, ouverte, close, publiée.

Pendant la période de demande, cliquez sur « Demander des jours pour … » : les jours de la
période sont présentés semaine par semaine. Cochez les jours et les unités souhaités (« Journée
avec repas », « Matin sans repas »…). Si vous le souhaitez, donnez un ordre de préférence dans
la case « Ordre » de chaque jour coché : 1 pour le jour que vous tenez le plus à obtenir, puis
2, 3… Les jours sans numéro viennent après, dans l'ordre du calendrier. Puis cliquez sur
« Enregistrer mes demandes » (chaque semaine a ce bouton ; il enregistre tout le formulaire).
La page rappelle vos demandes enregistrées, dans l'ordre de préférence. Jusqu'à la clôture,
vous pouvez les modifier (cocher, décocher, renuméroter, enregistrer) ou toutes les retirer
(« Retirer toutes les demandes de … »). Une erreur de saisie (un ordre qui n'est pas un nombre,
par exemple) est expliquée en haut de la page, et ce que vous aviez coché est conservé.

Demander tôt ne donne aucun avantage : rien n'est décidé avant la clôture, et l'heure de votre
demande ne compte pas. Après la clôture, les familles sont servies par priorité, selon les
règles de la commune (par exemple : habiter la commune, puis avoir un enfant déjà accueilli…) ;
dans une même priorité, l'ordre est tiré au sort, et l'attribution se fait par tours : au
premier tour, chaque famille, dans l'ordre du tirage, obtient le premier choix de chacun de ses
enfants s'il reste de la place ; au deuxième tour, le deuxième choix, et ainsi de suite. Quand
la commune fixe un nombre maximal de jours par enfant, vous pouvez en demander davantage : les
suivants servent de solutions de repli. Pendant la campagne, ces jours ne se réservent pas dans
le planning : la case indique la campagne et ses dates.

**Un tirage vérifiable.** Dès l'ouverture, la page affiche l'« Empreinte du tirage » : elle
engage la commune sur un nombre secret, tiré au hasard, qui décidera du tirage. Ce nombre est
révélé avec les résultats (« Nombre secret du tirage »), et chacun peut vérifier que son
empreinte SHA-256 est bien celle publiée avant la clôture ; la page donne la commande, ainsi que
celle qui recalcule le « ticket » de votre famille dans le tirage. La commune n'a donc pas pu
choisir ce nombre après avoir vu les demandes ; et les règles du tirage (priorités, période,
structure, nombre maximal de jours) ne peuvent plus changer une fois les demandes ouvertes.

**Les résultats.** Un courriel vous prévient de leur publication. « Voir les résultats » donne,
pour chaque jour demandé et chaque enfant : « Place attribuée » (la réservation figure alors dans
le planning de l'enfant), « Liste d'attente » avec votre rang (la demande apparaît aussi dans la
rubrique « Listes d'attente » de la page « Réservations »), ou « Refusé » avec la raison (par
exemple un dossier incomplet à la date du tirage, ou la limite de jours atteinte). Chaque
résultat est expliqué, par exemple « priorité 2, rang 37 au tirage : place attribuée (choix
n° 1) » : la priorité de votre famille, puis son rang dans le tirage au sort de sa priorité.
Les jours restés libres se réservent ensuite dans le planning, au premier arrivé.

Le planning, la semaine type et les demandes de places fonctionnent sans JavaScript, au clavier
(Tab pour passer d'une case à l'autre, Espace pour cocher) et sur un petit écran (le tableau
défile horizontalement).
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
