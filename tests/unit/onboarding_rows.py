"""A complete line of the onboarding export (docs/import-familles.md), shared by the unit tests
(a fixed day) and the command-line tests (the real day)."""

from __future__ import annotations

from datetime import date, timedelta

from adapters.onboarding_csv import CHILD_COLUMNS, FAMILY_COLUMNS
from portail_core.domain.dossiers.completeness import SchoolYear

__all__ = ["COLUMNS", "complete_line", "fr"]

COLUMNS = FAMILY_COLUMNS + CHILD_COLUMNS
REGULATIONS = ("ALSH:2026-1", "APS-PLAGE:2025-2", "CANTINE-PLAGE:2025-3", "EMS:2026-1")


def fr(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def complete_line(today: date, **values: str) -> dict[str, str]:
    """One family of one child, complete for the school year of ``today`` in the demo commune
    (its dates are counted from ``today``), with ``values`` instead."""
    accepted = fr(today - timedelta(days=10))
    base = dict.fromkeys(COLUMNS, "")
    base |= {
        "famille": "F1",
        "nom_foyer": "Durand",
        "habitant": "oui",
        "resp1_prenom": "Anne",
        "resp1_nom": "Durand",
        "resp1_lien": "mère",
        "resp1_adresse": "4 rue du Port",
        "resp1_cp": "99100",
        "resp1_ville": "Démo-sur-Mer",
        "resp1_tel": "06 11 11 11 11",
        "resp1_email": "anne.durand@example.fr",
        "qf": "820",
        "qf_source": "CAF",
        "qf_date": fr(today - timedelta(days=30)),
        "assurance_valable_jusquau": fr(SchoolYear.containing(today).last_day),
        "domicile_fourni_le": fr(today - timedelta(days=10)),
        "domicile_valable_jusquau": fr(today + timedelta(days=80)),
        "reglements": " | ".join(f"{code}:{accepted}" for code in REGULATIONS),
        "enfant_prenom": "Jules",
        "enfant_nom": "Durand",
        "enfant_naissance": "03/05/2018",
        "enfant_ecole": "PLAGE",
        "enfant_classe": "CE2",
        "enfant_vaccins_a_jour": "oui",
        "enfant_pai": "non",
    }
    return base | values
