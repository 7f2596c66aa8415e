"""The levels of the French école primaire, and the level a child's birth date gives.

A child enters petite section (PS) in the September of the year it turns three, so a child born
in year Y is in PS in the school year starting in Y+3, in CP at Y+6 and in CM2 at Y+10 (the
« année civile de naissance » rule of the Éducation nationale). Toute petite section (TPS), at
Y+2, is offered by some schools only: whether a request for it is taken is not decided here.
"""

from __future__ import annotations

import enum
from datetime import date

from portail_core.domain.dossiers.completeness import SchoolYear
from portail_core.errors import InvalidInput

__all__ = ["LEVELS", "SchoolLevel", "level_for", "parse_level"]


class SchoolLevel(enum.Enum):
    TPS = "TPS"
    PS = "PS"
    MS = "MS"
    GS = "GS"
    CP = "CP"
    CE1 = "CE1"
    CE2 = "CE2"
    CM1 = "CM1"
    CM2 = "CM2"

    @property
    def label(self) -> str:
        """« Petite section (PS) »"""
        return f"{_LABELS[self]} ({self.value})"

    @property
    def rank(self) -> int:
        """0 for TPS ... 8 for CM2: the school order."""
        return LEVELS.index(self)

    @property
    def stage(self) -> str:
        """« maternelle » (TPS to GS) or « élémentaire » (CP to CM2)."""
        return "maternelle" if self.rank <= SchoolLevel.GS.rank else "élémentaire"


_LABELS = {
    SchoolLevel.TPS: "Toute petite section",
    SchoolLevel.PS: "Petite section",
    SchoolLevel.MS: "Moyenne section",
    SchoolLevel.GS: "Grande section",
    SchoolLevel.CP: "Cours préparatoire",
    SchoolLevel.CE1: "Cours élémentaire 1re année",
    SchoolLevel.CE2: "Cours élémentaire 2e année",
    SchoolLevel.CM1: "Cours moyen 1re année",
    SchoolLevel.CM2: "Cours moyen 2e année",
}
LEVELS: tuple[SchoolLevel, ...] = tuple(SchoolLevel)
_TPS_AGE = 2  # the year of the school year's start minus the year of birth, for TPS


def parse_level(text: str) -> SchoolLevel:
    """« cp », « CE1 » → the level; InvalidInput (on « level ») for anything else."""
    try:
        return SchoolLevel(text.strip().upper())
    except ValueError:
        known = ", ".join(level.value for level in LEVELS)
        message = f"Niveau inconnu : « {text.strip()[:20]} ». Les niveaux sont : {known}."
        raise InvalidInput(message, {"level": message}) from None


def level_for(birth_date: date, school_year: SchoolYear) -> SchoolLevel:
    """The level of a child born on ``birth_date`` during ``school_year`` (TPS at Y+2, PS at Y+3,
    CP at Y+6, CM2 at Y+10); InvalidInput (on « birth_date ») when it is too young or past CM2."""
    offset = school_year.start - birth_date.year - _TPS_AGE
    if offset < 0:
        message = (
            f"Un enfant né en {birth_date.year} est trop jeune pour l'école en {school_year} : "
            f"il pourra entrer en petite section en septembre {birth_date.year + 3}."
        )
        raise InvalidInput(message, {"birth_date": message})
    if offset >= len(LEVELS):
        message = (
            f"Un enfant né en {birth_date.year} a passé l'âge de l'école primaire en "
            f"{school_year} (le CM2 est pour les enfants nés en {school_year.start - 10})."
        )
        raise InvalidInput(message, {"birth_date": message})
    return LEVELS[offset]
