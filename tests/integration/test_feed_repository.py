"""The calendar feeds' repository on the in-memory twin, SQLite and PostgreSQL alike: one feed per
family found by its secret's hash, a new one replacing the old, reads written back, deletion;
and migration 0019 creating and dropping its table."""

from __future__ import annotations

import pendulum
import pytest
from sqlalchemy import Engine, inspect, text

from adapters.clock import FixedClock
from adapters.persistence import downgrade, upgrade
from portail_core.domain.accounts.account import hash_token
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.feeds import CalendarFeed
from portail_core.services.feeds.tokens import create_feed
from tests.integration.conftest import UowFactory
from tests.integration.test_account_concurrency import race
from tests.integration.test_billing_repository import add_family

CREATED = pendulum.datetime(2026, 9, 1, 9, 0, tz="Europe/Paris")


def stored(new_uow: UowFactory, family_id: int) -> tuple[str, CalendarFeed]:
    secret, feed = CalendarFeed.issue(family_id, CREATED)
    with new_uow() as uow:
        saved = uow.calendar_feeds.replace(feed)
        uow.commit()
    assert saved.id is not None
    return secret, saved


def test_a_feed_is_found_by_family_and_by_its_hash_only(new_uow: UowFactory) -> None:
    family_id, _ = add_family(new_uow)
    _, feed = stored(new_uow, family_id)
    with new_uow(read_only=True) as uow:
        found = uow.calendar_feeds.of_family(family_id)
        by_hash = uow.calendar_feeds.by_token_hash(feed.token_hash)
        assert uow.calendar_feeds.by_token_hash("0" * 64) is None
        assert uow.calendar_feeds.of_family(family_id + 1) is None
    assert found is not None
    assert by_hash is not None
    assert (found.id, found.token_hash, found.created_at) == (feed.id, feed.token_hash, CREATED)
    assert (found.last_read_at, found.hour_started_at, found.reads_this_hour) == (None, None, 0)
    assert by_hash.family_id == family_id


def test_a_new_feed_replaces_the_old_one(new_uow: UowFactory) -> None:
    family_id, _ = add_family(new_uow)
    other_id, _ = add_family(new_uow, "Durand")
    _, old = stored(new_uow, family_id)
    _, others = stored(new_uow, other_id)
    _, new = stored(new_uow, family_id)
    with new_uow(read_only=True) as uow:
        assert uow.calendar_feeds.by_token_hash(old.token_hash) is None
        current = uow.calendar_feeds.of_family(family_id)
        assert uow.calendar_feeds.by_token_hash(others.token_hash) is not None
    assert current is not None
    assert current.token_hash == new.token_hash


def test_reads_are_written_back_and_a_deleted_feed_is_gone(new_uow: UowFactory) -> None:
    family_id, _ = add_family(new_uow)
    _, feed = stored(new_uow, family_id)
    read_at = CREATED.add(minutes=5)
    with new_uow() as uow:
        found = uow.calendar_feeds.by_token_hash(feed.token_hash, for_update=True)
        assert found is not None
        found.record_read(read_at)
        uow.calendar_feeds.update(found)
        uow.commit()
    with new_uow(read_only=True) as uow:
        again = uow.calendar_feeds.of_family(family_id)
    assert again is not None
    assert (again.last_read_at, again.hour_started_at, again.reads_this_hour) == (
        read_at,
        read_at,
        1,
    )
    with new_uow() as uow:
        assert uow.calendar_feeds.delete_of_family(family_id)
        assert not uow.calendar_feeds.delete_of_family(family_id)
        uow.commit()
    with new_uow(read_only=True) as uow:
        assert uow.calendar_feeds.of_family(family_id) is None
        assert uow.calendar_feeds.by_token_hash(feed.token_hash) is None


def test_nothing_is_kept_without_commit(new_uow: UowFactory) -> None:
    family_id, _ = add_family(new_uow)
    with new_uow() as uow:
        uow.calendar_feeds.replace(CalendarFeed.issue(family_id, CREATED)[1])
    with new_uow(read_only=True) as uow:
        assert uow.calendar_feeds.of_family(family_id) is None


def test_creations_at_the_same_moment_leave_one_feed(new_uow: UowFactory) -> None:
    """A double click: the family's row is locked, the creations run one after the other."""
    family_id, _ = add_family(new_uow)
    secrets: list[str] = []

    def create() -> None:
        actor = Actor("martin.1", Channel.PORTAL)
        secrets.append(
            create_feed(new_uow(), FixedClock(CREATED), family_id=family_id, actor=actor)
        )

    assert race(4, create) == [type(None)] * 4
    with new_uow(read_only=True) as uow:
        feed = uow.calendar_feeds.of_family(family_id)
    assert feed is not None
    assert len(set(secrets)) == 4
    assert [hash_token(s) for s in secrets].count(feed.token_hash) == 1  # the last one kept


@pytest.mark.parametrize("revision", ["0018"])
def test_migration_0019_creates_the_table_and_its_downgrade_drops_it(
    empty_engine: Engine, revision: str
) -> None:
    upgrade(empty_engine, revision)
    assert "calendar_feeds" not in inspect(empty_engine).get_table_names()
    upgrade(empty_engine, "0019")
    inspector = inspect(empty_engine)
    assert "calendar_feeds" in inspector.get_table_names()
    unique = {c["name"] for c in inspector.get_unique_constraints("calendar_feeds")}
    assert {"uq_calendar_feeds_family_id", "uq_calendar_feeds_token_hash"} <= unique
    with empty_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO families (name, data, created_at, updated_at) "
                "VALUES ('F', '{}', '2026-09-01 08:00:00', '2026-09-01 08:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO calendar_feeds (family_id, token_hash, created_at, reads_this_hour) "
                "SELECT id, 'h1', '2026-09-01 08:00:00', 0 FROM families"
            )
        )
    downgrade(empty_engine, revision)
    assert "calendar_feeds" not in inspect(empty_engine).get_table_names()
    assert list(inspect(empty_engine).get_table_names()).count("families") == 1
