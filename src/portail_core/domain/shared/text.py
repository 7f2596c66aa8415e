"""The one rule for text that enters the portal, and the cleaning of what people type.

Every text that enters the system is held to one rule, ``refused_character``: a field of a web
form, a part of a URL, an option of a command, a line of a file the desk loads (commune file,
family TOML or CSV, pointage CSV), a payment's reference, a SEPA account holder. Refused:

- control characters (Unicode category Cc: C0 U+0000–U+001F, DEL, C1 U+0080–U+009F), NUL
  first of all; only the tab, and the line breaks (CR, LF) where a text may have several
  lines, are allowed (``LINE``, ``LINES``);
- format characters (category Cf): the bidirectional overrides, embeddings and isolates
  (U+202A–U+202E, U+2066–U+2069) and marks (U+200E, U+200F, U+061C), which make a text read
  otherwise than it is (« facture\\u202efdp.exe » shows as « factureexe.pdf »), the zero-width
  characters (U+200B–U+200D, U+2060, U+FEFF), the soft hyphen: invisible, they make two
  names that look alike differ. The portal's texts (French names, addresses, references,
  notes) need none of them; passwords are the one exception (never shown, any character);
- the line and paragraph separators (U+2028, U+2029): a line break is CR or LF;
- lone surrogates, private-use characters and the noncharacters (U+FFFE, U+FDD0...).

``refusal`` says in French which character was refused; the readers of each entry (the core's
``InputReader``, the web's URL converter, the command line's arguments, ``check_file_text`` for
files) use it. Texts kept are in Unicode NFC (one spelling for « é », however it was typed).
"""

from __future__ import annotations

import re
import unicodedata

from portail_core.errors import InvalidInput

__all__ = [
    "LINE",
    "LINES",
    "check_file_text",
    "clean_line",
    "clean_text",
    "control_character",
    "describe_character",
    "has_control_characters",
    "printable",
    "refusal",
    "refused_character",
]

LINE = "\t"  # allowed in one line of text (folded into a space)
LINES = "\t\n\r"  # allowed in text of several lines

_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
# Characters of none of those categories: printable ASCII, French letters, usual signs.
_PLAIN = re.compile("[\x20-\x7eÀ-ÖØ-öø-ÿŒœ«»°’–—€]*")
_CONTROL_NAMES = {
    "\x00": "caractère nul",
    "\t": "tabulation",
    "\n": "retour à la ligne",
    "\r": "retour chariot",
    "\x1b": "échappement",
    "\x7f": "suppression",
}
MAX_FILE_PROBLEMS = 20


def _is_noncharacter(char: str) -> bool:
    point = ord(char)
    return 0xFDD0 <= point <= 0xFDEF or (point & 0xFFFE) == 0xFFFE


def _refused(char: str, allow: str) -> bool:
    if char in allow:
        return False
    return unicodedata.category(char) in _REFUSED_CATEGORIES or _is_noncharacter(char)


def refused_character(text: str, *, allow: str = "") -> str | None:
    """The first character of ``text`` the rule refuses, or None. ``allow`` lists the
    controls allowed here: ``LINE`` (the tab) in one line, ``LINES`` in several."""
    if _PLAIN.fullmatch(text):  # the usual case, decided at C speed (an import's thousands)
        return None
    return next((char for char in text if _refused(char, allow)), None)


def control_character(text: str, *, allow: str = "") -> str | None:
    """The first control character (Cc, or a lone surrogate) of ``text`` not in ``allow``: the
    part of the rule no keyboard can break, which the web checks in every field at once."""
    return next(
        (c for c in text if c not in allow and unicodedata.category(c) in {"Cc", "Cs"}), None
    )


def has_control_characters(text: str) -> bool:
    """Whether ``text`` holds a character the rule refuses, the tab and line breaks included
    (an identifier, an address in a URL)."""
    return refused_character(text) is not None


def describe_character(char: str) -> str:
    """« U+202E (caractère invisible de mise en forme) », « U+0000 (caractère nul) »."""
    code = f"U+{ord(char):04X}"
    if char in _CONTROL_NAMES:
        return f"{code} ({_CONTROL_NAMES[char]})"
    category = unicodedata.category(char)
    if category == "Cc":
        kind = "caractère de contrôle"
    elif category == "Cf":
        kind = "caractère invisible de mise en forme"
    elif category in {"Zl", "Zp"}:
        kind = "séparateur de ligne"
    else:
        kind = "caractère non imprimable"
    return f"{code} ({kind})"


def refusal(char: str) -> str:
    """The French message for a refused character."""
    return (
        f"Caractère invisible ou de contrôle refusé : {describe_character(char)}. "
        "Retapez ce texte au clavier plutôt que de le copier-coller."
    )


def clean_line(text: str) -> str | None:
    """One line of text with its spaces folded (NFC), or None if the rule refuses it (a tab
    is a space; a line break is refused)."""
    if refused_character(text, allow=LINE) is not None:
        return None
    return " ".join(unicodedata.normalize("NFC", text).split())


def clean_text(text: str) -> str | None:
    """Several lines of text, each with its spaces folded; None if the rule refuses it (line
    breaks and tabs are allowed)."""
    if refused_character(text, allow=LINES) is not None:
        return None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cleaned = [clean_line(line) or "" for line in lines]
    return "\n".join(cleaned).strip("\n")


def check_file_text(text: str) -> None:
    """Refuse a file (commune file, family TOML or CSV, pointage CSV) holding a character
    the rule refuses, each one located by its line (a byte-order mark at the very start is
    allowed: spreadsheets write one)."""
    body = text.removeprefix("\ufeff")
    problems: dict[str, str] = {}
    for number, line in enumerate(body.split("\n"), start=1):
        char = refused_character(line, allow=LINES)
        if char is not None:
            problems[f"ligne {number}"] = refusal(char)
            if len(problems) >= MAX_FILE_PROBLEMS:
                break
    if problems:
        raise InvalidInput(
            "Le fichier contient des caractères invisibles ou de contrôle : rien n'est chargé "
            "ni enregistré.",
            problems,
        )


def printable(text: str, limit: int = 200) -> str:
    """Untrusted text made safe to store and show (audit trail, messages): every character
    the rule refuses (tab and line breaks included) becomes U+FFFD, the length is capped."""
    return "".join("\ufffd" if _refused(char, "") else char for char in text[:limit])
