"""The password policy: CNIL délibération 2022-100 (« cas n° 2 ») and OWASP ASVS, as a pure rule.

A password has 12 to 128 characters, counted as Unicode code points after NFC normalisation (so
« é » typed on any keyboard counts once); every character is allowed (accents, spaces, emoji)
and no composition rule is imposed. It must reach an estimated entropy of 50 bits, and it must
not rest on a common password or on a word of its context (the town, the portal, the family's
names, the e-mail address).

How the entropy is estimated
----------------------------
The estimate counts the guesses of an attacker who knows this policy and tries the obvious first.
It starts from the CNIL's own reckoning, ``log2(pool ** length)``, and makes it stricter:

1. *Known words are taken out.* The text is folded (accents removed, case ignored, œ → oe,
   look-alikes such as ``@ → a``, ``0 → o``, ``3 → e`` accepted, one separator ``-_.'’/`` or
   space allowed between letters and on either side) and every occurrence of a common password
   (``common_words()``: about 63,000 French and English passwords and words, « liverpool »,
   « chevalier », « soleil » among them), of a year (19xx, 20xx) or of a context word is taken
   out. A date of
   the context (a child's birth date) is looked for in every way people write it: 14/03/2018,
   14/03/18, 14/3/2018, 14032018, 140318, 2018-03-14, 14.03.2018... Each
   different word found is priced once however often it is repeated, as an attacker who tries
   the most common words first guesses it: a listed word ``log2(rank) + 1`` bits (its rank in
   the list, most common first, plus one bit for its capitalisation; 17 bits at most), a year
   ``YEAR_BITS`` (one of 200), a context word ``log2(number of context forms + 1) + 1``.
   « Marseille2026! » is worth « ! » plus two words, about 22 bits; « Chevalier2019! » about
   27.
2. *The rest is priced per character.* The pool is the sum of the sizes of the character classes
   seen in what remains: a-z 26, A-Z 26, 0-9 10, other ASCII (space included) 33, accented Latin
   letters 32, any other character (other scripts, emoji) 100. A character costs ``log2(pool)``.
3. *Predictable continuations are nearly free.* Within each remaining stretch, a character that
   repeats a block just seen (``aaaa``, ``abab``, ``kX9#kX9#``) or continues a run of three or
   more in an alphabet or along a keyboard row (``abcd``, ``4321``, ``azerty``, ``qsdf``) is not
   priced; each such run costs ``log2(1 + its length)`` bits instead (the attacker only guesses
   where it stops).

What this cannot see: whether a passphrase of ordinary words not in the list (« cheval agrafe
pile correct ») was drawn at random or is a quotation. Such a phrase is credited about 6 bits a
character, more than a dictionary attack needs (11 to 16 bits a word); the length of a phrase is
what keeps it out of reach, and the per-account throttling (SECURITY.md) does the rest. Only the
first ``MAX_LENGTH`` characters are analysed, which bounds the work on hostile input.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date

from attrs import frozen

from portail_core.domain.accounts.common_passwords import (
    LOOKALIKES,
    listed_word_bits,
    listed_words,
)

__all__ = [
    "MAX_LENGTH",
    "MIN_ENTROPY_BITS",
    "MIN_LENGTH",
    "NO_CONTEXT",
    "POLICY_TEXT",
    "YEAR_BITS",
    "PasswordContext",
    "PasswordVerdict",
    "check_password",
]

MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_ENTROPY_BITS = 50

POLICY_TEXT = (
    "Choisissez un mot de passe de 12 à 128 caractères. Tous les caractères sont permis "
    "(lettres accentuées, espaces, émojis) et aucune combinaison n'est imposée : une phrase de "
    "quelques mots sans lien entre eux est facile à retenir et difficile à deviner. Sont refusés "
    "les mots de passe courants, les suites (1234, azerty), les répétitions, ainsi que le nom de "
    "la commune, du portail ou de votre famille. Vous pouvez coller un mot de passe créé par un "
    "gestionnaire de mots de passe."
)

_TOO_EASY = (
    "Trop facile à deviner : évitez les mots courants, les suites (1234, azerty) "
    "et les répétitions."
)
_CONTEXT_WORD = "N'utilisez pas le nom de la commune, du portail ou de votre famille."

# The portal's own name is always a context word, whatever the caller gives.
_PORTAL_WORDS = ("Portail Famille",)

YEAR_BITS = math.log2(200)  # a year, 1900 to 2099, is one of 200

_POOL_SIZES = {
    "lower": 26,
    "upper": 26,
    "digit": 10,
    "ascii": 33,  # ASCII punctuation, symbols and space
    "accented": 32,  # Latin letters with diacritics, both cases (é, À, ç, ï, œ...)
    "other": 100,  # other scripts, emoji: a modest guess at what an attacker tries
}
_LONGEST_REPEATED_BLOCK = 8
_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "1234567890",  # the digit row, where 0 follows 9
    "azertyuiop",
    "qsdfghjklm",
    "wxcvbn",
    "&é\"'(-è_çà)=",  # the AZERTY digit row, unshifted
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "qwertzuiop",
    "yxcvbnm",
)
_SEQUENCE_POSITIONS = tuple({char: i for i, char in enumerate(s)} for s in _SEQUENCES)
_SEPARATOR = "[-_. '’/]?"
_YEAR = r"(?:19|20)[0-9]{2}"
_MIN_CONTEXT_WORD = 3  # a whole context word ("Roy", "Démo-sur-Mer")
_MIN_CONTEXT_PART = 4  # a part of one ("Dupont" in "Martin-Dupont"); shorter parts are too common


@frozen
class PasswordContext:
    """Words a password must not rest on: the town's name, the family's names, the e-mail; and
    dates (the children's birth dates), in any of their usual spellings.

    A word that is itself a date (« 2018-03-14 », « 14/03/2018 ») counts as that date.
    """

    words: tuple[str, ...] = ()
    dates: tuple[date, ...] = ()

    @classmethod
    def for_account(
        cls,
        *,
        commune_name: str,
        family_names: Iterable[str] = (),
        email: str | None = None,
        birth_dates: Iterable[date] = (),
    ) -> PasswordContext:
        """The context of a family's account (only the e-mail's local part is a word)."""
        words = [commune_name, *family_names]
        if email:
            words.append(email.rpartition("@")[0] or email)
        return cls(tuple(words), tuple(birth_dates))


NO_CONTEXT = PasswordContext()


@frozen
class PasswordVerdict:
    """Whether a password is accepted; if not, ``problems`` says why, in French."""

    accepted: bool
    entropy_bits: int
    problems: tuple[str, ...]


@frozen
class _Estimate:
    bits: int
    context_word_found: bool


def check_password(candidate: str, context: PasswordContext = NO_CONTEXT) -> PasswordVerdict:
    """Judge a candidate password against the policy; never raises on any text."""
    text = unicodedata.normalize("NFC", candidate)
    estimate = _estimate(text[:MAX_LENGTH], (*_PORTAL_WORDS, *context.words), context.dates)
    problems: list[str] = []
    if (missing := MIN_LENGTH - len(text)) > 0:
        problems.append(f"Au moins {MIN_LENGTH} caractères (il en manque {missing}).")
    elif (excess := len(text) - MAX_LENGTH) > 0:
        problems.append(f"Au plus {MAX_LENGTH} caractères ({excess} de trop).")
    if estimate.bits < MIN_ENTROPY_BITS:
        if estimate.context_word_found:
            problems.append(_CONTEXT_WORD)
        problems.append(_TOO_EASY)
    return PasswordVerdict(
        accepted=not problems, entropy_bits=estimate.bits, problems=tuple(problems)
    )


def _estimate(text: str, context_words: Sequence[str], dates: Sequence[date] = ()) -> _Estimate:
    folded, owners = _fold(text)
    common = listed_words(folded) + _matches(_YEAR_PATTERN, folded)
    forms = _context_forms(context_words, dates)
    context = _matches(_word_pattern(forms), folded)
    removed = [False] * len(text)
    for start, end in common + context:
        for position in range(start, end):
            removed[owners[position]] = True

    stretches = _stretches(text, removed)
    classes = {_character_class(char) for stretch in stretches for char in stretch}
    bits_per_character = math.log2(sum(_POOL_SIZES[name] for name in classes) or 1)
    # A context word is known to whoever targets this family: it costs only the choice among
    # the family's few words, not among a dictionary.
    context_word_bits = math.log2(len(forms) + 1) + 1
    bits = _words_bits(folded, common, context, context_word_bits)
    bits += sum(_stretch_bits(stretch, bits_per_character) for stretch in stretches)
    return _Estimate(bits=math.floor(bits), context_word_found=bool(context))


def _fold_character(char: str) -> str:
    """Lower case, accents and compatibility forms removed: « É » -> « e », « Œ » -> « oe »."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return bare.casefold().replace("œ", "oe").replace("æ", "ae")


