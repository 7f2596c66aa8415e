"""``portail account purge`` on the in-memory twin, SQLite and PostgreSQL: expired sessions,
links 30 days past their expiry and stale login throttles go; a session in use, a link that
still works and a throttle that still counts stay. On PostgreSQL, a session touched while the
purge runs, and a throttle a login holds, are kept."""

import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, text

from adapters.clock import FixedClock
from adapters.persistence import SqlUnitOfWork, create_database_engine, upgrade
from entrypoints.cli import main
from portail_core.domain.accounts.account import Account, OneTimeToken, TokenPurpose
from portail_core.domain.accounts.session import PortalSession
from portail_core.domain.accounts.throttle import LoginThrottle, identifier_key, ip_key
from portail_core.services.accounts.purge import THROTTLE_BATCH, purge_account_leftovers
from portail_core.services.accounts.sessions import current_session
from portail_core.services.dossiers.creation import create_family
from tests.integration.conftest import UowFactory, empty_database_url
from tests.unit.dossier_builders import complete_family
from tests.unit.reservation_world import DESK

NOW = pendulum.datetime(2026, 11, 20, 10, 0, tz="Europe/Paris")


def an_account(new_uow: UowFactory) -> int:
    family_id = create_family(new_uow(), complete_family(), actor=DESK, clock=FixedClock(NOW))
    account = Account(family_id, f"martin.{family_id}", "claire@example.fr", NOW.subtract(days=90))
    with new_uow() as uow:
        uow.accounts.add(account)
        uow.commit()
    assert account.id is not None
    return account.id


def a_session(
    new_uow: UowFactory, account_id: int, *, opened: pendulum.Duration, idle: pendulum.Duration
) -> str:
    """A session opened ``opened`` ago and last seen ``idle`` ago; its secret."""
    secret, session = PortalSession.start(account_id, NOW - opened)
    session.last_seen_at = NOW - idle
    with new_uow() as uow:
        uow.sessions.add(session)
        uow.commit()
    return secret


def minutes(n: float) -> pendulum.Duration:
    return pendulum.duration(minutes=n)


def test_sessions_expired_for_an_hour_go_and_sessions_in_use_stay(new_uow: UowFactory) -> None:
    account_id = an_account(new_uow)
    in_use = {
        "idle 29 min": a_session(new_uow, account_id, opened=minutes(60), idle=minutes(29)),
        "opened 11 h 59": a_session(new_uow, account_id, opened=minutes(719), idle=minutes(1)),
    }
    expired_lately = {  # refused by the portal already, deleted by a later pass
        "idle 31 min": a_session(new_uow, account_id, opened=minutes(60), idle=minutes(31)),
        "opened 12 h 30": a_session(new_uow, account_id, opened=minutes(750), idle=minutes(2)),
    }
    a_session(new_uow, account_id, opened=minutes(200), idle=minutes(91))  # idle 1 h 31
    a_session(new_uow, account_id, opened=minutes(781), idle=minutes(3))  # opened 13 h 01

    report = purge_account_leftovers(new_uow, FixedClock(NOW))

    assert report.sessions == 2
    with new_uow(read_only=True) as uow:
        assert len(uow.sessions.of_account(account_id)) == 4
    for secret in in_use.values():  # they still open the portal, and are refreshed
        view = current_session(new_uow(), secret, FixedClock(NOW))
        assert view is not None
        assert view.account_id == account_id
    for secret in expired_lately.values():  # the timeouts are the portal's, as before
        assert current_session(new_uow(), secret, FixedClock(NOW)) is None
    assert purge_account_leftovers(new_uow, FixedClock(NOW)).sessions == 0


def a_link(
    new_uow: UowFactory,
    account_id: int,
    purpose: TokenPurpose,
    *,
    issued: pendulum.Duration,
    used: bool = False,
    revoked: bool = False,
) -> OneTimeToken:
    _, token = OneTimeToken.issue(account_id, purpose, NOW - issued)
    token.used_at = NOW - issued + minutes(5) if used else None
    token.revoked = revoked
    with new_uow() as uow:
        uow.tokens.add(token)
        uow.commit()
    return token


