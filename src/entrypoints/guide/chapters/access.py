"""First access, the account's activation and logging in (the seed's « 1er accès »)."""

from __future__ import annotations

from entrypoints.cli.demo import DEMO_PASSWORD
from entrypoints.guide.script import Section, Step, Tour

__all__ = ["ACCESS", "LOGIN"]

FIRST_ACCESS = """\
Seules les familles dont le Dossier d'Inscription Unique (DIU) est complet peuvent accéder au
portail. Demandez votre compte au guichet unique : vous recevrez un courriel avec votre
identifiant et un lien pour choisir votre mot de passe.
"""

ACTIVATION = """\
Le courriel du guichet unique contient votre identifiant et un lien, valable 72 heures et une
seule fois, pour choisir votre mot de passe : au moins 12 caractères, sans mots trop courants ni
noms de la famille ou de la commune ; une phrase de plusieurs mots convient très bien. Certaines
communes envoient plutôt un mot de passe provisoire : il faut alors le changer à la première
connexion.

Le portail refuse les mots de passe qui reposent sur un mot courant, en français
comme en anglais (« Liverpool2005! », « Chevalier2019! », « Soleil-Marseille-2026 »), même
écrit avec des chiffres à la place des lettres (« L1v3rp00l »). Une phrase de quelques mots
sans lien entre eux reste la meilleure solution ; si le portail la trouve trop facile,
ajoutez un mot peu courant ou un cinquième mot. Votre mot de passe actuel reste valable : la
règle ne s'applique qu'au prochain changement.
"""

LOGGING_IN = """\
Après 5 erreurs de mot de passe, il faut attendre
avant de réessayer ; après 10, le compte est bloqué. Un courriel part aussitôt à l'adresse du
compte, avant tout autre courriel de la commune, avec un lien valable 24 heures : il débloque le
compte immédiatement, et vous vous connectez juste après avec votre mot de passe. « Mot de passe
oublié ? » fonctionne aussi sur un compte bloqué : choisir un nouveau mot de passe le débloque.
Le guichet unique peut également le débloquer. Les erreurs sur le mot de passe actuel, quand vous
changez de mot de passe, comptent de la même façon et bloquent le compte de même, avec le même
courriel.

Quelqu'un qui connaît votre identifiant peut bloquer votre compte en essayant de faux mots de
passe, sans pouvoir y entrer pour autant : c'est le prix de la protection contre ceux qui
devinent les mots de passe. Débloquez-le par l'un des moyens ci-dessus ; si cela se répète,
prévenez le guichet unique.

« Mot de passe oublié ? » envoie un lien valable une heure pour en choisir un nouveau. La
session se ferme après 30 minutes sans activité (l'heure est affichée en haut de page, avec un
bouton « Prolonger la session ») ; « Se déconnecter » la ferme tout de suite.
"""

LINKS = """\
Les liens reçus par courriel (activation, nouveau mot de passe, déblocage, confirmation d'une
nouvelle adresse e-mail) ouvrent la page puis s'effacent de la barre d'adresse : la page
s'affiche à une adresse sans le code secret du lien. Votre navigateur doit accepter les cookies
du portail ; sinon, la page le dit. Chaque lien ne sert qu'une fois.

Si vous tapez par erreur votre mot de passe dans la case « Identifiant », il n'est écrit nulle
part : un identifiant qui ne correspond à aucun compte est noté « identifiant inconnu » dans
l'historique du portail, jamais tel qu'il a été tapé.
"""


def _open_home(tour: Tour) -> None:
    tour.go("/")


def _fill_in(tour: Tour) -> None:
    tour.page.get_by_label("Identifiant (obligatoire)").fill("martin.1")
    tour.page.get_by_label("Mot de passe (obligatoire)", exact=True).fill(DEMO_PASSWORD)


ACCESS = Section(
    "Premier accès",
    FIRST_ACCESS,
    steps=(
        Step(
            "Ouvrez le portail",
            "L'adresse du portail est donnée par la commune (sur son site et dans le courriel "
            "du guichet unique). La page d'accueil dit ce que vous pouvez y faire.",
            lambda page: page.get_by_role("link", name="Se connecter", exact=True),
            "La page d'accueil du portail, avant la connexion.",
            prepare=_open_home,
        ),
    ),
)

LOGIN = Section(
    "Activer son compte et se connecter",
    ACTIVATION,
    steps=(
        Step(
            "Connectez-vous",
            "Tapez votre identifiant et votre mot de passe, puis cliquez sur « Se connecter ».",
            lambda page: page.get_by_role("button", name="Se connecter", exact=True),
            "Le formulaire de connexion rempli.",
            prepare=_fill_in,
        ),
    ),
    after=LOGGING_IN + "\n" + LINKS,
)
