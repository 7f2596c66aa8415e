import math
import re
import string
import time
import unicodedata
from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portail_core.domain.accounts.common_passwords import (
    DICTIONARY_WORD_BITS,
    LISTED_WORDS_CEILING,
    common_words,
)
from portail_core.domain.accounts.passwords import (
    MAX_LENGTH,
    MIN_ENTROPY_BITS,
    MIN_LENGTH,
    POLICY_TEXT,
    YEAR_BITS,
    PasswordContext,
    check_password,
)

TOO_EASY = (
    "Trop facile à deviner : évitez les mots courants, les suites (1234, azerty) "
    "et les répétitions."
)
CONTEXT_WORD = "N'utilisez pas le nom de la commune, du portail ou de votre famille."
FRENCH_PROBLEMS = re.compile(
    r"Au moins 12 caractères \(il en manque \d+\)\."
    r"|Au plus 128 caractères \(\d+ de trop\)\."
    rf"|{re.escape(TOO_EASY)}|{re.escape(CONTEXT_WORD)}"
)
DEMO_SUR_MER = PasswordContext(("Démo-sur-Mer",))
RANDOM_16 = "kX9#mQ2$vL7!pR4@"
COMMON_PASSWORDS = common_words()

digits = st.text(alphabet=string.digits, max_size=4)
symbols = st.text(alphabet="!?#%&*.-_+=", max_size=2)


def is_refused_for(candidate: str, *problems: str, context: PasswordContext | None = None) -> bool:
    verdict = check_password(candidate, context or PasswordContext())
    return not verdict.accepted and verdict.problems == problems


@pytest.mark.parametrize(
    ("candidate", "context"),
    [
        ("cheval agrafe pile correct", PasswordContext()),
        ("Mon chat 🐈 dort sur le radiateur", PasswordContext()),
        (RANDOM_16, PasswordContext()),
        ("Ma tante Ursule aime les pruneaux", DEMO_SUR_MER),
        ("Démo-sur-Mer : kX9#mQ2$vL7!", DEMO_SUR_MER),
        ("ÉLÉPHANT rose, cafetière bleue", PasswordContext()),
        ("пароль-очень-длинный-и-странный", PasswordContext()),
    ],
)
def test_long_phrases_and_random_passwords_are_accepted(
    candidate: str, context: PasswordContext
) -> None:
    verdict = check_password(candidate, context)
    assert verdict.accepted
    assert verdict.problems == ()
    assert verdict.entropy_bits >= MIN_ENTROPY_BITS


@pytest.mark.parametrize(
    "candidate",
    [
        "motdepasse123",
        "Azertyuiop1!",
        "aaaaaaaaaaaaaaaa",
        "123456789012",
        "M0tD3P@sse!!",
        "1nscr1pt10n!",
        "P@ssw0rd2026!",
        "Soleil-Marseille-2026",
        "Jetaime1234!",
        "789456123789",
        "azertyqsdfgh",
        "abcdefghijklmnopqrstuvwxyz",
        "ZYXWVUTSRQPONMLK",
        "soleilsoleilsoleilsoleil",
        "kX9#" * 8,
    ],
)
def test_common_words_sequences_and_repetitions_are_refused_as_too_easy(candidate: str) -> None:
    assert is_refused_for(candidate, TOO_EASY)


def test_the_portal_name_is_refused_without_being_told() -> None:
    assert is_refused_for("Portail2026!!", CONTEXT_WORD, TOO_EASY)
    assert is_refused_for("famille-1789-?", CONTEXT_WORD, TOO_EASY)


@pytest.mark.parametrize(
    "candidate", ["DemoSurMer2026!", "demo-sur-mer 2026", "DÉMO SUR MER 75!", "D3m0-sur-Mer!!!"]
)
def test_the_town_name_is_refused_whatever_its_accents_case_and_hyphens(candidate: str) -> None:
    assert is_refused_for(candidate, CONTEXT_WORD, TOO_EASY, context=DEMO_SUR_MER)


