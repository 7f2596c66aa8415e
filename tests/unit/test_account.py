"""Login throttling, lockout and one-time tokens, as SECURITY.md states them."""

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from portail_core.domain.accounts.account import (
    Account,
    AccountLocked,
    OneTimeToken,
    TokenPurpose,
    TooManyAttempts,
    hash_token,
)

NOW = pendulum.datetime(2027, 2, 10, 9, 0, tz="Europe/Paris")


def account() -> Account:
    return Account(family_id=1, identifier="martin", email="martin@example.fr", created_at=NOW)


def fail(subject: Account, times: int, at: pendulum.DateTime = NOW) -> None:
    for _ in range(times):
        subject.record_failure(at)


def test_four_failures_cost_nothing() -> None:
    subject = account()
    fail(subject, 4)
    subject.check_can_attempt(NOW)  # no delay yet


def test_the_fifth_failure_imposes_one_minute_then_the_delay_doubles() -> None:
    subject = account()
    fail(subject, 5)
    with pytest.raises(TooManyAttempts, match="réessayez dans 1 minute") as caught:
        subject.check_can_attempt(NOW)
    assert caught.value.wait.in_seconds() == 60
    subject.check_can_attempt(NOW.add(minutes=1))
    subject.record_failure(NOW.add(minutes=1))
    with pytest.raises(TooManyAttempts, match="réessayez dans 2 minutes"):
        subject.check_can_attempt(NOW.add(minutes=1))
    subject.check_can_attempt(NOW.add(minutes=3))


def test_the_tenth_consecutive_failure_locks_the_account() -> None:
    subject = account()
    fail(subject, 9)
    assert not subject.locked
    subject.record_failure(NOW)
    assert subject.locked
    with pytest.raises(AccountLocked, match="bloqué"):
        subject.check_can_attempt(NOW.add(days=30))


def test_a_success_resets_the_count_but_not_the_daily_total() -> None:
    subject = account()
    for round_ in range(6):  # 6 x 4 = 24 failures within a day, never 5 in a row
        fail(subject, 4, NOW.add(minutes=round_))
        subject.record_success()
    assert not subject.locked
    subject.record_failure(NOW.add(minutes=10))  # the 25th in 24 hours
    assert subject.locked


def test_failures_older_than_a_day_are_forgotten() -> None:
    subject = account()
    for round_ in range(6):
        fail(subject, 4, NOW.add(hours=round_ * 5))
        subject.record_success()
    assert not subject.locked  # at most 20 within any 24 hours
    assert len(subject.recent_failures) <= 20


def test_unlock_restores_a_clean_slate() -> None:
    subject = account()
    fail(subject, 10)
    subject.unlock()
    subject.check_can_attempt(NOW)
    assert subject.consecutive_failures == 0


@given(st.integers(min_value=0, max_value=40))
def test_the_account_locks_exactly_at_ten_consecutive_failures(failures: int) -> None:
    subject = account()
    fail(subject, failures)
    assert subject.locked == (failures >= 10)


def test_a_token_is_single_use_and_expires() -> None:
    secret, token = OneTimeToken.issue(7, TokenPurpose.ACTIVATION, NOW)
    assert len(secret) >= 43  # 32 random bytes, URL-safe
    assert token.token_hash == hash_token(secret)
    assert secret not in token.token_hash
    assert token.matches(secret)
    assert not token.matches(secret + "x")
    assert token.usable(NOW.add(hours=71))
    assert not token.usable(NOW.add(hours=72))
    token.use(NOW)
    assert not token.usable(NOW)


@pytest.mark.parametrize(
    ("purpose", "hours"),
    [(TokenPurpose.ACTIVATION, 72), (TokenPurpose.PASSWORD_RESET, 1), (TokenPurpose.UNLOCK, 24)],
)
def test_each_kind_of_token_lives_as_long_as_security_md_says(
    purpose: TokenPurpose, hours: int
) -> None:
    _, token = OneTimeToken.issue(1, purpose, NOW)
    assert token.expires_at == NOW.add(hours=hours)


def test_two_tokens_never_share_a_secret() -> None:
    secrets = {OneTimeToken.issue(1, TokenPurpose.ACTIVATION, NOW)[0] for _ in range(100)}
    assert len(secrets) == 100


def test_a_revoked_token_is_unusable() -> None:
    _, token = OneTimeToken.issue(1, TokenPurpose.PASSWORD_RESET, NOW)
    token.revoked = True
    assert not token.usable(NOW)


def test_a_temporary_password_expires() -> None:
    subject = account()
    subject.must_change_password = True
    subject.password_expires_at = NOW.add(days=7)
    assert not subject.temporary_password_expired(NOW.add(days=6))
    assert subject.temporary_password_expired(NOW.add(days=7))
