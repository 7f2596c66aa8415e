"""The 14 allergens that EU regulation 1169/2011 (annex II) requires to be declared, as the
canteen's menus name them and as a child's dossier lists those it must avoid.

A cell of a file or a checkbox names one by its code (« fruits_a_coque ») or its French name,
written with or without accents, capitals, « œ » or the plural (« Œufs », « oeuf », « fruits à
coque », « arachide »): ``parse_allergen`` reads them all.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable

__all__ = ["Allergen", "allergens_fr", "parse_allergen"]


class Allergen(enum.Enum):
    """In the order of the regulation's annex II."""

    GLUTEN = "gluten"
    CRUSTACEANS = "crustaces"
    EGGS = "oeufs"
    FISH = "poisson"
    PEANUTS = "arachides"
    SOYBEANS = "soja"
    MILK = "lait"
    NUTS = "fruits_a_coque"
    CELERY = "celeri"
    MUSTARD = "moutarde"
    SESAME = "sesame"
    SULPHITES = "sulfites"
    LUPIN = "lupin"
    MOLLUSCS = "mollusques"

    @property
    def label(self) -> str:
        """The short French name a menu shows (« gluten », « fruits à coque »)."""
        return _LABELS[self]

    @property
    def description(self) -> str:
        """What the regulation means by it, for a hint next to a checkbox."""
        return _DESCRIPTIONS.get(self, "")


_LABELS = {
    Allergen.GLUTEN: "gluten",
    Allergen.CRUSTACEANS: "crustacés",
    Allergen.EGGS: "œufs",
    Allergen.FISH: "poisson",
    Allergen.PEANUTS: "arachides",
    Allergen.SOYBEANS: "soja",
    Allergen.MILK: "lait",
    Allergen.NUTS: "fruits à coque",
    Allergen.CELERY: "céleri",
    Allergen.MUSTARD: "moutarde",
    Allergen.SESAME: "sésame",
    Allergen.SULPHITES: "sulfites",
    Allergen.LUPIN: "lupin",
    Allergen.MOLLUSCS: "mollusques",
}
_DESCRIPTIONS = {
    Allergen.GLUTEN: "céréales contenant du gluten : blé, seigle, orge, avoine, épeautre",
    Allergen.NUTS: "amandes, noisettes, noix, noix de cajou, de pécan, du Brésil, pistaches…",
    Allergen.SULPHITES: "anhydride sulfureux et sulfites (plus de 10 mg/kg)",
    Allergen.SESAME: "graines de sésame",
}
# Other ways a cell names one, once simplified (no accent, « œ » as « oe », « _ » as space).
_ALIASES = {
    "cereales": Allergen.GLUTEN,
    "cereales contenant du gluten": Allergen.GLUTEN,
    "crustace": Allergen.CRUSTACEANS,
    "oeuf": Allergen.EGGS,
    "poissons": Allergen.FISH,
    "arachide": Allergen.PEANUTS,
    "cacahuete": Allergen.PEANUTS,
    "cacahuetes": Allergen.PEANUTS,
    "fruit a coque": Allergen.NUTS,
    "fruits a coques": Allergen.NUTS,
    "graines de sesame": Allergen.SESAME,
    "sulfite": Allergen.SULPHITES,
    "anhydride sulfureux": Allergen.SULPHITES,
    "anhydride sulfureux et sulfites": Allergen.SULPHITES,
    "mollusque": Allergen.MOLLUSCS,
}


def _simplified(text: str) -> str:
    lowered = text.strip().lower().replace("œ", "oe").replace("_", " ").replace("-", " ")
    decomposed = unicodedata.normalize("NFKD", lowered)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())


_KNOWN = {_simplified(a.value): a for a in Allergen} | {_simplified(a.label): a for a in Allergen}
_KNOWN |= _ALIASES


def parse_allergen(text: str) -> Allergen | None:
    """The allergen a person named, or None when it is not one of the 14."""
    return _KNOWN.get(_simplified(text))


def allergens_fr(allergens: Iterable[Allergen]) -> str:
    """« gluten, lait, œufs » in the regulation's order; empty when there are none."""
    chosen = set(allergens)
    return ", ".join(a.label for a in Allergen if a in chosen)
