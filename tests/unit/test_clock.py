import pendulum
import pytest

from adapters.clock import FixedClock, SystemClock
from portail_core.domain.instants import PARIS, as_paris, as_utc


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
