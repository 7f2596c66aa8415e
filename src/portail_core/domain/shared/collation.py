"""Names in French order, as the desk files them, the one order of every list of families and
children (the family list, billing, attendance sheets).

First the letters and digits alone: accents, case, spaces, apostrophes and hyphens of every
kind do not count (« D’Almeida » files as « dalmeida », before « Dupont »), ligatures count as
their letters (« Œ » as « oe », « Æ » as « ae », « ß » as « ss ») and letters with a stroke as
their base letter (« Ø » as « o », « Ł » as « l », « Đ » as « d »), so that none of them files
after « Z ». Names equal so far are then told apart by their accents (« Cote » before
« Côte »), then by their spelling as typed, so that the order is total and stable.
"""

from __future__ import annotations

import unicodedata

__all__ = ["french_sort_key"]

# Letters Unicode does not decompose into a base letter and a mark (casefolded forms).
_BASE_LETTERS = str.maketrans(
    {
        "œ": "oe",
        "æ": "ae",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ħ": "h",
        "ı": "i",
        "ŧ": "t",
        "ƀ": "b",
        "ɨ": "i",
        "ʉ": "u",
        "ƶ": "z",
        "ĸ": "k",
        "ŋ": "n",
        "\u02bc": "",  # the modifier letter apostrophe, a letter for Unicode, not for a name
    }
)


def _letters(text: str) -> str:
    """Casefolded letters and digits, ligatures expanded, accents kept (NFC)."""
    folded = unicodedata.normalize("NFC", text.casefold().translate(_BASE_LETTERS))
    return "".join(char for char in folded if char.isalnum())


def french_sort_key(text: str) -> str:
    """ "Émile" files between "Elise" and "Fanny", "Œillet" among the O, not after "Zoé" as
    code points would. A string, so that it can also be stored in a column."""
    accented = _letters(text)
    decomposed = unicodedata.normalize("NFKD", accented)
    plain = "".join(char for char in decomposed if char.isalnum())
    # A space sorts before every letter and digit: "Martin" before "Martinez".
    return f"{plain} {accented} {text}"