def test_the_same_password_is_accepted_in_another_town() -> None:
    assert check_password("DemoSurMer2026!").accepted
    assert not check_password("DemoSurMer2026!", DEMO_SUR_MER).accepted


def test_an_account_context_holds_the_town_the_family_and_the_e_mail_local_part() -> None:
    context = PasswordContext.for_account(
        commune_name="Démo-sur-Mer",
        family_names=("Martin-Dupont", "N'Diaye", "Weiß"),
        email="jean.leroy@exemple.fr",
    )
    assert context.words == ("Démo-sur-Mer", "Martin-Dupont", "N'Diaye", "Weiß", "jean.leroy")
    for candidate in (
        "Dupont_2026!!",
        "ndiaye.1984!?",
        "Jean.Leroy77?",
        "MartinDupont%3",
        "WEISS#1957?!",
    ):
        assert is_refused_for(candidate, CONTEXT_WORD, TOO_EASY, context=context)
    # the e-mail's domain is no clue (« exemple » and « nord » are common words all the same)
    assert CONTEXT_WORD not in check_password("Exemple-Nord!!", context).problems
    assert check_password("Exemple-Nord!! 7kQz", context).accepted


BIRTH = date(2018, 3, 14)


@pytest.mark.parametrize(
    "written",
    [
        "14/03/2018",
        "14/03/18",
        "14/3/2018",
        "14/3/18",
        "14032018",
        "140318",
        "2018-03-14",
        "2018/03/14",
        "14.03.2018",
        "14-03-2018",
        "14 03 2018",
    ],
)
def test_a_childs_birth_date_is_a_context_word_however_it_is_written(written: str) -> None:
    candidate = f"kq{written}wvpz"
    assert check_password(candidate).accepted  # in another family's context, it would pass
    for context in (
        PasswordContext(dates=(BIRTH,)),
        PasswordContext(("2018-03-14",)),  # a date given as a word, in either spelling
        PasswordContext(("14/03/2018",)),
        PasswordContext.for_account(commune_name="Démo-sur-Mer", birth_dates=[BIRTH]),
    ):
        assert is_refused_for(candidate, CONTEXT_WORD, TOO_EASY, context=context)


def test_another_date_or_an_impossible_one_is_not_a_context_word() -> None:
    assert check_password("kq15/03/2018wvpz", PasswordContext(dates=(BIRTH,))).accepted
    assert check_password("kq31/02/18wvpz", PasswordContext(("31/02/2018",))).accepted


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)), symbols)
def test_any_birth_date_written_the_french_way_is_refused(day: date, signs: str) -> None:
    for spelling in ("%d/%m/%Y", "%d/%m/%y", "%d%m%Y"):
        verdict = check_password(
            f"Zk{day.strftime(spelling)}{signs}", PasswordContext(dates=(day,))
        )
        assert not verdict.accepted
        assert CONTEXT_WORD in verdict.problems


def test_eleven_random_characters_are_one_too_few() -> None:
    assert is_refused_for(RANDOM_16[:11], "Au moins 12 caractères (il en manque 1).")


def test_129_characters_are_one_too_many_and_128_are_enough() -> None:
    phrase = "Le vieux phare de la pointe clignote trois fois puis se tait ; "  # 63 characters
    assert check_password((phrase * 3)[:MAX_LENGTH]).accepted
    assert is_refused_for((phrase * 3)[: MAX_LENGTH + 1], "Au plus 128 caractères (1 de trop).")


def test_the_length_is_counted_in_code_points_after_nfc_normalisation() -> None:
    composed = "kX9#mQ2$vé!"
    decomposed = unicodedata.normalize("NFD", composed)
    assert len(decomposed) == MIN_LENGTH
    assert is_refused_for(decomposed, "Au moins 12 caractères (il en manque 1).")
    assert is_refused_for("kX9#mQ2$vL🐈", "Au moins 12 caractères (il en manque 1).")


def test_random_printable_characters_are_priced_as_the_cnil_reckons() -> None:
    # 16 characters among the 95 printable ASCII ones: log2(95 ** 16).
    assert check_password(RANDOM_16).entropy_bits == math.floor(16 * math.log2(95))


