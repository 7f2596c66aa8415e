"""« Factures et règlements »: the balance, the invoices, an invoice's detail, the ways to pay."""

from __future__ import annotations

import re

from playwright.sync_api import Locator

from entrypoints.guide.chapters.bookings import to_the_space
from entrypoints.guide.script import Section, Step, Tour

__all__ = ["BILLING"]

MONTHLY = """\
Au début de chaque mois, la commune facture le mois précédent : une facture par famille, numérotée
(par ex. FA-2026-000123), avec une date d'échéance. « Factures et règlements » (page « Mon
espace », ou « Factures » dans le menu du haut) montre votre solde et vos factures.
"""

LISTING = """\
- **votre solde** : ce qui reste à payer sur l'ensemble de vos factures, ou l'avoir dont vous
  disposez (un trop-payé, ce que vous aviez payé sur une facture annulée par un avoir), qui est
  déduit de vos prochaines factures : la facturation du mois le déduit d'elle-même de votre
  nouvelle facture, jusqu'à son montant, et le reste éventuel des suivantes. Le courriel de la
  facture et son détail indiquent l'avoir déduit et ce qui reste à payer (pour une famille en
  prélèvement automatique, seul ce reste est prélevé).
- **vos factures et avoirs**, les plus récents d'abord, avec leur montant, ce qui reste à payer et
  leur statut : « À payer », « Partiellement payée », « Payée », « Prélevée » (payée par
  prélèvement automatique), « Annulée par avoir » ; un **avoir** (par ex. AV-2026-000004) annule
  une facture corrigée (une présence pointée après coup, une absence justifiée par un certificat
  médical...) et une nouvelle facture la remplace ; une facture émise n'est jamais modifiée.

La page « Modes de paiement » les décrit :
"""

MODES = """\
- **en ligne**, par carte bancaire ou prélèvement unique sur le site des Finances Publiques
  (PayFiP), jusqu'à la date indiquée sur la facture (voir « Payer en ligne » ci-dessous), quand
  la commune le propose ;
- **par chèque** à l'ordre du Trésor public, remis ou envoyé au guichet unique avec le numéro de
  la facture au dos ;
- **au guichet unique**, en espèces, en chèques emploi service universel (CESU) ou en
  chèques-vacances ANCV ;
- **par prélèvement automatique**, avec un mandat SEPA signé au guichet unique : la facture
  indique alors la date du prélèvement, à la place du bouton de paiement ; vous n'avez rien à
  faire.

Vous ne voyez que les factures de votre famille.
"""

E_MAIL = """\
**Un courriel à chaque nouvelle facture.** Après la facturation du mois, vous recevez un courriel
pour chaque nouvelle facture, à l'adresse de votre compte du Portail Famille (à défaut, à celle du
responsable principal du dossier) : le mois, le numéro, le montant, la date d'échéance, le lien
vers la facture sur le portail, et comment elle se règle — la date du prélèvement si vous payez
par prélèvement automatique ; sinon la date limite du paiement en ligne, quand la commune le
propose ; sinon le chèque et le guichet unique. Une facture corrigée donne un courriel pour la
nouvelle facture (l'avoir qui annule l'ancienne n'en donne pas). Sans adresse e-mail dans votre
dossier, vous ne recevez pas ce courriel : vos factures sont sur le portail et au guichet unique.

Le numéro d'une facture ouvre son détail.
"""

DETAIL = """\
Le détail donne la période, les dates d'émission et d'échéance, le
quotient familial retenu, puis une ligne par enfant, service et unité avec l'état (présent,
absence justifiée, absence non justifiée, présent sans réservation) et **les jours facturés**
(« 2, 9, 16 et 23 septembre »), le **tarif appliqué et ce qui l'a fixé** : la tranche de
quotient familial (« QF de 500 à 899 », ou le tarif maximal sans quotient valide), ou le
**tarif PAI (panier-repas)**, « non-résident » pour une famille qui n'habite pas la commune, et
la **réduction fratrie** (« réduction 2e enfant 10 % ») ; puis la quantité, le prix unitaire et
le montant ; enfin le total, ce qui est déjà réglé (dont l'avoir déduit, s'il y en a un) et le
montant dû. Chaque montant de ligne est exactement la quantité multipliée par le prix unitaire.
Une facture émise avant cette version ne liste pas ses jours.

**Une question sur une facture ?** Le détail, le PDF et son en-tête donnent l'adresse postale et
le téléphone du guichet unique (quand la commune les a renseignés), avec son adresse e-mail ;
rappelez le numéro de la facture.

« Télécharger la facture » donne la même facture en PDF, mot pour mot : un PDF balisé (PDF/UA),
que les lecteurs d'écran lisent dans l'ordre, avec l'en-tête de la commune, votre adresse et les
moyens de payer. Le PDF indique ce qui est déjà réglé au moment où vous le téléchargez.

Quand la commune propose le paiement en ligne, le détail d'une facture à payer porte le bouton
**« Payer en ligne »** et la date jusqu'à laquelle c'est possible.
"""


def _back(tour: Tour, target: Locator) -> None:
    tour.page.go_back()


BILLING = Section(
    "Factures et règlements",
    MONTHLY,
    steps=(
        Step(
            "Cliquez sur « Factures et règlements »",
            "",
            lambda page: page.get_by_role("link", name="Factures et règlements"),
            "L'espace de la famille.",
            prepare=to_the_space,
        ),
        Step(
            "Votre solde, vos factures et avoirs",
            LISTING,
            lambda page: page.get_by_role("link", name="Modes de paiement"),
            "La page des factures et règlements : le solde et la liste des factures.",
        ),
        Step(
            "Les modes de paiement",
            MODES,
            lambda page: page.locator("main h2").first,
            "La page des modes de paiement.",
            act=_back,
        ),
        Step(
            "Ouvrez une facture",
            E_MAIL,
            lambda page: page.get_by_role("link", name=re.compile(r"^Facture FA-")).first,
            "La page des factures et règlements.",
        ),
        Step(
            "Le détail de la facture",
            DETAIL,
            lambda page: page.get_by_role("button", name=re.compile(r"^Payer en ligne")),
            "Le détail d'une facture à payer : ses lignes, le montant dû, les moyens de payer.",
        ),
    ),
)
