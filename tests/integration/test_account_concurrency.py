"""Races the reviewer reproduced on PostgreSQL: concurrent wrong passwords must all count, and
one activation link must work once, however many requests use it at the same moment."""

import threading
from collections.abc import Callable

import pendulum

from adapters.clock import FixedClock
from adapters.passwords import PlainTestHasher
from portail_core.domain.accounts.account import (
    Account,
    AccountStatus,
    OneTimeToken,
    TokenPurpose,
    TooManyAttempts,
)
from portail_core.domain.audit import Actor
from portail_core.errors import NotAllowed
from portail_core.services.accounts.login import LoginFailed, authenticate
from portail_core.services.accounts.opening import activate_account
from portail_core.services.accounts.recovery import request_password_reset
from portail_core.services.dossiers.creation import create_family
from tests.integration.conftest import UowFactory
from tests.unit.dossier_builders import complete_family

NOW = pendulum.datetime(2026, 6, 15, 10, 0, tz="Europe/Paris")
STRONG = "cheval agrafe pile correct"


def race(count: int, attempt: Callable[[], None]) -> list[type]:
    """Run ``attempt`` in ``count`` threads released together; the exception types raised."""
    start, outcomes = threading.Barrier(count), list[type]()
    lock = threading.Lock()

    def run() -> None:
        start.wait()
        try:
            attempt()
            outcome: type = type(None)
        except Exception as error:
            outcome = type(error)
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def account_for(new_uow: UowFactory, clock: FixedClock) -> tuple[Account, str]:
    family_id = create_family(new_uow(), complete_family(), actor=Actor.staff("a"), clock=clock)
    account = Account(family_id, "martin.1", "claire.martin@example.fr", created_at=NOW)
    account.status, account.password_hash = AccountStatus.ACTIVE, PlainTestHasher().hash(STRONG)
    with new_uow() as uow:
        uow.accounts.add(account)
        assert account.id is not None
        secret, token = OneTimeToken.issue(account.id, TokenPurpose.ACTIVATION, NOW)
        uow.tokens.add(token)
        uow.commit()
    return account, secret


def test_concurrent_wrong_passwords_are_all_counted(new_uow: UowFactory) -> None:
    clock = FixedClock(NOW)
    account_for(new_uow, clock)

    def wrong() -> None:
        authenticate(
            new_uow(),
            "martin.1",
            "wrong",
            hasher=PlainTestHasher(),
            actor_ip="10.0.0.1",
            clock=clock,
        )

    outcomes = race(20, wrong)
    # One at a time: five wrong passwords are checked, then the temporisation refuses the rest.
    assert outcomes.count(LoginFailed) == 5
    assert len(outcomes) == 20
    with new_uow(read_only=True) as uow:
        stored = uow.accounts.by_identifier("martin.1")
    assert stored is not None
    assert stored.consecutive_failures == 5
    assert stored.blocked_until is not None


def test_one_activation_link_works_once_under_concurrent_use(new_uow: UowFactory) -> None:
    clock = FixedClock(NOW)
    _, secret = account_for(new_uow, clock)

    def use_link() -> None:
        activate_account(
            new_uow(), secret, STRONG, hasher=PlainTestHasher(), actor_ip="10.0.0.1", clock=clock
        )

    outcomes = race(8, use_link)
    assert outcomes.count(type(None)) == 1
    assert outcomes.count(NotAllowed) == 7
    with new_uow(read_only=True) as uow:
        activations = [e for e in uow.audit.latest(50) if e.action == "account.activate"]
    assert len(activations) == 1


def test_concurrent_attempts_on_an_unknown_identifier_are_throttled_alike(
    new_uow: UowFactory,
) -> None:
    clock = FixedClock(NOW)

    def guess() -> None:
        authenticate(
            new_uow(),
            "personne.1",
            "wrong",
            hasher=PlainTestHasher(),
            actor_ip="10.0.0.2",
            clock=clock,
        )

    outcomes = race(20, guess)
    assert outcomes.count(LoginFailed) == 5
    assert len(outcomes) == 20


def test_a_nul_character_in_an_identifier_is_just_a_failed_login(new_uow: UowFactory) -> None:
    clock = FixedClock(NOW)
    account_for(new_uow, clock)
    for identifier in ("mart\x00in.1", "\u202emartin.1"):
        try:
            authenticate(
                new_uow(),
                identifier,
                STRONG,
                hasher=PlainTestHasher(),
                actor_ip="10.0.0.3",
                clock=clock,
            )
        except LoginFailed:
            pass
        else:  # pragma: no cover - the assertion below reports it
            raise AssertionError("a control character must not log in")
    with new_uow(read_only=True) as uow:
        failures = [e for e in uow.audit.latest(10) if e.action == "login.failure"]
    assert failures
    assert all("\x00" not in e.actor.identifier for e in failures)


def test_forgotten_password_requests_are_limited(new_uow: UowFactory) -> None:
    clock = FixedClock(NOW)
    account_for(new_uow, clock)
    for n in range(5):  # the family's own identifier: at most 3 links an hour
        request_password_reset(
            new_uow(),
            "martin.1",
            public_url="https://x",
            hasher=PlainTestHasher(),
            actor_ip=f"10.1.0.{n}",
            clock=clock,
        )
    with new_uow(read_only=True) as uow:
        links = [m for m in uow.outbox.listing(20) if m.template == "password_reset"]
    assert len(links) == 3
    for n in range(20):
        request_password_reset(
            new_uow(),
            f"x.{n}",
            public_url="https://x",
            hasher=PlainTestHasher(),
            actor_ip="10.2.0.1",
            clock=clock,
        )
    try:
        request_password_reset(
            new_uow(),
            "x.99",
            public_url="https://x",
            hasher=PlainTestHasher(),
            actor_ip="10.2.0.1",
            clock=clock,
        )
    except TooManyAttempts:
        pass
    else:  # pragma: no cover
        raise AssertionError("the 21st request of an hour from one address must be refused")
