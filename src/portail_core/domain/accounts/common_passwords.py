"""The common passwords and words the password policy refuses to rest on
(``passwords.check_password``), and how they are found in a password and priced.

The list is ``common_words.txt`` beside this module: about 63,000 French and English passwords
and words, the most common first, read once, on the first password checked (a tenth of a
second). Where the words come from, and under which licences, is said at the head of the file;
how it is built, in docs/tools/build_common_words.py.

A listed word is found in the folded password (lower case, no accents) look-alikes and all
(« L1v3rp00l » is « liverpool »), with one separator allowed between its letters and on either
side; it costs what an attacker trying the most common words first spends on it:
``log2(rank) + 1`` bits (which word, and its capitalisation), 17 bits at most.
"""

from __future__ import annotations

import functools
import itertools
import math
from importlib.resources import files

__all__ = [
    "DICTIONARY_WORD_BITS",
    "LISTED_WORDS_CEILING",
    "LOOKALIKES",
    "SEPARATORS",
    "common_words",
    "listed_word_bits",
    "listed_words",
]

_FILE = "common_words.txt"
LISTED_WORDS_CEILING = 65_536  # the list holds at most this many words
DICTIONARY_WORD_BITS = math.log2(LISTED_WORDS_CEILING) + 1  # the price of the rarest listed word
LOOKALIKES = {
    "a": "a@4",
    "b": "b8",
    "e": "e3€",
    "g": "g9",
    "i": "i1!|",
    "l": "l1|",
    "o": "o0",
    "s": "s5$",
    "t": "t7+",
}
SEPARATORS = "-_. '’/"
_SHORTEST, _LONGEST = 4, 24
# One letter for each look-alike class (« 1 », « ! », « | » and « l » all read as « i »), so that
# a listed word is found by one look-up in a dictionary, look-alikes and all.
_LOOKALIKE_KEY = str.maketrans(
    {
        alike: "i" if letter == "l" else letter
        for letter, alikes in LOOKALIKES.items()
        for alike in alikes
    }
)


@functools.cache
def common_words() -> tuple[str, ...]:
    """The listed words, the most common first (folded: lower case, no accents)."""
    text = files(__package__ or __name__).joinpath(_FILE).read_text("utf-8")
    return tuple(
        word for line in text.splitlines() if (word := line.strip()) and not word.startswith("#")
    )


@functools.cache
def _ranks() -> dict[str, int]:
    """Each listed word's look-alike key and its rank (1 for the most common)."""
    ranks: dict[str, int] = {}
    for rank, word in enumerate(common_words(), start=1):
        ranks.setdefault(word.translate(_LOOKALIKE_KEY), rank)
    return ranks


def listed_word_bits(word: str) -> float:
    """``log2(rank) + 1`` for a listed word (separators taken out), ``DICTIONARY_WORD_BITS``
    for any other."""
    rank = _ranks().get(word.translate(_LOOKALIKE_KEY))
    return DICTIONARY_WORD_BITS if rank is None else math.log2(rank) + 1


def listed_words(folded: str) -> list[tuple[int, int]]:
    """The spans of the listed words in the folded text: at each position the longest listed
    word starting there, with the separator on either side when there is one (a word after a
    separator is found from both, as the policy's regular expressions find context words)."""
    letters = [i for i, char in enumerate(folded) if char not in SEPARATORS]
    key = "".join(folded[i] for i in letters).translate(_LOOKALIKE_KEY)
    ranks = _ranks()
    spans: list[tuple[int, int]] = []
    for start in range(len(letters)):
        for end in range(min(len(letters), start + _LONGEST), start + _SHORTEST - 1, -1):
            if key[start:end] in ranks and _one_separator_apart(letters[start:end]):
                spans.extend(_with_separators(folded, letters[start], letters[end - 1] + 1))
                break
    return spans


def _one_separator_apart(positions: list[int]) -> bool:
    return all(after - before <= 2 for before, after in itertools.pairwise(positions))


def _with_separators(folded: str, start: int, end: int) -> list[tuple[int, int]]:
    if end < len(folded) and folded[end] in SEPARATORS:
        end += 1
    if start > 0 and folded[start - 1] in SEPARATORS:
        return [(start - 1, end), (start, end)]
    return [(start, end)]
