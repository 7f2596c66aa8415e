"""The session check every page makes (``SessionRepository.holder``): the session, its account and
its family's name in one read, on the in-memory twin, SQLite and PostgreSQL; and
``current_session`` built on it, still ending idle, too old and locked sessions."""

import pendulum

from adapters.clock import FixedClock
from portail_core.domain.accounts.account import Account, hash_token
from portail_core.domain.accounts.session import PortalSession
from portail_core.services.accounts.sessions import current_session, extend_session
from portail_core.services.dossiers.creation import create_family
from tests.integration.conftest import UowFactory
from tests.unit.dossier_builders import complete_family
from tests.unit.reservation_world import DESK

NOW = pendulum.datetime(2026, 11, 20, 10, 0, tz="Europe/Paris")


def an_account(new_uow: UowFactory) -> Account:
    family = complete_family()
    family_id = create_family(new_uow(), family, actor=DESK, clock=FixedClock(NOW))
    account = Account(family_id, "martin.1", "claire@example.fr", NOW.subtract(days=90))
    with new_uow() as uow:
        uow.accounts.add(account)
        uow.commit()
    return account


def a_session(new_uow: UowFactory, account: Account, *, idle_minutes: float = 0) -> str:
    assert account.id is not None
    secret, session = PortalSession.start(account.id, NOW.subtract(hours=1))
    session.last_seen_at = NOW.subtract(minutes=idle_minutes)
    with new_uow() as uow:
        uow.sessions.add(session)
        uow.commit()
    return secret


def test_the_holder_is_the_session_its_account_and_its_family_name(new_uow: UowFactory) -> None:
    account = an_account(new_uow)
    secret = a_session(new_uow, account, idle_minutes=3)
    with new_uow(read_only=True) as uow:
        found = uow.sessions.holder(hash_token(secret))
        family = uow.families.get(account.family_id)
    assert found is not None
    assert family is not None
    session, held_by, family_name = found
    assert session.token_hash == hash_token(secret)
    assert session.account_id == account.id
    assert session.id is not None
    assert session.last_seen_at.timestamp() == NOW.subtract(minutes=3).timestamp()
    assert session.created_at.timestamp() == NOW.subtract(hours=1).timestamp()
    assert (held_by.id, held_by.identifier, held_by.family_id) == (
        account.id,
        "martin.1",
        account.family_id,
    )
    assert held_by.email == "claire@example.fr"
    assert not held_by.locked
    assert family_name == family.name


def test_an_unknown_secret_has_no_holder(new_uow: UowFactory) -> None:
    a_session(new_uow, an_account(new_uow))
    with new_uow(read_only=True) as uow:
        assert uow.sessions.holder(hash_token("inconnu")) is None


def test_a_valid_session_is_recognised_without_being_written_within_a_minute(
    new_uow: UowFactory,
) -> None:
    account = an_account(new_uow)
    secret = a_session(new_uow, account, idle_minutes=0.5)
    view = current_session(new_uow(), secret, FixedClock(NOW))
    assert view is not None
    assert (view.account_id, view.family_id, view.identifier) == (
        account.id,
        account.family_id,
        "martin.1",
    )
    assert view.family_name == complete_family().name
    with new_uow(read_only=True) as uow:
        (session,) = uow.sessions.of_account(account.id or 0)
    assert session.last_seen_at.timestamp() == NOW.subtract(seconds=30).timestamp()


def test_after_a_minute_the_idle_timer_is_written(new_uow: UowFactory) -> None:
    account = an_account(new_uow)
    secret = a_session(new_uow, account, idle_minutes=5)
    view = current_session(new_uow(), secret, FixedClock(NOW))
    assert view is not None
    assert view.expires_at.timestamp() == NOW.add(minutes=30).timestamp()
    with new_uow(read_only=True) as uow:
        (session,) = uow.sessions.of_account(account.id or 0)
    assert session.last_seen_at.timestamp() == NOW.timestamp()


def test_an_idle_session_and_a_locked_account_s_session_end(new_uow: UowFactory) -> None:
    account = an_account(new_uow)
    idle = a_session(new_uow, account, idle_minutes=30)
    assert current_session(new_uow(), idle, FixedClock(NOW)) is None
    with new_uow(read_only=True) as uow:
        assert uow.sessions.holder(hash_token(idle)) is None  # deleted
    kept = a_session(new_uow, account, idle_minutes=2)
    with new_uow() as uow:
        locked = uow.accounts.get(account.id or 0)
        assert locked is not None
        locked.locked = True
        uow.accounts.update(locked)
        uow.commit()
    assert current_session(new_uow(), kept, FixedClock(NOW)) is None
    with new_uow(read_only=True) as uow:
        assert uow.sessions.holder(hash_token(kept)) is None


class NeverOpened:
    """A unit of work the test expects to stay closed."""

    def __enter__(self) -> None:
        raise AssertionError("the writing unit of work was opened")

    def __exit__(self, *_: object) -> None:
        return None


def test_with_a_reading_unit_of_work_a_fresh_session_opens_no_transaction(
    new_uow: UowFactory,
) -> None:
    account = an_account(new_uow)
    secret = a_session(new_uow, account, idle_minutes=0.5)
    view = current_session(
        NeverOpened(),  # type: ignore[arg-type]  (a spy: opening it fails the test)
        secret,
        FixedClock(NOW),
        reading=new_uow(read_only=True),
    )
    assert view is not None
    assert view.account_id == account.id
    assert view.family_name == complete_family().name
    unknown = current_session(
        NeverOpened(),  # type: ignore[arg-type]
        "inconnu",
        FixedClock(NOW),
        reading=new_uow(read_only=True),
    )
    assert unknown is None


def test_with_a_reading_unit_of_work_a_session_to_touch_or_end_is_written(
    new_uow: UowFactory,
) -> None:
    account = an_account(new_uow)
    to_touch = a_session(new_uow, account, idle_minutes=5)
    view = current_session(new_uow(), to_touch, FixedClock(NOW), reading=new_uow(read_only=True))
    assert view is not None
    assert view.expires_at.timestamp() == NOW.add(minutes=30).timestamp()
    idle = a_session(new_uow, account, idle_minutes=31)
    assert (
        current_session(new_uow(), idle, FixedClock(NOW), reading=new_uow(read_only=True)) is None
    )
    with new_uow(read_only=True) as uow:
        assert uow.sessions.holder(hash_token(idle)) is None
        touched = uow.sessions.holder(hash_token(to_touch))
    assert touched is not None
    assert touched[0].last_seen_at.timestamp() == NOW.timestamp()


def test_prolonger_restarts_the_idle_timer_even_within_the_minute(new_uow: UowFactory) -> None:
    account = an_account(new_uow)
    secret = a_session(new_uow, account, idle_minutes=0.5)
    view = extend_session(new_uow(), secret, FixedClock(NOW))
    assert view is not None
    assert view.expires_at.timestamp() == NOW.add(minutes=30).timestamp()
    with new_uow(read_only=True) as uow:
        touched = uow.sessions.holder(hash_token(secret))
    assert touched is not None
    assert touched[0].last_seen_at.timestamp() == NOW.timestamp()
    ended = a_session(new_uow, account, idle_minutes=45)
    assert extend_session(new_uow(), ended, FixedClock(NOW)) is None
    assert extend_session(new_uow(), "inconnu", FixedClock(NOW)) is None
