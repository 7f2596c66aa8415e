"""In-memory twins of the accounts', links', sessions' and throttles' repositories."""

from __future__ import annotations

import copy

from attrs import define, field

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


class InMemorySessionRepository:
    def __init__(self, state: AccountState) -> None:
        self._state = state

    def add(self, session: PortalSession) -> None:
        session.id = len(self._state.sessions) + 1
        self._state.sessions[session.token_hash] = copy.deepcopy(session)

    def by_hash(self, token_hash: str) -> PortalSession | None:
        return copy.deepcopy(self._state.sessions.get(token_hash))

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


class InMemoryThrottleRepository:
    def __init__(self, state: AccountState) -> None:
        self._state = state

    def get(self, key: str, *, for_update: bool = False) -> LoginThrottle | None:
        return copy.deepcopy(self._state.throttles.get(key))

    def save(self, throttle: LoginThrottle) -> None:
        self._state.throttles[throttle.key] = copy.deepcopy(throttle)

    def delete(self, key: str) -> None:
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
        return InMemorySessionRepository(self.state(AccountState))

    @property
    def throttles(self) -> InMemoryThrottleRepository:
        return InMemoryThrottleRepository(self.state(AccountState))