def test_a_repeated_block_adds_only_the_bits_of_its_length() -> None:
    block_bits = 8 * math.log2(95)
    assert check_password(RANDOM_16[:8] * 2).entropy_bits == math.floor(block_bits + math.log2(9))
    followed = RANDOM_16[:8] * 2 + RANDOM_16[8:12]
    assert check_password(followed).entropy_bits == math.floor(
        block_bits + math.log2(9) + 4 * math.log2(95)
    )


def listed_bits(word: str) -> float:
    """What a listed word costs: log2 of its rank, most common first, plus its capitalisation."""
    return math.log2(COMMON_PASSWORDS.index(word) + 1) + 1


def test_a_listed_word_is_priced_by_its_rank_and_a_year_as_one_of_200() -> None:
    assert math.log2(200) == YEAR_BITS
    assert check_password("Soleil-1987").entropy_bits == math.floor(
        listed_bits("soleil") + YEAR_BITS
    )
    assert listed_bits("soleil") < listed_bits("chevalier") < DICTIONARY_WORD_BITS


def test_on_the_digit_row_zero_follows_nine() -> None:
    # 7 is priced as a digit, then « 890 » is a run of three: log2(10) + log2(1 + 3).
    assert check_password("7890").entropy_bits == math.floor(math.log2(10) + 2)


def test_a_french_keyboard_row_is_a_sequence_too() -> None:
    # « qsd » runs along the AZERTY home row only: log2(26) for q, then log2(1 + 2).
    assert check_password("qsd").entropy_bits == math.floor(math.log2(26) + math.log2(3))


def test_a_common_word_counts_once_however_often_it_is_repeated() -> None:
    assert check_password("soleil" * 4).entropy_bits == math.floor(listed_bits("soleil"))


def test_only_the_first_128_characters_are_analysed_so_hostile_input_costs_little() -> None:
    phrase = "Un pélican gris dort sous le pont rouge de Quimper, 7 jours sur 10 ; "
    assert (
        check_password(phrase * 2).entropy_bits == check_password((phrase * 2)[:128]).entropy_bits
    )
    verdict = check_password(RANDOM_16 * 100_000)
    assert verdict.problems == ("Au plus 128 caractères (1599872 de trop).",)


def test_the_list_holds_common_french_and_english_passwords_and_words() -> None:
    listed = set(COMMON_PASSWORDS)
    assert {"motdepasse", "azertyuiop", "soleil", "marseille", "periscolaire"} <= listed
    assert {"liverpool", "chevalier", "arsenal", "manchester", "dauphine", "boulangerie"} <= listed
    assert {"password", "sunshine", "princess", "football", "welcome", "whatever"} <= listed
    assert 50_000 <= len(COMMON_PASSWORDS) <= LISTED_WORDS_CEILING
    assert len(listed) == len(COMMON_PASSWORDS)
    assert all(re.fullmatch("[a-z0-9]{4,24}", word) for word in COMMON_PASSWORDS)
    assert COMMON_PASSWORDS[:3] == ("123456", "1234567", "password")  # the most common first


@pytest.mark.parametrize(
    "candidate",
    [
        "Liverpool2005!",
        "Chevalier2019!",
        "L1v3rp00l-2005!",
        "chevalier.2019?",
        "Boulangerie1987!",
        "Manchester#2021",
        "Papillon-Bleu!",
        "Sunshine_2024!",
    ],
)
def test_a_common_french_or_english_word_with_a_year_and_a_sign_is_refused(
    candidate: str,
) -> None:
    assert is_refused_for(candidate, TOO_EASY)


def test_the_list_is_read_once_and_a_check_stays_fast() -> None:
    assert common_words() is common_words()
    started = time.perf_counter()
    for _ in range(20):
        check_password(("Le vieux phare de la pointe clignote trois fois ; " * 3)[:MAX_LENGTH])
    assert time.perf_counter() - started < 1.0


def test_the_policy_text_tells_families_the_rules_in_french() -> None:
    assert "12 à 128 caractères" in POLICY_TEXT
    assert "aucune combinaison n'est imposée" in POLICY_TEXT
    assert "commune" in POLICY_TEXT


