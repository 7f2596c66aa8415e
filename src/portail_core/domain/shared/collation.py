"""Names in French order, as the desk files them: accents and case do not count."""

from __future__ import annotations

import unicodedata

__all__ = ["french_sort_key"]


def french_sort_key(text: str) -> str:
    """ "Émile" files between "Elise" and "Fanny", not after "Zoé" as code points would."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
