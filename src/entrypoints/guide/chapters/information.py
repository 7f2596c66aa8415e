"""« Informations utiles »: tariffs, establishments and their calendars, regulations, menus (a new
page for families: ``_entry(its link)`` and one ``Step`` on it in ``INFORMATION``), and
accessibility."""

from __future__ import annotations

from playwright.sync_api import Locator

from entrypoints.guide.chapters.bookings import to_the_space
from entrypoints.guide.script import Section, Step, Tour, no_action

__all__ = ["ACCESSIBILITY", "INFORMATION"]

HUB = """\
« Informations utiles » rassemble ce que la commune publie pour les familles : les structures et
leurs calendriers, les tarifs, les règlements intérieurs, les menus de la restauration scolaire
quand le restaurant de vos enfants les publie, les actualités quand la commune en publie, et les
contacts. Cette page se lit aussi sans être connecté (on n'y voit alors que les actualités
destinées à toutes les familles).
"""

NEWS = """\
**Actualités.** Quand la commune en publie, « Actualités » donne les nouvelles de la commune et
celles des structures que fréquentent vos enfants (par exemple l'accueil périscolaire de leur
école). Les trois dernières paraissent aussi sur la page d'accueil de votre espace ; « Toutes
les actualités » les montre toutes.
"""

CONTACTS = """\
« Contacts et informations pratiques » dit comment joindre le guichet unique (adresse,
téléphone, courriel) et chaque structure (adresse, téléphone, horaires, courriel). Un numéro de
téléphone est un lien : sur un téléphone mobile, il suffit de le toucher pour appeler. Les
mêmes informations figurent sur la page « Structures et calendriers ».
"""

TARIFFS = """\
La page « Tarifs » (aussi dans le menu en haut de chaque page) donne le prix de chaque service en
vigueur aujourd'hui, par tranche de quotient familial, pour les habitants de la commune et pour
les autres. Sans quotient familial valide dans votre dossier, le tarif le plus élevé s'applique.
Sous chaque tarif, « Absences et présences » dit ce que coûte chaque cas pour cette unité :
une absence justifiée (maladie avec certificat), une absence non justifiée, une présence sans
réservation, une annulation dans les délais.
"""

ESTABLISHMENTS = """\
La page « Structures et calendriers » liste les accueils de la commune. Le calendrier de chaque
structure montre, mois par mois, les jours où chaque accueil est ouvert, et, quand il est fermé,
pourquoi (week-end, jour férié, vacances scolaires, fermeture de la structure...).
"""

ACCESSIBLE = """\
Le portail s'utilise au clavier (le lien « Aller au contenu » est le premier élément de chaque
page) et sur un écran de téléphone ; les tableaux larges défilent horizontalement. La
déclaration d'accessibilité est accessible depuis le pied de chaque page ; signalez toute
difficulté au guichet unique.
"""


REGULATIONS = """\
Chaque structure (accueil de loisirs, périscolaire, restauration scolaire, école des sports) a
son règlement intérieur : horaires, réservations et annulations, absences, facturation. La page
« Règlements intérieurs » donne, pour chaque structure, le document (PDF) de la version en
vigueur, avec son titre, sa version et sa date, et, s'il y en a une, la version à venir.

Pour réserver dans une structure, vous acceptez la version en vigueur de son règlement.
Connecté, vous voyez pour chaque structure que vos enfants peuvent fréquenter s'il vous reste à
l'accepter : lisez le document, puis cliquez sur « J'ai lu et j'accepte le règlement
intérieur » (une fois par version). Seules les structures de vos enfants vous sont demandées
(par exemple, pas le périscolaire d'une autre école). Vous pouvez aussi signer le règlement au
guichet unique.

Quand la commune publie une nouvelle version, vous recevez un courriel, et « Mon espace » comme
la page « Réservations » affichent « Règlement intérieur à accepter ». Si la commune vous laisse
un délai, vos réservations restent possibles jusqu'à la date indiquée avec la version que vous
aviez acceptée ; ensuite, elles sont refusées dans cette structure tant que la nouvelle version
n'est pas acceptée. Sans délai, elles sont refusées dès l'entrée en vigueur.
"""

MENUS = """\
« Menus de la restauration scolaire » montre les menus de la semaine du restaurant scolaire de
vos enfants (et de l'accueil de loisirs les semaines où un enfant y est réservé), jour par jour :
entrée, plat, accompagnement, fromage ou laitage, dessert. Chaque plat indique les allergènes
qu'il contient (« Allergènes : gluten, lait »), parmi les 14 que le règlement européen oblige à
signaler. « Semaine précédente » et « Semaine suivante » mènent aux autres semaines publiées. Ce
lien n'apparaît que si le restaurant de vos enfants publie ses menus.

Pour que les plats à éviter soient signalés, cochez les allergènes de votre enfant dans
« Informations famille et enfant(s) » › « Santé et autorisations » › « Allergènes à éviter dans
les menus », puis « Enregistrer ». Un plat qui en contient est alors encadré et marqué « À
éviter pour Léa : arachides ». Le champ « Allergies » en texte libre reste là pour tout le
reste. Ces informations ne servent qu'aux équipes et à cette page ; elles ne figurent dans aucun
courriel. En cas de doute, parlez-en à l'équipe du restaurant : le PAI reste la référence.
"""


def _back(tour: Tour, target: Locator) -> None:
    tour.page.go_back()


def _entry(name: str) -> Step:
    """« Cliquez sur … » on the hub of the information pages."""
    return Step(
        f"Cliquez sur « {name} »",
        "",
        lambda page: page.locator("main").get_by_role("link", name=name, exact=True),
        "La page des informations utiles.",
    )


# A page for families is a small entry each: its link on « Informations utiles », then the page.
REGULATION_STEPS = (
    _entry("Règlements intérieurs"),
    Step(
        "Lisez et acceptez le règlement intérieur",
        REGULATIONS,
        lambda page: page.locator("main section").first.get_by_role("link").first,
        "La page des règlements intérieurs des structures.",
        act=_back,
    ),
)
MENU_STEPS = (
    _entry("Menus de la restauration scolaire"),
    Step(
        "Les menus de la semaine",
        MENUS,
        lambda page: page.locator("main h3").first,
        "Les menus de la semaine, plat par plat, avec leurs allergènes.",
        act=_back,
    ),
)

INFORMATION = Section(
    "Informations utiles",
    steps=(
        Step(
            "Cliquez sur « Informations utiles »",
            HUB,
            lambda page: page.get_by_role("link", name="Informations utiles"),
            "L'espace de la famille.",
            prepare=to_the_space,
        ),
        _entry("Tarifs"),
        Step(
            "Les tarifs",
            TARIFFS,
            lambda page: page.locator("main h2").first,
            "La page des tarifs.",
            act=_back,
        ),
        _entry("Structures et calendriers"),
        Step(
            "Les structures et leurs calendriers",
            ESTABLISHMENTS,
            lambda page: page.get_by_role("link", name="Calendrier d’ouverture").first,
            "La page des structures de la commune.",
            act=_back,
        ),
        *REGULATION_STEPS,
        *MENU_STEPS,
        _entry("Contacts et informations pratiques"),
        Step(
            "Les contacts et les informations pratiques",
            CONTACTS,
            lambda page: page.locator("main h2").first,
            "La page des contacts du guichet unique et des structures.",
            act=no_action,
        ),
    ),
    after=NEWS,
)

ACCESSIBILITY = Section("Accessibilité", ACCESSIBLE)
