"""Password hashers: Argon2id for real, and a fast, insecure twin for unit tests.

Both normalise the password to Unicode NFKC before hashing (NIST SP 800-63B, 5.1.1.2), so the
same password typed on a Mac (« é » decomposed) and on a PC (« é » composed) verifies. Lone
surrogates, which no browser sends, are encoded as they are rather than refused, so ``verify``
never raises whatever it is given.

Both also give a keyed digest (HMAC-SHA-256) of a typed text that may be a secret: what a login
throttle is keyed by, for an identifier that names no account (it may be a password typed in the
wrong field), so that the database never holds a hash anyone could reverse by trying candidates.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher

__all__ = ["Argon2PasswordHasher", "PlainTestHasher"]


def _password_bytes(password: str) -> bytes:
    return unicodedata.normalize("NFKC", password).encode("utf-8", "surrogatepass")


def _keyed_digest(key: bytes, text: str) -> str:
    return hmac.new(key, _password_bytes(text), hashlib.sha256).hexdigest()


class Argon2PasswordHasher:
    """Argon2id with argon2-cffi's default parameters (RFC 9106's low-memory recommendation).

    ``digest_key`` keys ``digest``: the installation's secret key (``PORTAIL_SECRET_KEY``), so
    that every process agrees; without it, a random key for this process only.
    """

    def __init__(self, digest_key: str | None = None) -> None:
        self._digest_key = (digest_key or secrets.token_urlsafe(48)).encode()

    @functools.cached_property
    def _hasher(self) -> PasswordHasher:
        """argon2-cffi, imported when a password is first hashed or checked (not when a command
        that checks none starts)."""
        from argon2 import PasswordHasher

        return PasswordHasher()

    def hash(self, password: str) -> str:
        """A new hash, salted at random, in the PHC string format (``$argon2id$v=19$...``)."""
        return self._hasher.hash(_password_bytes(password))

    def verify(self, stored_hash: str, password: str) -> bool:
        """Whether the password matches; False, never an exception, for a malformed hash."""
        from argon2.exceptions import InvalidHashError, VerificationError

        if not stored_hash.isascii():
            return False  # a PHC string is ASCII; argon2-cffi would raise UnicodeEncodeError
        try:
            return self._hasher.verify(stored_hash, _password_bytes(password))
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        """Whether the hash was made with other parameters than today's (rehash at next login).

        A malformed hash needs replacing too; it never verifies, so the question does not arise
        at login.
        """
        from argon2.exceptions import InvalidHashError

        if not stored_hash.isascii():
            return True
        try:
            return self._hasher.check_needs_rehash(stored_hash)
        except InvalidHashError:
            return True

    def digest(self, text: str) -> str:
        """HMAC-SHA-256 of the text (NFKC), keyed with ``digest_key``, in hex."""
        return _keyed_digest(self._digest_key, text)


class PlainTestHasher:
    """FOR TESTS ONLY: an unsalted SHA-256, fast and obviously not secure (``test$<hex>``).

    In-memory twin of Argon2PasswordHasher for unit tests, where Argon2's deliberate slowness
    would dominate the run time. Never wire it into the application.
    """

    PREFIX = "test$"

    def hash(self, password: str) -> str:
        return self.PREFIX + hashlib.sha256(_password_bytes(password)).hexdigest()

    def verify(self, stored_hash: str, password: str) -> bool:
        expected = self.hash(password).encode()
        return hmac.compare_digest(expected, stored_hash.encode("utf-8", "surrogatepass"))

    def needs_rehash(self, stored_hash: str) -> bool:
        """True for anything but a well-formed test hash, as the real hasher for a bad one."""
        return re.fullmatch(r"test\$[0-9a-f]{64}", stored_hash) is None

    def digest(self, text: str) -> str:
        """Keyed like the real one, with a fixed key known to the tests."""
        return _keyed_digest(b"test-digest-key", text)