def _fold(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the one it came from."""
    folded: list[str] = []
    owners: list[int] = []
    for index, char in enumerate(text):
        for piece in _fold_character(char):
            folded.append(piece)
            owners.append(index)
    return "".join(folded), owners


def _word_pattern(words: Iterable[str], *extra: str) -> re.Pattern[str] | None:
    """Every (overlapping) occurrence of any of the folded words, look-alikes allowed, one
    separator allowed between letters and on either side; longest words tried first."""
    alternatives = [
        _SEPARATOR.join(f"[{re.escape(LOOKALIKES.get(char, char))}]" for char in word)
        for word in sorted(set(words), key=len, reverse=True)
    ]
    alternatives.extend(extra)
    if not alternatives:
        return None
    return re.compile(f"(?=({_SEPARATOR}(?:{'|'.join(alternatives)}){_SEPARATOR}))")


_YEAR_PATTERN = _word_pattern((), _YEAR)


def _context_forms(words: Iterable[str], dates: Iterable[date] = ()) -> set[str]:
    """A context word as a whole (« demosurmer ») and its longer parts (« demo »); a date as
    its digits in every usual order and length (separators are matched like any other)."""
    forms: set[str] = set()
    for day in [*dates, *filter(None, map(_as_date, words))]:
        forms.update(_date_forms(day))
    for word in words:
        parts = re.findall(r"[^\W_]+", "".join(_fold_character(char) for char in word))
        whole = "".join(parts)
        if len(whole) >= _MIN_CONTEXT_WORD:
            forms.add(whole)
        forms.update(part for part in parts if len(part) >= _MIN_CONTEXT_PART)
    return forms


_ISO_DATE = re.compile(r"(\d{4})[-/. ](\d{1,2})[-/. ](\d{1,2})", re.ASCII)
_FRENCH_DATE = re.compile(r"(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})", re.ASCII)


def _as_date(word: str) -> date | None:
    """The date a context word spells (« 2018-03-14 », « 14/03/2018 »), if it is one."""
    text = word.strip()
    if iso := _ISO_DATE.fullmatch(text):
        year, month, day = iso.groups()
    elif french := _FRENCH_DATE.fullmatch(text):
        day, month, year = french.groups()
    else:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _date_forms(day: date) -> set[str]:
    """14 March 2018: 14032018, 140318, 1432018, 14318, 20180314, 180314."""
    year, short_year = f"{day.year:04d}", f"{day.year % 100:02d}"
    padded, bare = f"{day.day:02d}{day.month:02d}", f"{day.day}{day.month}"
    return {
        padded + year,
        padded + short_year,
        bare + year,
        bare + short_year,
        f"{year}{day.month:02d}{day.day:02d}",
        f"{short_year}{day.month:02d}{day.day:02d}",
    }


def _matches(pattern: re.Pattern[str] | None, folded: str) -> list[tuple[int, int]]:
    """The spans of every match, overlapping ones included."""
    if pattern is None:
        return []
    return [match.span(1) for match in pattern.finditer(folded)]


def _words_bits(
    folded: str,
    common: list[tuple[int, int]],
    context: list[tuple[int, int]],
    context_word_bits: float,
) -> float:
    """The price of the different words found (matches read left to right, longest first, a
    context word first at equal length, never overlapping); a word used again is not priced
    again (« soleilsoleil » is one guess)."""
    spans = [(start, end, True) for start, end in context]
    spans += [(start, end, False) for start, end in common]
    prices: dict[str, float] = {}
    end_of_last = 0
    for start, end, in_context in sorted(spans, key=lambda span: (span[0], -span[1], -span[2])):
        if start >= end_of_last:
            word = re.sub(_SEPARATOR, "", folded[start:end])
            price = context_word_bits if in_context else _listed_word_bits(word)
            prices[word] = min(price, prices.get(word, price))
            end_of_last = end
    return sum(prices.values())


def _listed_word_bits(word: str) -> float:
    """``listed_word_bits`` for a listed word, ``YEAR_BITS`` for a year, the cheaper of both."""
    bits = listed_word_bits(word)
    return min(bits, YEAR_BITS) if re.fullmatch(_YEAR, word) else bits


def _character_class(char: str) -> str:
    if char.isascii():
        if char.islower():
            return "lower"
        if char.isupper():
            return "upper"
        return "digit" if char.isdigit() else "ascii"
    base = unicodedata.normalize("NFD", char)[0]
    if (char.isalpha() and base.isascii() and base.isalpha()) or char in "œŒæÆ":
        return "accented"
    return "other"


def _stretches(text: str, removed: list[bool]) -> list[str]:
    """The maximal stretches of text left between removed words."""
    stretches: list[str] = []
    current: list[str] = []
    for char, gone in zip(text, removed, strict=True):
        if gone:
            if current:
                stretches.append("".join(current))
            current = []
        else:
            current.append(char)
    if current:
        stretches.append("".join(current))
    return stretches


def _stretch_bits(stretch: str, bits_per_character: float) -> float:
    """Full price for each unpredictable character, log2(1 + length) for each predictable run."""
    keys = [folded if len(folded := char.casefold()) == 1 else char for char in stretch]
    predictable = _predictable(keys)
    bits = 0.0
    run = 0
    for is_predictable in predictable:
        if is_predictable:
            run += 1
            continue
        bits += math.log2(1 + run) + bits_per_character  # log2(1) = 0 when no run ends here
        run = 0
    return bits + math.log2(1 + run)


def _predictable(keys: Sequence[str]) -> list[bool]:
    """Which characters repeat a block just seen or continue a sequence of three or more."""
    predictable = [False] * len(keys)
    for period in range(1, _LONGEST_REPEATED_BLOCK + 1):
        repeats = [keys[i] == keys[i - period] for i in range(period, len(keys))]
        _mark_long_runs(predictable, repeats, offset=period, shortest=period)
    for positions in _SEQUENCE_POSITIONS:
        for step in (1, -1):
            follows = [
                keys[i - 1] in positions and positions.get(keys[i]) == positions[keys[i - 1]] + step
                for i in range(1, len(keys))
            ]
            _mark_long_runs(predictable, follows, offset=1, shortest=2)
    return predictable


def _mark_long_runs(marks: list[bool], flags: list[bool], *, offset: int, shortest: int) -> None:
    """Set ``marks[offset + i]`` for each ``i`` in a run of at least ``shortest`` true flags."""
    start = 0
    for i, flag in enumerate([*flags, False]):
        if not flag:
            if i - start >= shortest:
                for j in range(start, i):
                    marks[offset + j] = True
            start = i + 1