def test_links_are_forgotten_thirty_days_after_they_expire(new_uow: UowFactory) -> None:
    account_id = an_account(new_uow)
    days = pendulum.duration
    kept = [
        a_link(new_uow, account_id, TokenPurpose.ACTIVATION, issued=days(hours=2)),  # works
        a_link(new_uow, account_id, TokenPurpose.EMAIL_CHANGE, issued=days(days=1), used=True),
        a_link(new_uow, account_id, TokenPurpose.PASSWORD_RESET, issued=days(days=29)),
        a_link(new_uow, account_id, TokenPurpose.UNLOCK, issued=days(days=30), revoked=True),
    ]
    for purpose, used, revoked in [
        (TokenPurpose.ACTIVATION, True, False),  # expired 31 days ago, used
        (TokenPurpose.PASSWORD_RESET, False, True),  # revoked
        (TokenPurpose.UNLOCK, False, False),  # never used
    ]:
        issued = days(days=31) + purpose.lifetime
        a_link(new_uow, account_id, purpose, issued=issued, used=used, revoked=revoked)

    assert purge_account_leftovers(new_uow, FixedClock(NOW)).links == 3

    with new_uow(read_only=True) as uow:  # what « Mes données » lists
        left = uow.tokens.of_account(account_id)
    assert [t.token_hash for t in left] == [t.token_hash for t in kept]
    assert left[0].usable(NOW)


def save(new_uow: UowFactory, *throttles: LoginThrottle) -> None:
    with new_uow() as uow:
        for throttle in throttles:
            uow.throttles.save(throttle)
        uow.commit()


def failed(
    key: str, ago: pendulum.Duration, *, count: int = 1, locked: bool = False
) -> LoginThrottle:
    """A throttle whose last ``count`` failures were ``ago``."""
    return LoginThrottle(key, count, [NOW - ago] * count, locked=locked)


def test_throttles_are_forgotten_once_they_change_no_answer(new_uow: UowFactory) -> None:
    hours, days = pendulum.duration, pendulum.duration
    kept = [
        failed(ip_key("10.0.0.1"), hours(hours=23)),
        failed(ip_key("10.0.0.2", "reset"), hours(hours=1)),
        failed(identifier_key("aa"), days(days=29), count=10, locked=True),
        failed(identifier_key("bb"), days(days=2), count=6),
    ]
    gone = [
        failed(ip_key("10.0.0.3"), hours(hours=25), count=40),
        failed(ip_key("10.0.0.4", "feed"), days(days=3)),
        failed(identifier_key("cc"), days(days=31), count=10, locked=True),
        failed(identifier_key("dd"), days(days=45), count=3),
        LoginThrottle(ip_key("10.0.0.5")),  # never counted anything
    ]
    save(new_uow, *kept, *gone)

    assert purge_account_leftovers(new_uow, FixedClock(NOW)).throttles == len(gone)

    with new_uow(read_only=True) as uow:
        for throttle in kept:
            found = uow.throttles.get(throttle.key)
            assert found is not None
            assert (found.consecutive_failures, found.locked) == (
                throttle.consecutive_failures,
                throttle.locked,
            )
        assert all(uow.throttles.get(t.key) is None for t in gone)


def test_the_throttles_are_purged_a_batch_at_a_time_to_the_last(new_uow: UowFactory) -> None:
    count = 2 * THROTTLE_BATCH + 1
    two_days = pendulum.duration(days=2)
    stale = [failed(ip_key(f"10.1.{n // 250}.{n % 250}"), two_days) for n in range(count)]
    recent = failed(ip_key("10.2.0.1"), minutes(10))
    save(new_uow, *stale, recent)
    assert purge_account_leftovers(new_uow, FixedClock(NOW)).throttles == count
    with new_uow(read_only=True) as uow:
        assert [t.key for t in uow.throttles.batch_after("", 10)] == [recent.key]


