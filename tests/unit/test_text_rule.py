"""The one rule for text entering the portal (domain.shared.text): properties over any text,
the named characters, and its use by the core's readers (names, addresses, payment references,
SEPA holders, free text)."""

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portail_core.domain.dossiers.guardians import Guardian
from portail_core.domain.payments.direct_debit import SepaMandate
from portail_core.domain.shared.raw_input import InputReader
from portail_core.domain.shared.text import (
    LINE,
    LINES,
    check_file_text,
    clean_line,
    clean_text,
    control_character,
    printable,
    refusal,
    refused_character,
)
from portail_core.errors import InvalidInput

# What the issue names: NUL, C0 and C1 controls, bidi overrides and isolates, zero-width and
# other format characters, line and paragraph separators.
NAMED = [
    "\x00",
    "\x01",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9f",
    *map(chr, range(0x202A, 0x202F)),  # LRE, RLE, PDF, LRO, RLO
    *map(chr, range(0x2066, 0x206A)),  # LRI, RLI, FSI, PDI
    "\u200b",  # zero width space
    "\u200c",  # zero width non-joiner
    "\u200d",  # zero width joiner
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u061c",  # Arabic letter mark
    "\u2060",  # word joiner
    "\ufeff",  # zero width no-break space (BOM)
    "\u00ad",  # soft hyphen
    "\u2028",  # line separator
    "\u2029",  # paragraph separator
    "\ufffe",  # a noncharacter
    "\ue000",  # private use
]
REFUSED_CATEGORIES = ["Cc", "Cf", "Cs", "Co", "Zl", "Zp"]
refused = st.one_of(
    st.sampled_from(NAMED),
    st.characters(categories=REFUSED_CATEGORIES, exclude_characters=LINES),
)
ordinary = st.text(st.characters(exclude_categories=[*REFUSED_CATEGORIES, "Cn"]), max_size=40)
anything = st.text(max_size=40)


@pytest.mark.parametrize("char", NAMED)
def test_every_named_character_is_refused_in_a_line_and_in_several(char: str) -> None:
    assert refused_character(f"Dupont{char}", allow=LINE) == char
    assert refused_character(f"ligne\n{char}", allow=LINES) == char
    assert clean_line(f"Mar{char}tin") is None
    assert clean_text(f"arachide\n{char}") is None


def test_french_text_is_kept_typographic_spaces_and_apostrophes_included() -> None:
    text = "Œuvre d’Ève « Noël » à 12 h — Ñandú ß Łódź 🐈"
    assert refused_character(text) is None
    assert clean_line(text) == text
    assert clean_line("Jean\u00a0-\u202fPierre\tDupont") == "Jean - Pierre Dupont"


def test_a_tab_is_a_space_in_a_line_line_breaks_only_in_several() -> None:
    assert clean_line("a\tb") == "a b"
    assert clean_line("a\nb") is None
    assert clean_text("a\r\nb\rc") == "a\nb\nc"


@given(ordinary)
def test_text_without_refused_characters_is_accepted_and_cleaned_once(text: str) -> None:
    assert refused_character(text) is None
    cleaned = clean_line(text)
    assert cleaned is not None
    assert clean_line(cleaned) == cleaned
    assert unicodedata.is_normalized("NFC", cleaned)


@given(ordinary, ordinary, refused)
def test_one_refused_character_anywhere_refuses_the_text_at_every_entry(
    before: str, after: str, char: str
) -> None:
    text = before + char + after
    assert refused_character(text, allow=LINES) is not None
    assert clean_line(text) is None
    assert clean_text(text) is None
    reader = InputReader()
    reader.line("name", text, "obligatoire", max_length=1000)
    reader.text("notes", text, "trop long", max_length=1000)
    shown = f"U+{ord(refused_character(text, allow=LINES) or ''):04X}"
    assert shown in reader.problems["name"]
    assert shown in reader.problems["notes"]
    with pytest.raises(InvalidInput) as caught:
        check_file_text(f"première ligne\n{text}\n")
    assert caught.value.problems is not None
    assert list(caught.value.problems) == ["ligne 2"]


@given(anything)
def test_whatever_is_accepted_holds_no_refused_character(text: str) -> None:
    for kept in (clean_line(text), clean_text(text)):
        if kept is not None:
            assert all(refused_character(c, allow="\n") is None for c in kept)
    shown = printable(text)
    assert refused_character(shown) is None
    if refused_character(text) is None:
        assert shown == text[:200]
    if control_character(text, allow=LINES) is not None:
        assert refused_character(text, allow=LINES) is not None  # controls are part of the rule


def test_the_refusal_names_the_character_in_french() -> None:
    assert refusal("\u202e") == (
        "Caractère invisible ou de contrôle refusé : U+202E (caractère invisible de mise en "
        "forme). Retapez ce texte au clavier plutôt que de le copier-coller."
    )
    assert "U+0000 (caractère nul)" in refusal("\x00")


def test_a_file_may_start_with_a_byte_order_mark_but_not_hold_one_elsewhere() -> None:
    check_file_text("\ufeffchild_id,unit,presence\n1,MATIN,P\r\n")
    with pytest.raises(InvalidInput) as caught:
        check_file_text("a\nb\n\ufeffc")
    assert caught.value.problems == {"ligne 3": refusal("\ufeff")}


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\x00", "\u2066"])
def test_names_addresses_and_emails_refuse_invisible_characters(char: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Guardian.create(
            first_name=f"Clai{char}re",
            last_name="Martin",
            relationship="mère",
            street=f"3 rue{char} des Pins",
            postcode="40200",
            city="Mimizan",
            email=f"claire{char}@exemple.fr",
        )
    problems = caught.value.problems or {}
    assert {"first_name", "street", "email"} <= set(problems)
    assert all(f"U+{ord(char):04X}" in problems[f] for f in ("first_name", "street", "email"))


@pytest.mark.parametrize("char", ["\u202e", "\u2067", "\u200d", "\x00"])
def test_a_sepa_holder_with_an_invisible_character_is_refused(char: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        SepaMandate.create(
            holder=f"Claire {char}Martin",
            iban="FR7630006000011234567890189",
            rum="PF-000001-20260915",
            signed_on="15/09/2026",
            today=date(2026, 9, 20),
        )
    assert (caught.value.problems or {}).keys() == {"holder"}
    assert f"U+{ord(char):04X}" in (caught.value.problems or {})["holder"]
