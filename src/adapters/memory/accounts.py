"""In-memory twins of the accounts', links', sessions' and throttles' repositories."""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence

import pendulum
from attrs import define, field

from adapters.memory.dossiers import DossierState
from adapters.memory.store import WorkingCopy
from portail_core.domain.accounts.account import Account, OneTimeToken, TokenPurpose
from portail_core.domain.accounts.session import PortalSession
from portail_core.domain.accounts.throttle import LoginThrottle
from portail_core.errors import Conflict

__all__ = [
    "AccountState",
    "InMemoryAccountRepositories",
    "InMemoryAccountRepository",
    "InMemorySessionRepository",
    "InMemoryThrottleRepository",
    "InMemoryTokenRepository",
]


@define
class AccountState:
    accounts: dict[int, Account] = field(factory=dict)
    tokens: dict[int, OneTimeToken] = field(factory=dict)
    sessions: dict[str, PortalSession] = field(factory=dict)
    throttles: dict[str, LoginThrottle] = field(factory=dict)


class InMemoryAccountRepository:
    def __init__(self, state: AccountState) -> None:
        self._state = state

    def add(self, account: Account) -> None:
        if any(
            a.identifier == account.identifier or a.family_id == account.family_id
            for a in self._state.accounts.values()
        ):
            raise Conflict("Cette famille ou cet identifiant a déjà un compte.")
        account.id = len(self._state.accounts) + 1
        self._state.accounts[account.id] = copy.deepcopy(account)

    def add_all(self, new: Sequence[Account]) -> None:
        for account in new:
            self.add(account)

    def get(self, account_id: int, *, for_update: bool = False) -> Account | None:
        return copy.deepcopy(self._state.accounts.get(account_id))

    def by_identifier(self, identifier: str, *, for_update: bool = False) -> Account | None:
        found = [a for a in self._state.accounts.values() if a.identifier == identifier]
        return copy.deepcopy(found[0]) if found else None

    def of_family(self, family_id: int) -> Account | None:
        found = [a for a in self._state.accounts.values() if a.family_id == family_id]
        return copy.deepcopy(found[0]) if found else None

    def identifiers(self) -> dict[int, str]:
        return {a.family_id: a.identifier for a in self._state.accounts.values()}

    def emails(self) -> dict[int, str]:
        return {a.family_id: a.email for a in self._state.accounts.values()}

    def update(self, account: Account) -> None:
        assert account.id is not None  # noqa: S101  (same)
        self._state.accounts[account.id] = copy.deepcopy(account)

    def delete(self, account_id: int) -> None:
        self._state.accounts.pop(account_id, None)
        self._state.sessions = {
            h: s for h, s in self._state.sessions.items() if s.account_id != account_id
        }
        self._state.tokens = {
            i: t for i, t in self._state.tokens.items() if t.account_id != account_id
        }


class InMemoryTokenRepository:
    def __init__(self, state: AccountState) -> None:
        self._state = state

    def add(self, token: OneTimeToken) -> None:
        token.id = len(self._state.tokens) + 1
        self._state.tokens[token.id] = copy.deepcopy(token)

    def add_all(self, new: Sequence[OneTimeToken]) -> None:
        for token in new:
            self.add(token)

    def by_hash(self, token_hash: str, *, for_update: bool = False) -> OneTimeToken | None:
        found = [t for t in self._state.tokens.values() if t.token_hash == token_hash]
        return copy.deepcopy(found[0]) if found else None

    def update(self, token: OneTimeToken) -> None:
        assert token.id is not None  # noqa: S101  (same)
        self._state.tokens[token.id] = copy.deepcopy(token)

    def revoke_all(self, account_id: int, purpose: TokenPurpose) -> None:
        for token in self._state.tokens.values():
            if token.account_id == account_id and token.purpose is purpose and not token.used_at:
                token.revoked = True

    def of_account(self, account_id: int) -> list[OneTimeToken]:
        mine = [t for t in self._state.tokens.values() if t.account_id == account_id]
        return copy.deepcopy(sorted(mine, key=lambda t: t.id or 0))

    def delete_expired(self, before: pendulum.DateTime) -> int:
        gone = [i for i, t in self._state.tokens.items() if t.expires_at < before]
        for token_id in gone:
            del self._state.tokens[token_id]
        return len(gone)


class InMemorySessionRepository:
    def __init__(self, state: AccountState, dossiers: DossierState | None = None) -> None:
        self._state = state
        self._dossiers = dossiers or DossierState()

    def add(self, session: PortalSession) -> None:
        session.id = len(self._state.sessions) + 1
        self._state.sessions[session.token_hash] = copy.deepcopy(session)

    def by_hash(self, token_hash: str) -> PortalSession | None:
        return copy.deepcopy(self._state.sessions.get(token_hash))

    def holder(self, token_hash: str) -> tuple[PortalSession, Account, str] | None:
        session = self._state.sessions.get(token_hash)
        account = None if session is None else self._state.accounts.get(session.account_id)
        if session is None or account is None:
            return None
        family = self._dossiers.families.get(account.family_id)
        name = family.name if family is not None else ""
        return copy.deepcopy(session), copy.deepcopy(account), name

    def touch(self, session: PortalSession) -> None:
        self._state.sessions[session.token_hash] = copy.deepcopy(session)

    def delete(self, token_hash: str) -> None:
        self._state.sessions.pop(token_hash, None)

    def delete_all(self, account_id: int) -> None:
        for key in [k for k, s in self._state.sessions.items() if s.account_id == account_id]:
            del self._state.sessions[key]

    def of_account(self, account_id: int) -> list[PortalSession]:
        mine = [s for s in self._state.sessions.values() if s.account_id == account_id]
        return copy.deepcopy(sorted(mine, key=lambda s: s.id or 0))

    def delete_expired(
        self, *, idle_before: pendulum.DateTime, started_before: pendulum.DateTime
    ) -> int:
        gone = [
            h
            for h, s in self._state.sessions.items()
            if s.last_seen_at < idle_before or s.created_at < started_before
        ]
        for token_hash in gone:
            del self._state.sessions[token_hash]
        return len(gone)


class InMemoryThrottleRepository:
    def __init__(self, state: AccountState) -> None:
        self._state = state

    def get(self, key: str, *, for_update: bool = False) -> LoginThrottle | None:
        return copy.deepcopy(self._state.throttles.get(key))

    def save(self, throttle: LoginThrottle) -> None:
        self._state.throttles[throttle.key] = copy.deepcopy(throttle)

    def delete(self, key: str) -> None:
        self._state.throttles.pop(key, None)

    def batch_after(self, key: str, size: int) -> list[LoginThrottle]:
        keys = sorted(k for k in self._state.throttles if k > key)[:size]
        return [copy.deepcopy(self._state.throttles[k]) for k in keys]

    def delete_all(self, keys: Collection[str]) -> None:
        for key in keys:
            self._state.throttles.pop(key, None)


class InMemoryAccountRepositories(WorkingCopy):
    """The repositories a unit of work gives on the working copy's AccountState."""

    @property
    def accounts(self) -> InMemoryAccountRepository:
        return InMemoryAccountRepository(self.state(AccountState))

    @property
    def tokens(self) -> InMemoryTokenRepository:
        return InMemoryTokenRepository(self.state(AccountState))

    @property
    def sessions(self) -> InMemorySessionRepository:
        return InMemorySessionRepository(self.state(AccountState), self.state(DossierState))

    @property
    def throttles(self) -> InMemoryThrottleRepository:
        return InMemoryThrottleRepository(self.state(AccountState))
