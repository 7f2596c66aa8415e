"""Accounts, one-time tokens (links), server-side portal sessions and login throttles (unknown
identifiers, client addresses)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import pendulum
from sqlalchemy import Connection, Row, bindparam, delete, insert, or_, select, update

from adapters.persistence.tables import (
    accounts,
    families,
    login_throttles,
    one_time_tokens,
    portal_sessions,
)
from adapters.persistence.transaction import OpenTransaction
from portail_core.domain.accounts.account import Account, AccountStatus, OneTimeToken, TokenPurpose
from portail_core.domain.accounts.session import PortalSession
from portail_core.domain.accounts.throttle import LoginThrottle
from portail_core.domain.shared.instants import as_utc

__all__ = [
    "SqlAccountRepositories",
    "SqlAccountRepository",
    "SqlSessionRepository",
    "SqlThrottleRepository",
    "SqlTokenRepository",
]


def _account_values(account: Account) -> dict[str, Any]:
    return {
        "family_id": account.family_id,
        "identifier": account.identifier,
        "email": account.email,
        "created_at": account.created_at,
        "status": account.status.value,
        "password_hash": account.password_hash,
        "must_change_password": account.must_change_password,
        "password_expires_at": account.password_expires_at,
        "consecutive_failures": account.consecutive_failures,
        "recent_failures": [t.isoformat() for t in account.recent_failures],
        "blocked_until": account.blocked_until,
        "locked": account.locked,
    }


def _instant(text: str) -> pendulum.DateTime:
    parsed = pendulum.parse(text)
    if not isinstance(parsed, pendulum.DateTime):
        raise ValueError(f"not an instant: {text!r}")
    return parsed


def _account(row: Row[Any]) -> Account:
    return Account(
        family_id=row.family_id,
        identifier=row.identifier,
        email=row.email,
        created_at=row.created_at,
        status=AccountStatus(row.status),
        password_hash=row.password_hash,
        must_change_password=row.must_change_password,
        password_expires_at=row.password_expires_at,
        consecutive_failures=row.consecutive_failures,
        recent_failures=[_instant(t) for t in row.recent_failures],
        blocked_until=row.blocked_until,
        locked=row.locked,
        id=row.id,
    )


# Every request of a logged-in family runs it: built once (building it cost a third of its time).
_HOLDER = (
    select(
        portal_sessions.c.id.label("session_id"),
        portal_sessions.c.created_at.label("session_created_at"),
        portal_sessions.c.last_seen_at,
        accounts,
        families.c.name.label("family_name"),
    )
    .join_from(portal_sessions, accounts, accounts.c.id == portal_sessions.c.account_id)
    .join(families, families.c.id == accounts.c.family_id, isouter=True)
    .where(portal_sessions.c.token_hash == bindparam("token_hash"))
)


class SqlAccountRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, account: Account) -> None:
        statement = insert(accounts).values(_account_values(account)).returning(accounts.c.id)
        account.id = self._connection.execute(statement).scalar_one()

    def add_all(self, new: Sequence[Account]) -> None:
        """One INSERT of many rows (executemany: PostgreSQL's pipeline), then the ids read back
        by family (one account per family), 1,000 at a time: cheaper than RETURNING, whose
        multi-row statement the driver must parse again for every page."""
        if not new:
            return
        self._connection.execute(insert(accounts), [_account_values(a) for a in new])
        by_family = {account.family_id: account for account in new}
        wanted = list(by_family)
        for start in range(0, len(wanted), 1000):
            query = select(accounts.c.id, accounts.c.family_id).where(
                accounts.c.family_id.in_(wanted[start : start + 1000])
            )
            for row in self._connection.execute(query):
                by_family[row.family_id].id = row.id

    def get(self, account_id: int, *, for_update: bool = False) -> Account | None:
        return self._one(accounts.c.id == account_id, for_update=for_update)

    def by_identifier(self, identifier: str, *, for_update: bool = False) -> Account | None:
        return self._one(accounts.c.identifier == identifier, for_update=for_update)

    def of_family(self, family_id: int) -> Account | None:
        return self._one(accounts.c.family_id == family_id)

    def identifiers(self) -> dict[int, str]:
        rows = self._connection.execute(select(accounts.c.family_id, accounts.c.identifier))
        return {row.family_id: row.identifier for row in rows}

    def emails(self) -> dict[int, str]:
        rows = self._connection.execute(select(accounts.c.family_id, accounts.c.email))
        return {row.family_id: row.email for row in rows}

    def update(self, account: Account) -> None:
        self._connection.execute(
            update(accounts).where(accounts.c.id == account.id).values(_account_values(account))
        )

    def delete(self, account_id: int) -> None:
        for table in (portal_sessions, one_time_tokens):
            self._connection.execute(delete(table).where(table.c.account_id == account_id))
        self._connection.execute(delete(accounts).where(accounts.c.id == account_id))

    def _one(self, condition: Any, *, for_update: bool = False) -> Account | None:
        query = select(accounts).where(condition)
        row = self._connection.execute(query.with_for_update() if for_update else query).first()
        return None if row is None else _account(row)


def _token(row: Row[Any]) -> OneTimeToken:
    return OneTimeToken(
        account_id=row.account_id,
        purpose=TokenPurpose(row.purpose),
        token_hash=row.token_hash,
        expires_at=row.expires_at,
        used_at=row.used_at,
        revoked=row.revoked,
        new_email=row.new_email,
        id=row.id,
    )


class SqlTokenRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, token: OneTimeToken) -> None:
        statement = insert(one_time_tokens).values(
            account_id=token.account_id,
            purpose=token.purpose.value,
            token_hash=token.token_hash,
            expires_at=token.expires_at,
            used_at=token.used_at,
            revoked=token.revoked,
            new_email=token.new_email,
        )
        token.id = self._connection.execute(statement.returning(one_time_tokens.c.id)).scalar_one()

    def add_all(self, new: Sequence[OneTimeToken]) -> None:
        """One INSERT of many rows (executemany); the ids are not read back."""
        rows = [
            {
                "account_id": token.account_id,
                "purpose": token.purpose.value,
                "token_hash": token.token_hash,
                "expires_at": token.expires_at,
                "used_at": token.used_at,
                "revoked": token.revoked,
                "new_email": token.new_email,
            }
            for token in new
        ]
        if rows:
            self._connection.execute(insert(one_time_tokens), rows)

    def by_hash(self, token_hash: str, *, for_update: bool = False) -> OneTimeToken | None:
        query = select(one_time_tokens).where(one_time_tokens.c.token_hash == token_hash)
        row = self._connection.execute(query.with_for_update() if for_update else query).first()
        return None if row is None else _token(row)

    def update(self, token: OneTimeToken) -> None:
        self._connection.execute(
            update(one_time_tokens)
            .where(one_time_tokens.c.id == token.id)
            .values(used_at=token.used_at, revoked=token.revoked)
        )

    def revoke_all(self, account_id: int, purpose: TokenPurpose) -> None:
        self._connection.execute(
            update(one_time_tokens)
            .where(
                one_time_tokens.c.account_id == account_id,
                one_time_tokens.c.purpose == purpose.value,
                one_time_tokens.c.used_at.is_(None),
            )
            .values(revoked=True)
        )

    def of_account(self, account_id: int) -> list[OneTimeToken]:
        t = one_time_tokens.c
        query = select(one_time_tokens).where(t.account_id == account_id).order_by(t.id)
        return [_token(row) for row in self._connection.execute(query)]

    def delete_expired(self, before: pendulum.DateTime) -> int:
        statement = delete(one_time_tokens).where(one_time_tokens.c.expires_at < as_utc(before))
        return self._connection.execute(statement).rowcount


class SqlSessionRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, session: PortalSession) -> None:
        statement = insert(portal_sessions).values(
            account_id=session.account_id,
            token_hash=session.token_hash,
            created_at=session.created_at,
            last_seen_at=session.last_seen_at,
        )
        session.id = self._connection.execute(
            statement.returning(portal_sessions.c.id)
        ).scalar_one()

    def by_hash(self, token_hash: str) -> PortalSession | None:
        row = self._connection.execute(
            select(portal_sessions).where(portal_sessions.c.token_hash == token_hash)
        ).first()
        if row is None:
            return None
        return PortalSession(
            row.account_id, row.token_hash, row.created_at, row.last_seen_at, id=row.id
        )

    def holder(self, token_hash: str) -> tuple[PortalSession, Account, str] | None:
        row = self._connection.execute(_HOLDER, {"token_hash": token_hash}).first()
        if row is None:
            return None
        session = PortalSession(
            row.id, token_hash, row.session_created_at, row.last_seen_at, id=row.session_id
        )
        return session, _account(row), row.family_name or ""

    def touch(self, session: PortalSession) -> None:
        self._connection.execute(
            update(portal_sessions)
            .where(portal_sessions.c.id == session.id)
            .values(last_seen_at=session.last_seen_at)
        )

    def delete(self, token_hash: str) -> None:
        self._connection.execute(
            delete(portal_sessions).where(portal_sessions.c.token_hash == token_hash)
        )

    def delete_all(self, account_id: int) -> None:
        self._connection.execute(
            delete(portal_sessions).where(portal_sessions.c.account_id == account_id)
        )

    def of_account(self, account_id: int) -> list[PortalSession]:
        s = portal_sessions.c
        query = select(portal_sessions).where(s.account_id == account_id).order_by(s.id)
        return [
            PortalSession(
                row.account_id, row.token_hash, row.created_at, row.last_seen_at, id=row.id
            )
            for row in self._connection.execute(query)
        ]

    def delete_expired(
        self, *, idle_before: pendulum.DateTime, started_before: pendulum.DateTime
    ) -> int:
        """On PostgreSQL a row being touched is waited for, then judged as touched."""
        s = portal_sessions.c
        statement = delete(portal_sessions).where(
            or_(s.last_seen_at < as_utc(idle_before), s.created_at < as_utc(started_before))
        )
        return self._connection.execute(statement).rowcount


def _insert_missing(connection: Connection, key: str) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING, in the dialect of the connection."""
    from sqlalchemy.dialects import postgresql, sqlite  # the one in use is imported already

    dialect_insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    return (
        dialect_insert(login_throttles)
        .values(key=key, consecutive_failures=0, recent_failures=[], locked=False)
        .on_conflict_do_nothing(index_elements=["key"])
    )


class SqlThrottleRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def get(self, key: str, *, for_update: bool = False) -> LoginThrottle | None:
        query = select(login_throttles).where(login_throttles.c.key == key)
        if not for_update:
            row = self._connection.execute(query).first()
            return None if row is None else _throttle(row)
        for _ in range(3):  # make sure the row exists, so that the lock always holds one...
            self._connection.execute(_insert_missing(self._connection, key))
            row = self._connection.execute(query.with_for_update()).first()
            if row is not None:
                return _throttle(row)
            # ... unless the purge deleted it between the two statements: insert it again
        raise RuntimeError(f"login throttle {key!r} vanished three times in a row")

    def save(self, throttle: LoginThrottle) -> None:
        values = {
            "consecutive_failures": throttle.consecutive_failures,
            "recent_failures": [t.isoformat() for t in throttle.recent_failures],
            "blocked_until": throttle.blocked_until,
            "locked": throttle.locked,
        }
        changed = self._connection.execute(
            update(login_throttles).where(login_throttles.c.key == throttle.key).values(values)
        ).rowcount
        if not changed:
            self._connection.execute(insert(login_throttles).values(key=throttle.key, **values))

    def delete(self, key: str) -> None:
        self._connection.execute(delete(login_throttles).where(login_throttles.c.key == key))

    def batch_after(self, key: str, size: int) -> list[LoginThrottle]:
        query = (
            select(login_throttles)
            .where(login_throttles.c.key > key)
            .order_by(login_throttles.c.key)
            .limit(size)
            .with_for_update(skip_locked=True)  # SQLite: writers are serialised anyway
        )
        return [_throttle(row) for row in self._connection.execute(query)]

    def delete_all(self, keys: Collection[str]) -> None:
        if keys:
            statement = delete(login_throttles).where(login_throttles.c.key.in_(sorted(keys)))
            self._connection.execute(statement)


def _throttle(row: Row[Any]) -> LoginThrottle:
    return LoginThrottle(
        key=row.key,
        consecutive_failures=row.consecutive_failures,
        recent_failures=[_instant(t) for t in row.recent_failures],
        blocked_until=row.blocked_until,
        locked=row.locked,
    )


class SqlAccountRepositories(OpenTransaction):
    """The repositories a unit of work gives on its transaction."""

    @property
    def accounts(self) -> SqlAccountRepository:
        return SqlAccountRepository(self.connection())

    @property
    def tokens(self) -> SqlTokenRepository:
        return SqlTokenRepository(self.connection())

    @property
    def sessions(self) -> SqlSessionRepository:
        return SqlSessionRepository(self.connection())

    @property
    def throttles(self) -> SqlThrottleRepository:
        return SqlThrottleRepository(self.connection())
