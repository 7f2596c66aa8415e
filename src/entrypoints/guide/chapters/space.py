"""The family's space: the seed's four entries, the dossier, the children's health."""

from __future__ import annotations

from entrypoints.guide.script import Section, Step, no_action

__all__ = ["SPACE"]

ENTRIES = """\
« Vous êtes connecté » présente les quatre entrées du portail : informations utiles,
informations famille et enfant(s), réservations et annulations, factures et règlements.
"""

DOSSIER = """\
Dans « Informations famille et enfant(s) », vous pouvez modifier les numéros de téléphone et
l'adresse e-mail des responsables, envoyer des pièces justificatives (PDF, JPEG ou PNG, 5 Mo au
plus) et télécharger « Mes données » : un fichier (JSON) avec tout ce que le portail conserve sur
votre famille — votre dossier, votre compte, vos demandes, les jours réservés et leur historique,
vos inscriptions en liste d'attente, les présences et absences de vos enfants, vos factures, vos
règlements et paiements en ligne, les courriels qui vous ont été adressés (sans leur contenu) et
l'historique du dossier. Le guichet unique vous remet le même fichier si vous le lui demandez.
Vos pièces justificatives n'y sont pas recopiées : vous les téléchargez dans « Pièces
justificatives ». « Signaler un changement d'adresse » transmet votre nouvelle adresse au
guichet unique : comme elle peut modifier vos tarifs, elle est enregistrée après sa validation,
et vous voyez où en est votre demande.
"""

EMAIL_AND_QUOTIENT = """\
L'adresse e-mail du responsable n° 1 est aussi celle du compte, où partent les liens « Mot de
passe oublié ? » et de déblocage. Quand elle change dans le dossier (sur le portail ou au
guichet unique), le compte la garde jusqu'à votre confirmation : un courriel envoyé à la
nouvelle adresse contient un lien, valable 72 heures et une seule fois, vers la page « Confirmer
la nouvelle adresse e-mail » ; le bouton de cette page fait passer le compte à la nouvelle
adresse. L'ancienne adresse reçoit un simple avis du changement demandé, sans lien : si vous
n'en êtes pas à l'origine, prévenez le guichet unique. Un nouveau changement remplace le lien
précédent, qui ne fonctionne plus. Une fois le courriel envoyé, le portail n'en garde plus le
lien : seul le courriel reçu permet de confirmer la nouvelle adresse.

« Informations famille et enfant(s) » montre aussi votre quotient familial. « Signaler un nouveau
quotient familial » transmet au guichet unique le nouveau montant, le document qui l'indique
(attestation CAF, attestation MSA ou avis d'imposition) et la date à partir de laquelle il vaut
(JJ/MM/AAAA) ; envoyez aussi ce document dans vos pièces justificatives. Il est appliqué à vos
tarifs après validation ; d'ici là, la demande apparaît « en attente de validation » (une seule
demande de chaque sorte à la fois), puis « validé » ou « refusé » avec la raison.
"""

HEALTH = """\
Les informations de santé de vos enfants (allergies, régime, PAI, vaccinations) se trouvent dans
« Santé et autorisations » ; elles ne figurent dans aucun courriel. Les allergies tiennent en
1 000 caractères et les consignes du PAI en 2 000 : un texte plus long n'est pas enregistré, la
page le dit et garde ce que vous avez tapé pour que vous puissiez le raccourcir. Chaque
consultation de ces informations, par vous (cette page, « Mes données ») ou par le guichet
unique, est inscrite dans l'historique de votre dossier : qui, quand, pour quels enfants, jamais
les informations elles-mêmes.

**Le PAI de votre enfant.** Un PAI (projet d'accueil individualisé) donne le tarif PAI
(panier-repas) aux journées avec repas. Quand vous déclarez un PAI, quand vous le retirez ou
quand vous changez sa date de fin de validité dans « Santé et autorisations », ce changement
n'est pas appliqué tout de suite : il est transmis au guichet unique, qui le valide au vu du PAI
signé (envoyez-le dans vos pièces justificatives ou apportez-le). D'ici là, le PAI enregistré et
son tarif restent appliqués ; la page de l'enfant montre la demande « en attente de validation »,
et « Vos demandes de changement » l'affiche (« PAI de Léa – en attente de validation », puis
« validé » ou « refusé » avec la raison). Les autres informations de la page (allergies, régime,
consignes d'un PAI déjà validé, vaccinations, autorisations) sont enregistrées tout de suite. Une
seule demande de PAI par enfant attend à la fois : pour la modifier, adressez-vous au guichet
unique.

Un PAI s'enregistre avec sa date de fin de validité (celle écrite sur le PAI signé) et ses
consignes pratiques : sans l'une ou l'autre, le formulaire est refusé, avec un message sous le
champ concerné, et rien de ce que vous avez tapé n'est perdu. Une date déjà passée est refusée
aussi (indiquez celle du PAI renouvelé).
"""

ERASURE_AND_DATES = """\
Vous pouvez demander au guichet unique l'effacement de votre dossier, une fois vos factures
réglées et sans réservation à venir. Plus rien n'y nomme alors votre famille, vos enfants, votre
identifiant ni vos adresses e-mail : le dossier est anonymisé, votre compte, vos demandes et
les courriels qui vous concernent sont supprimés, vos pièces justificatives et certificats
détruits. Seules vos factures et vos règlements sont conservés tels qu'émis, comme la
comptabilité publique l'exige (10 ans). Téléchargez d'abord « Mes données » si vous souhaitez
les garder.

Les dates s'écrivent JJ/MM/AAAA (14/09/2026) ou AAAA-MM-JJ (2026-09-14).
Si le portail signale un « caractère invisible ou de contrôle refusé », le texte a été copié
d'un autre document et contient un caractère qu'on ne voit pas : retapez-le au clavier.
"""

SPACE = Section(
    "Votre espace",
    steps=(
        Step(
            "Les quatre entrées",
            ENTRIES,
            lambda page: page.locator("ul.entries"),
            "L'espace de la famille après la connexion.",
            act=no_action,
            slug="quatre-entrees",
        ),
        Step(
            "Informations famille et enfant(s)",
            DOSSIER,
            lambda page: page.get_by_role("link", name="Informations famille et enfant(s)"),
            "L'espace de la famille.",
        ),
        Step(
            "Santé et autorisations",
            EMAIL_AND_QUOTIENT,
            lambda page: page.get_by_role("link", name="Santé et autorisations de Léa"),
            "Le dossier de la famille : responsables, quotient familial, enfants, pièces.",
        ),
        Step(
            "Le PAI et les informations de santé",
            HEALTH,
            lambda page: page.get_by_role("group", name="Projet d’accueil individualisé (PAI)"),
            "Les informations de santé et les autorisations d'un enfant.",
            act=no_action,
        ),
    ),
    after=ERASURE_AND_DATES,
)
