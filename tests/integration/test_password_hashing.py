"""Argon2id through argon2-cffi, and the test twin held to the same contract."""

import unicodedata

import argon2
import pytest
from argon2.profiles import RFC_9106_LOW_MEMORY

from adapters.passwords import Argon2PasswordHasher, PlainTestHasher

PASSWORD = "cheval agrafe pile correct"
HASHERS = [
    pytest.param(Argon2PasswordHasher(), id="argon2"),
    pytest.param(PlainTestHasher(), id="plain-test"),
]
Hasher = Argon2PasswordHasher | PlainTestHasher


@pytest.fixture(scope="module")
def argon2_hash() -> str:
    return Argon2PasswordHasher().hash(PASSWORD)


@pytest.mark.parametrize("hasher", HASHERS)
def test_a_password_verifies_against_its_own_hash(hasher: Hasher) -> None:
    assert hasher.verify(hasher.hash(PASSWORD), PASSWORD) is True


@pytest.mark.parametrize("hasher", HASHERS)
@pytest.mark.parametrize(
    "attempt", ["cheval agrafe pile correcte", "", "CHEVAL AGRAFE PILE CORRECT"]
)
def test_a_wrong_password_is_false_not_an_exception(hasher: Hasher, attempt: str) -> None:
    assert hasher.verify(hasher.hash(PASSWORD), attempt) is False


@pytest.mark.parametrize("hasher", HASHERS)
def test_accents_typed_composed_or_decomposed_verify_alike(hasher: Hasher) -> None:
    password = "Éléonore à la crème brûlée"
    stored = hasher.hash(unicodedata.normalize("NFC", password))
    assert hasher.verify(stored, unicodedata.normalize("NFD", password))


@pytest.mark.parametrize("hasher", HASHERS)
def test_a_lone_surrogate_is_hashed_and_refused_without_an_exception(hasher: Hasher) -> None:
    stored = hasher.hash("mot\ud800de passe bizarre")
    assert hasher.verify(stored, "mot\ud800de passe bizarre")
    assert not hasher.verify(stored, "mot\ud801de passe bizarre")


MALFORMED = [
    "",
    "x",
    "$argon2id$",
    "$argon2id$v=19$m=65536,t=3,p=4$",
    "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g€",
    "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
    "test$",
    "test$" + "z" * 64,
    "\ud800",
]


@pytest.mark.parametrize("hasher", HASHERS)
@pytest.mark.parametrize("stored", MALFORMED)
def test_a_malformed_hash_never_verifies_and_asks_to_be_replaced(
    hasher: Hasher, stored: str
) -> None:
    assert hasher.verify(stored, PASSWORD) is False
    assert hasher.needs_rehash(stored) is True


def test_a_truncated_argon2_hash_never_verifies(argon2_hash: str) -> None:
    assert Argon2PasswordHasher().verify(argon2_hash[:-4], PASSWORD) is False


@pytest.mark.parametrize("hasher", HASHERS)
def test_a_fresh_hash_needs_no_rehash(hasher: Hasher) -> None:
    assert hasher.needs_rehash(hasher.hash(PASSWORD)) is False


def test_the_two_hashers_do_not_accept_each_others_hashes(argon2_hash: str) -> None:
    assert not PlainTestHasher().verify(argon2_hash, PASSWORD)
    assert not Argon2PasswordHasher().verify(PlainTestHasher().hash(PASSWORD), PASSWORD)


def test_hashes_are_argon2id_with_the_rfc_9106_low_memory_parameters(argon2_hash: str) -> None:
    assert argon2_hash.startswith("$argon2id$v=19$")
    assert argon2.extract_parameters(argon2_hash) == RFC_9106_LOW_MEMORY


def test_two_hashes_of_the_same_password_differ_by_their_salt(argon2_hash: str) -> None:
    again = Argon2PasswordHasher().hash(PASSWORD)
    assert again != argon2_hash
    assert again.split("$")[4] != argon2_hash.split("$")[4]  # the salt field


def test_a_hash_made_with_weaker_parameters_still_verifies_and_asks_for_a_rehash() -> None:
    weak = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    hasher = Argon2PasswordHasher()
    assert hasher.verify(weak, PASSWORD)
    assert hasher.needs_rehash(weak) is True


def test_the_test_hasher_is_recognisably_not_a_real_hash() -> None:
    stored = PlainTestHasher().hash(PASSWORD)
    assert stored.startswith("test$")
    assert stored == PlainTestHasher().hash(PASSWORD)  # no salt: for tests only