# --- PostgreSQL: the purge beside logins and requests under way --------------------------------


PURGE = f"portail-purge-{uuid.uuid4().hex[:8]}"  # names the purge's connections


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    yield from empty_database_url("postgresql", tmp_path)


@pytest.fixture
def postgres(postgres_url: str) -> Iterator[Engine]:
    engine = create_database_engine(postgres_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def purging(postgres_url: str, postgres: Engine) -> Iterator[Engine]:
    """Another engine on the same schema, whose connections say they are the purge's."""
    engine = create_database_engine(postgres_url, connect_args={"application_name": PURGE})
    yield engine
    engine.dispose()


def purge_waits_on_a_lock(engine: Engine) -> bool:
    with engine.connect() as connection:
        query = (
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name "
            "AND wait_event_type = 'Lock'"
        )
        return bool(connection.execute(text(query), {"name": PURGE}).scalar_one())


def until(condition: Callable[[], bool], what: str) -> None:
    """Wait for ``condition()`` (a state another thread reaches), at most a minute."""
    deadline = pendulum.now().add(minutes=1)
    while not condition():
        assert pendulum.now() < deadline, what
        threading.Event().wait(0.05)


@pytest.mark.postgresql
def test_a_session_touched_while_the_purge_waits_for_it_is_kept(
    postgres: Engine, purging: Engine
) -> None:
    def new_uow(*, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(postgres, read_only=read_only)

    def purge_uow(*, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(purging, read_only=read_only)

    account_id = an_account(new_uow)
    secret = a_session(new_uow, account_id, opened=minutes(120), idle=minutes(100))
    request = new_uow()
    with request:  # a request recognises the session and refreshes it, not yet committed
        (session,) = request.sessions.of_account(account_id)
        session.last_seen_at = NOW
        request.sessions.touch(session)
        reports = []
        purge = threading.Thread(
            target=lambda: reports.append(purge_account_leftovers(purge_uow, FixedClock(NOW)))
        )
        purge.start()
        until(lambda: purge_waits_on_a_lock(postgres), "the purge waits for the session's row")
        request.commit()
    purge.join(timeout=60)
    assert [r.sessions for r in reports] == [0]
    assert current_session(new_uow(), secret, FixedClock(NOW)) is not None


@pytest.mark.postgresql
def test_a_throttle_a_login_holds_is_left_to_it(postgres: Engine) -> None:
    def new_uow(*, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(postgres, read_only=read_only)

    key = ip_key("10.9.9.9")
    save(new_uow, failed(key, pendulum.duration(days=2)))
    with new_uow() as login:  # a failed login from that address, under way
        throttle = login.throttles.get(key, for_update=True)
        assert throttle is not None
        report = purge_account_leftovers(new_uow, FixedClock(NOW))
        assert report.throttles == 0  # skipped, not waited for
        throttle.fail_as_address(NOW)
        login.throttles.save(throttle)
        login.commit()
    with SqlUnitOfWork(postgres, read_only=True) as uow:
        kept = uow.throttles.get(key)
    assert kept is not None
    assert len(kept.recent_failures) == 1  # the old failure out of its hour, the new one in


# --- The desk's command ------------------------------------------------------------------------


def test_the_desk_command_reports_what_it_purged(instance_path: Path) -> None:
    environment = {"PORTAIL_INSTANCE_PATH": str(instance_path)}
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=environment).exit_code == 0
    result = runner.invoke(main, ["account", "purge"], env=environment, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "0 session(s) expirée(s), 0 lien(s) périmé(s) et 0 compteur(s) anti-essais supprimé(s).\n"
    )
    help_text = runner.invoke(main, ["account", "purge", "--help"]).output
    assert "Une session en cours n'est jamais supprimée" in help_text
