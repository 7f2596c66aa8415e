"""Family accounts, one-time links, portal sessions, login throttles and password hashing."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

import pendulum

from portail_core.domain.accounts.account import Account, OneTimeToken, TokenPurpose
from portail_core.domain.accounts.session import PortalSession
from portail_core.domain.accounts.throttle import LoginThrottle

__all__ = [
    "AccountRepositories",
    "AccountRepository",
    "PasswordHasher",
    "SessionRepository",
    "ThrottleRepository",
    "TokenRepository",
]


class AccountRepository(Protocol):
    def add(self, account: Account) -> None: ...

    def add_all(self, new: Sequence[Account]) -> None:
        """Add many accounts at once (a batch opening): each gets its id."""
        ...

    def get(self, account_id: int, *, for_update: bool = False) -> Account | None: ...

    def by_identifier(self, identifier: str, *, for_update: bool = False) -> Account | None:
        """``for_update`` locks the row until the transaction ends (concurrent logins queue)."""
        ...

    def of_family(self, family_id: int) -> Account | None: ...

    def identifiers(self) -> dict[int, str]:
        """Each family that has an account -> the account's identifier (one query)."""
        ...

    def emails(self) -> dict[int, str]:
        """Each family that has an account -> the account's e-mail address (one query)."""
        ...

    def update(self, account: Account) -> None: ...

    def delete(self, account_id: int) -> None:
        """Remove the account, its sessions and its one-time tokens (erasure of a dossier)."""
        ...


class TokenRepository(Protocol):
    def add(self, token: OneTimeToken) -> None: ...

    def add_all(self, new: Sequence[OneTimeToken]) -> None:
        """Add many tokens at once (their ids are not read back)."""
        ...

    def by_hash(self, token_hash: str, *, for_update: bool = False) -> OneTimeToken | None:
        """``for_update`` locks the row: two uses of one link cannot both succeed."""
        ...

    def update(self, token: OneTimeToken) -> None: ...

    def revoke_all(self, account_id: int, purpose: TokenPurpose) -> None:
        """Revoke the account's unused tokens of that purpose (a new one replaces them)."""
        ...

    def of_account(self, account_id: int) -> list[OneTimeToken]:
        """The account's links, oldest first (the family's right of access)."""
        ...

    def delete_expired(self, before: pendulum.DateTime) -> int:
        """Forget the links that expired before ``before`` (used, revoked or not); how many."""
        ...


class SessionRepository(Protocol):
    def add(self, session: PortalSession) -> None: ...

    def by_hash(self, token_hash: str) -> PortalSession | None: ...

    def holder(self, token_hash: str) -> tuple[PortalSession, Account, str] | None:
        """The session with this hash, its account and its family's name, read at once (every
        page a family opens checks them)."""
        ...

    def touch(self, session: PortalSession) -> None:
        """Write back ``last_seen_at``."""
        ...

    def delete(self, token_hash: str) -> None: ...

    def delete_all(self, account_id: int) -> None: ...

    def of_account(self, account_id: int) -> list[PortalSession]:
        """The account's open sessions, oldest first (the family's right of access)."""
        ...

    def delete_expired(
        self, *, idle_before: pendulum.DateTime, started_before: pendulum.DateTime
    ) -> int:
        """Delete the sessions last seen before ``idle_before`` or opened before
        ``started_before``, as their rows read when deleted (a session touched meanwhile is
        kept); how many."""
        ...


class ThrottleRepository(Protocol):
    def get(self, key: str, *, for_update: bool = False) -> LoginThrottle | None: ...

    def save(self, throttle: LoginThrottle) -> None:
        """Insert or update."""
        ...

    def delete(self, key: str) -> None:
        """Forget the throttle (erasure of a dossier: its identifier's); absent is fine."""
        ...

    def batch_after(self, key: str, size: int) -> list[LoginThrottle]:
        """At most ``size`` throttles whose keys follow ``key``, in key order, locked until the
        transaction ends; those locked by another transaction (a login under way) are
        skipped."""
        ...

    def delete_all(self, keys: Collection[str]) -> None:
        """Forget these throttles; absent ones are fine."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, stored_hash: str, password: str) -> bool:
        """False for a wrong password or a malformed hash; never raises for those."""
        ...

    def needs_rehash(self, stored_hash: str) -> bool: ...

    def digest(self, text: str) -> str:
        """A keyed digest (hex) of a text someone typed that may be a secret, e.g. a password
        typed in the identifier field: the same for the same text in every process of the
        installation (keyed with its secret key), and of no use to whoever reads the database
        without that key. For lookups (throttle keys), never for checking passwords."""
        ...


class AccountRepositories(Protocol):
    """The accounts' repositories, as a unit of work gives them."""

    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def tokens(self) -> TokenRepository: ...

    @property
    def sessions(self) -> SessionRepository: ...

    @property
    def throttles(self) -> ThrottleRepository: ...
