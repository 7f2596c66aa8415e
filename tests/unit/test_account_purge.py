"""When a login throttle may be forgotten (``LoginThrottle.forgettable``): never while it still
changes an answer; an unknown identifier's only after a month of quiet, locked or not."""

import pendulum
from hypothesis import given
from hypothesis import strategies as st

from portail_core.domain.accounts.throttle import (
    COUNTER_MEMORY,
    STAND_IN_MEMORY,
    LoginThrottle,
    identifier_key,
    ip_key,
)

NOW = pendulum.datetime(2026, 11, 20, 10, 0, tz="UTC")
KEYS = st.sampled_from(
    [ip_key("10.0.0.1"), ip_key("10.0.0.1", "reset"), ip_key("::1", "feed"), "reset-id:ab"]
)
AGES = st.lists(st.integers(min_value=0, max_value=60 * 24 * 60), max_size=30)  # minutes


def counted(key: str, ages: list[int]) -> LoginThrottle:
    throttle = LoginThrottle(key)
    for age in sorted(ages, reverse=True):  # oldest first, as they happened
        throttle.fail_as_address(NOW.subtract(minutes=age))
    return throttle


@given(KEYS, AGES)
def test_a_counter_forgotten_would_have_answered_like_a_new_one(key: str, ages: list[int]) -> None:
    throttle = counted(key, ages)
    if throttle.forgettable(NOW):
        assert throttle.hourly_count(NOW) == 0
        throttle.check_as_address(NOW, limit=1)  # no wait, however low the limit
    if any(age * 60 < COUNTER_MEMORY.total_seconds() for age in ages):
        assert not throttle.forgettable(NOW)


@given(st.integers(min_value=1, max_value=12), st.integers(min_value=0, max_value=60 * 24 * 60))
def test_an_unknown_identifier_is_remembered_for_a_month_after_its_last_failure(
    failures: int, minutes_ago: int
) -> None:
    throttle = LoginThrottle(identifier_key("digest"))
    last = NOW.subtract(minutes=minutes_ago)
    for n in range(failures):
        throttle.fail_as_identifier(last.subtract(minutes=failures - 1 - n))
    quiet = minutes_ago * 60 >= STAND_IN_MEMORY.total_seconds()
    assert throttle.forgettable(NOW) is quiet
    if failures >= 10:
        assert throttle.locked  # forgotten after a month all the same, as an unlock would be


def test_a_throttle_that_never_counted_is_forgotten() -> None:
    assert LoginThrottle(ip_key("10.0.0.1")).forgettable(NOW)
