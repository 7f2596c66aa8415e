"""« Agenda de vos réservations »: the private calendar feed of the children's reservations."""

from __future__ import annotations

from entrypoints.guide.script import Section, Step, Tour, no_action

__all__ = ["FEED"]

FEED_PROSE = """\
Votre téléphone ou votre ordinateur peut afficher les réservations de vos enfants dans son
agenda et les tenir à jour : une nouvelle réservation s'y ajoute, une réservation annulée en
disparaît. Chaque réservation y figure avec le prénom de l'enfant, la structure, l'unité (repas,
matin, journée…) et ses horaires. Votre nom et les informations de santé de vos enfants n'y
figurent jamais.
"""

SUBSCRIBE = """\
La page qui suit la création affiche l'adresse de votre agenda. **Copiez-la tout de suite :
elle ne sera plus jamais affichée.** Abonnez ensuite votre agenda à cette adresse :

- **iPhone, iPad, Mac** : touchez « S'abonner depuis cet appareil », ou ouvrez Réglages,
  Calendrier, Comptes, « Ajouter un compte », « Autre », « Ajouter un calendrier avec
  abonnement », et collez l'adresse ;
- **Android (Google Agenda)** : sur un ordinateur, ouvrez Google Agenda sur le web, puis
  « Autres agendas », « + », « À partir de l'URL », et collez l'adresse ; l'agenda apparaît
  ensuite sur le téléphone connecté au même compte Google ;
- **Outlook** : « Ajouter un calendrier », « S'abonner à partir du web », et collez l'adresse.
"""

AFTER = """\
Les applications relisent l'agenda d'elles-mêmes, de toutes les heures à une fois par jour
selon l'application : une réservation récente peut mettre ce temps à y paraître. Le planning de
réservation du portail reste la référence. L'agenda montre les réservations des deux derniers
mois et toutes celles à venir.

Quiconque connaît l'adresse voit ces réservations, sans mot de passe : ne la partagez qu'avec
qui doit les voir (l'autre parent, par exemple). Si elle a circulé ou si vous l'avez perdue,
« Révoquer l'agenda » fait cesser aussitôt de répondre l'adresse, et « Créer une nouvelle
adresse » la remplace (il faut alors abonner de nouveau vos agendas à la nouvelle).
"""


def _to_the_reservations(tour: Tour) -> None:
    tour.go("/reservations")


FEED = Section(
    "Agenda de vos réservations",
    FEED_PROSE,
    steps=(
        Step(
            "Cliquez sur « Agenda de vos réservations »",
            "Le lien se trouve en haut de la page « Réservations ».",
            lambda page: page.get_by_role("link", name="Agenda de vos réservations"),
            "La page des réservations.",
            prepare=_to_the_reservations,
        ),
        Step(
            "Créez l'agenda de vos réservations",
            SUBSCRIBE,
            lambda page: page.locator("main").get_by_role("button").first,
            "La page de l'agenda des réservations, avant sa création.",
            act=no_action,
        ),
    ),
    after=AFTER,
)