def nfc_length(text: str) -> int:
    return len(unicodedata.normalize("NFC", text))


# NFC may lengthen a text: some characters (Tibetan « དྷ ») are always decomposed.
@given(st.text(max_size=MIN_LENGTH - 1).filter(lambda text: nfc_length(text) < MIN_LENGTH))
def test_any_text_shorter_than_twelve_characters_is_refused_for_its_length(text: str) -> None:
    missing = MIN_LENGTH - nfc_length(text)
    verdict = check_password(text)
    assert not verdict.accepted
    assert verdict.problems[0] == f"Au moins 12 caractères (il en manque {missing})."


@given(st.text(max_size=300), st.lists(st.text(max_size=30), max_size=4))
def test_any_text_gets_a_verdict_whose_problems_are_french_and_explain_a_refusal(
    text: str, words: list[str]
) -> None:
    verdict = check_password(text, PasswordContext(tuple(words)))
    assert verdict.accepted == (verdict.problems == ())
    assert all(FRENCH_PROBLEMS.fullmatch(problem) for problem in verdict.problems)
    assert verdict.entropy_bits >= 0
    if verdict.accepted:
        assert MIN_LENGTH <= nfc_length(text) <= MAX_LENGTH
        assert verdict.entropy_bits >= MIN_ENTROPY_BITS


@given(st.text(max_size=150))
def test_composed_and_decomposed_accents_get_the_same_verdict(text: str) -> None:
    assert check_password(unicodedata.normalize("NFD", text)) == check_password(
        unicodedata.normalize("NFC", text)
    )


@given(st.characters(), st.integers(min_value=MIN_LENGTH, max_value=MAX_LENGTH))
def test_one_character_repeated_is_always_refused(char: str, times: int) -> None:
    assert not check_password(char * times).accepted


@given(st.text(alphabet=string.printable + "éèàçùÉœ🐈", max_size=MAX_LENGTH))
def test_the_estimate_never_credits_more_than_the_cnil_reckoning(text: str) -> None:
    """log2(pool ** length) with the pool of the classes used, as the CNIL counts it."""
    pools = [
        (string.ascii_lowercase, 26),
        (string.ascii_uppercase, 26),
        (string.digits, 10),
        (string.punctuation + string.whitespace, 33),
        ("éèàçùÉœ", 32),
        ("🐈", 100),
    ]
    pool = sum(size for chars, size in pools if any(char in chars for char in text))
    ceiling = len(text) * math.log2(pool) if text else 0
    assert check_password(text).entropy_bits <= math.floor(ceiling)


@given(
    st.sampled_from(COMMON_PASSWORDS),
    st.sampled_from([str.lower, str.upper, str.capitalize]),
    digits,
    symbols,
    st.booleans(),
)
def test_a_common_password_dressed_with_digits_and_symbols_is_refused(
    word: str, case: Callable[[str], str], numbers: str, signs: str, signs_first: bool
) -> None:
    dressed = f"{signs}{case(word)}{numbers}" if signs_first else f"{case(word)}{numbers}{signs}"
    verdict = check_password(dressed)
    assert not verdict.accepted
    assert TOO_EASY in verdict.problems


ACCENTED = {"a": "à", "e": "é", "c": "ç", "i": "î", "o": "ô", "u": "ù"}


@given(
    st.text(alphabet=string.ascii_lowercase, min_size=3, max_size=20),
    st.booleans(),
    st.booleans(),
    digits,
    symbols,
)
def test_a_context_word_dressed_with_digits_and_symbols_is_refused_whatever_its_accents_and_case(
    word: str, shout: bool, accents: bool, numbers: str, signs: str
) -> None:
    told = "".join(ACCENTED.get(char, char) for char in word) if accents else word
    context = PasswordContext(("Île-de-Ré", told.upper() if shout else told))
    verdict = check_password(f"{word.capitalize()}{numbers}{signs}", context)
    assert not verdict.accepted
    assert CONTEXT_WORD in verdict.problems
