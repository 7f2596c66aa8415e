"""Paying online through PayFiP (the demo town pays on the local simulator), at the desk, by
direct debit."""

from __future__ import annotations

from playwright.sync_api import Locator

from entrypoints.guide.script import Section, Step, Tour, no_action

__all__ = ["ONLINE", "OTHER_WAYS"]

ON_PAYFIP = """\
Le bouton vous conduit sur le site sécurisé des Finances Publiques (PayFiP), qui affiche le
montant dû et la référence de la facture ; vous y payez **par carte bancaire** ou **par
prélèvement unique** sur votre compte (sans mandat à signer). Le portail ne voit jamais votre
numéro de carte ni vos coordonnées bancaires. (Pour ce guide, la ville de démonstration paie sur
le simulateur de PayFiP fourni avec le portail : la vraie page des Finances Publiques est
différente.)
"""

RESULTS = """\
À la fin, PayFiP vous ramène sur le portail, qui affiche le résultat que les Finances Publiques
lui donnent :

- **« Paiement accepté »** : la facture est « Payée » et vous recevez un **reçu par courriel**
  (le montant, la référence PayFiP avec le numéro d'autorisation, ce qui reste dû) ; PayFiP vous
  envoie aussi son propre justificatif. Si la facture avait été réglée entre-temps (au guichet,
  par exemple), la somme devient un avoir de votre famille ;
- **« Paiement refusé »** : rien n'a été payé ; vous pouvez recommencer tout de suite ;
- **« Paiement abandonné »** : rien n'a été payé ; les Finances Publiques pouvant encore le
  confirmer pendant vingt minutes, la page indique l'heure à partir de laquelle vous pourrez
  payer à nouveau (pour ne jamais payer deux fois) ;
- **« en cours de vérification »** : les Finances Publiques n'ont pas encore donné le
  résultat ; rechargez la page une minute plus tard. Si vous avez fermé la fenêtre avant la
  fin, le portail demande lui-même le résultat à PayFiP : la facture sera marquée payée sans
  que vous ayez rien à faire.
"""

NO_BUTTON = """\
Le bouton « Payer en ligne » n'apparaît pas, et la page dit pourquoi, pour une facture déjà
réglée, prélevée automatiquement, dont la date de paiement en ligne est passée (payez alors au
guichet ou par chèque), quand un paiement en ligne de la même facture attend encore la réponse
des Finances Publiques (la page dit jusqu'à quelle heure), ou quand le guichet unique vérifie un
paiement dont la réponse des Finances Publiques ne correspond pas à la facture (ne payez pas une
seconde fois : le guichet vous contacte si besoin). Si vous revenez en arrière depuis le site
des Finances Publiques, « Payer en ligne » vous ramène au même paiement tant que sa page est
ouverte (15 minutes). PayFiP envoie son justificatif par courriel : votre dossier doit avoir une
adresse e-mail. Si le site des Finances Publiques ne répond pas, le portail le dit et rien n'est
payé : réessayez plus tard.
"""

AT_THE_DESK = """\
**Au guichet unique**, vous pouvez payer tout ou partie d'une facture par chèque (à l'ordre du
Trésor public), en espèces, en CESU, en chèques-vacances ANCV ou par virement. Vous recevez un
**reçu par e-mail** : le montant, le mode de règlement, sa référence, ce qui reste à payer sur
la facture. Si vous payez plus que le montant dû, le surplus devient un **avoir** de votre
famille : il est déduit de votre prochaine facture à la facturation du mois, ou le guichet
l'utilise pour régler une facture déjà émise (vous recevez aussi un reçu). Une facture payée en
partie est « Partiellement payée » jusqu'au solde.

**Le prélèvement automatique** vous évite d'y penser : apportez au guichet unique un RIB et
signez le mandat de prélèvement SEPA. Chaque facture indique alors la date à laquelle elle sera
prélevée, au moins 14 jours après son émission (d'ordinaire le 15 du mois) ; le relevé de votre
banque portera « Facture FA-2026-000123 septembre 2026 » et la référence de votre mandat. Une
fois le fichier remis à la banque, la facture est « Prélevée ». Si une facture déjà prélevée est
corrigée, le montant prélevé devient un avoir, déduit de la nouvelle facture. Pour changer de
compte, signez un nouveau mandat ; pour arrêter le prélèvement, adressez-vous au guichet unique.
Votre IBAN n'apparaît jamais en entier sur le portail ni dans les courriels.

**Si votre banque rejette un prélèvement** (compte insuffisamment approvisionné, compte clôturé,
opposition…), vous recevez un courriel qui donne le motif de la banque, le montant et un lien vers
la facture. La facture redevient « À payer » et sa page dit pourquoi ; réglez-la au guichet
unique, par chèque ou en ligne si votre commune le propose : elle ne sera pas prélevée de
nouveau. Votre prélèvement automatique est suspendu en attendant : vos prochaines factures ne sont
pas prélevées tant que vous n'en avez pas parlé avec le guichet unique (reprise du prélèvement,
nouveau compte et nouveau mandat, ou arrêt du prélèvement).
"""


def _pay_by_card(tour: Tour, target: Locator) -> None:
    """The simulator's choice: paid by card, PayFiP's notification on time."""
    target.check()
    tour.page.get_by_label("à l'heure", exact=True).check()
    tour.page.get_by_role("button", name="Valider").click()
    tour.page.get_by_role("status").wait_for()


ONLINE = Section(
    "Payer en ligne",
    steps=(
        Step(
            "Payez sur le site des Finances Publiques",
            ON_PAYFIP,
            lambda page: page.get_by_label("Payer par carte bancaire", exact=True),
            "La page de paiement de PayFiP (le simulateur de la ville de démonstration).",
            act=_pay_by_card,
            slug="payfip",
        ),
        Step(
            "Le résultat du paiement",
            RESULTS,
            lambda page: page.get_by_role("status").first,
            "Le résultat du paiement en ligne sur le portail.",
            act=no_action,
        ),
    ),
    after=NO_BUTTON,
)

OTHER_WAYS = Section("Payer au guichet ou par prélèvement", AT_THE_DESK)
