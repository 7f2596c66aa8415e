from datetime import UTC, datetime, timedelta, timezone

import pendulum
import pytest

from adapters.clock import FixedClock, SystemClock
from portail_core.domain.shared.instants import PARIS, as_paris, as_utc, utc_from_wall_clock


def test_the_system_clock_reads_the_paris_wall_clock() -> None:
    now = SystemClock().now()
    assert now.timezone_name == "Europe/Paris"
    assert abs((now - pendulum.now("UTC")).total_seconds()) < 60


def test_a_fixed_clock_gives_the_paris_date_even_when_utc_is_still_yesterday() -> None:
    clock = FixedClock(pendulum.datetime(2026, 6, 30, 22, 30, tz="UTC"))
    assert clock.now().hour == 0  # summer time: UTC+2
    assert clock.today() == pendulum.date(2026, 7, 1)


def test_a_fixed_clock_moves_only_when_told() -> None:
    clock = FixedClock(pendulum.datetime(2026, 3, 28, 12, 0, tz=PARIS))
    clock.advance(pendulum.duration(days=1))
    assert clock.now() == pendulum.datetime(2026, 3, 29, 12, 0, tz=PARIS)
    assert clock.now().offset_hours == 2  # crossed the change to summer time
    clock.set(pendulum.datetime(2026, 1, 1, tz="UTC"))
    assert clock.now().offset_hours == 1


def test_instants_convert_between_paris_and_utc_without_changing() -> None:
    instant = pendulum.datetime(2026, 12, 24, 18, 0, tz=PARIS)
    assert as_utc(instant).hour == 17
    assert as_paris(as_utc(instant)) == instant


def test_naive_datetimes_are_refused() -> None:
    naive = pendulum.naive(2026, 1, 1, 8, 0)
    with pytest.raises(ValueError, match="naive"):
        as_paris(naive)


def test_a_utc_wall_clock_time_becomes_the_same_instant_in_utc() -> None:
    stored = datetime(2026, 10, 25, 1, 30, 5, 7)  # noqa: DTZ001  (as the database gives it)
    instant = utc_from_wall_clock(stored)
    assert instant == pendulum.datetime(2026, 10, 25, 1, 30, 5, 7, tz="UTC")
    assert isinstance(instant, pendulum.DateTime)
    assert instant.timezone_name == "UTC"
    assert as_paris(instant).hour == 2  # 01:30 UTC is 02:30 in Paris (winter time since 01:00)
    assert utc_from_wall_clock(stored.replace(tzinfo=UTC)) == instant


def test_a_wall_clock_time_at_another_offset_is_refused() -> None:
    with pytest.raises(ValueError, match="UTC"):
        utc_from_wall_clock(datetime(2026, 1, 1, 8, 0, tzinfo=timezone(timedelta(hours=1))))


def test_an_instant_already_in_utc_is_returned_as_it_is() -> None:
    instant = pendulum.datetime(2026, 1, 1, 8, 0, tz="UTC")
    assert as_utc(instant) is instant
    in_paris = pendulum.datetime(2026, 1, 1, 8, 0, tz=PARIS)
    assert as_utc(in_paris) is not in_paris
    assert as_utc(in_paris).timezone_name == "UTC"
    with pytest.raises(ValueError, match="naive"):
        as_utc(pendulum.naive(2026, 1, 1, 8, 0))
