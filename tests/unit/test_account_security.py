"""What a security review asked of the accounts, with the in-memory twins: a password typed in
the identifier field is written nowhere, and a family locked out by someone else gets its unlock
link first and can use it at once."""

import hashlib
import re

import pendulum
import pytest

from adapters.clock import FixedClock
from adapters.mail import JinjaEmailRenderer, RecordingMailer
from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.passwords import Argon2PasswordHasher, PlainTestHasher
from portail_core.domain.accounts.account import AccountLocked, TooManyAttempts
from portail_core.domain.messaging import OutgoingEmail
from portail_core.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from portail_core.services.accounts.login import LoginFailed, authenticate
from portail_core.services.accounts.recovery import (
    request_password_reset,
    reset_password,
    unlock_with_link,
)
from portail_core.services.messaging import dispatch_outbox
from tests.unit.test_account_services import (  # noqa: F401  (fixtures reused)
    NOW,
    STRONG,
    URL,
    active_account_id,
    clock,
    family_in,
    open_for,
    outbox,
    store,
    uow,
)

TYPED = "Tulipe orange sous la pluie"  # a family's password, typed in the identifier field


def log_in(store: InMemoryStore, clock: FixedClock, who: str, password: str) -> None:
    authenticate(
        uow(store),
        who,
        password,
        hasher=PlainTestHasher(),
        actor_ip="10.0.0.1",
        clock=clock,
        public_url=URL,
    )


def plain_hashes(text: str) -> set[str]:
    """What anyone could recompute from a guess: the text's unkeyed SHA-256, as typed or as
    the login compares it (trimmed, lower case)."""
    return {hashlib.sha256(t.encode()).hexdigest() for t in (text, text.strip().lower())}


def test_a_password_typed_as_identifier_is_neither_audited_nor_hashed_without_a_key(
    store: InMemoryStore, clock: FixedClock
) -> None:
    active_account_id(store, clock)
    with pytest.raises(LoginFailed):
        log_in(store, clock, TYPED, "anything at all")
    request_password_reset(
        uow(store),
        TYPED,
        public_url=URL,
        hasher=PlainTestHasher(),
        actor_ip="10.0.0.1",
        clock=clock,
    )
    with InMemoryUnitOfWork(store) as reading:
        (failure,) = [e for e in reading.audit.latest(50) if e.action == "login.failure"]
    assert failure.actor.identifier == "identifiant inconnu"
    assert failure.summary == "Échec de connexion : identifiant inconnu"
    assert failure.family_id is None
    everything = repr(store)  # every row of the in-memory database: audit, throttles...
    for trace in (TYPED, TYPED.lower(), *plain_hashes(TYPED)):
        assert trace not in everything


def test_an_unknown_identifier_is_still_throttled_and_locked_like_an_account(
    store: InMemoryStore, clock: FixedClock
) -> None:
    for attempt in range(10):
        with pytest.raises((LoginFailed, TooManyAttempts)):
            log_in(store, clock, TYPED, f"wrong {attempt}")
        clock.advance(pendulum.duration(hours=2))
    with pytest.raises(AccountLocked):
        log_in(store, clock, f"  {TYPED.upper()} ", "wrong again")  # typed alike, same throttle


def test_a_failed_login_on_an_account_not_yet_activated_names_the_account(
    store: InMemoryStore, clock: FixedClock
) -> None:
    family_id = family_in(store, clock)
    identifier = open_for(store, clock, family_id)
    with pytest.raises(LoginFailed):
        log_in(store, clock, identifier, STRONG)
    with InMemoryUnitOfWork(store) as reading:
        (failure,) = [e for e in reading.audit.latest(50) if e.action == "login.failure"]
    assert (failure.actor.identifier, failure.family_id) == (identifier, family_id)


def test_the_digest_is_keyed_the_same_in_every_process_of_an_installation() -> None:
    one, other = Argon2PasswordHasher("clé " * 10), Argon2PasswordHasher("clé " * 10)
    elsewhere = Argon2PasswordHasher("autre clé " * 5)
    assert one.digest(TYPED) == other.digest(TYPED) != elsewhere.digest(TYPED)
    assert one.digest(TYPED) not in plain_hashes(TYPED)
    assert Argon2PasswordHasher().digest(TYPED) != Argon2PasswordHasher().digest(TYPED)


def lock_out(store: InMemoryStore, clock: FixedClock, identifier: str) -> None:
    """Someone who knows the identifier tries ten wrong passwords (waiting out each delay)."""
    for attempt in range(10):
        with pytest.raises((LoginFailed, TooManyAttempts)):
            log_in(store, clock, identifier, f"wrong {attempt}")
        clock.advance(pendulum.duration(hours=2))
    with pytest.raises(AccountLocked):
        log_in(store, clock, identifier, STRONG)


def identifier_of(store: InMemoryStore, account_id: int) -> str:
    with InMemoryUnitOfWork(store) as reading:
        account = reading.accounts.get(account_id)
    assert account is not None
    return account.identifier


def queue_backlog(store: InMemoryStore, count: int) -> None:
    """A month's e-mails waiting to be sent (invoices, notices), queued before the lockout."""
    context = {"commune": "Ville", "identifier": "x", "activation_url": "u", "expires": "e"}
    with InMemoryUnitOfWork(store) as writing:
        for n in range(count):
            writing.outbox.add(
                OutgoingEmail(f"f{n}@example.fr", "account_activation", context, NOW)
            )
        writing.commit()


def factory(store: InMemoryStore) -> UnitOfWorkFactory:
    def open_unit_of_work(*, read_only: bool = False) -> UnitOfWork:
        return InMemoryUnitOfWork(store, read_only=read_only)

    return open_unit_of_work


def test_a_locked_out_family_gets_its_unlock_link_first_and_it_works_at_once(
    store: InMemoryStore, clock: FixedClock
) -> None:
    identifier = identifier_of(store, active_account_id(store, clock))
    dispatch_outbox(factory(store), JinjaEmailRenderer(), RecordingMailer(), clock)
    queue_backlog(store, 30)
    lock_out(store, clock, identifier)
    mailer = RecordingMailer()
    dispatch_outbox(factory(store), JinjaEmailRenderer(), mailer, clock, limit=1)
    (first,) = mailer.sent
    assert first.to == "claire.martin@example.fr"
    assert "bloqué" in first.email.subject
    link = re.search(rf"{re.escape(URL)}/deblocage/(\S+)", first.email.text)
    assert link is not None
    unlock_with_link(uow(store), link[1], actor_ip="192.0.2.7", clock=clock)
    log_in(store, clock, identifier, STRONG)  # at once: no delay left from the attack


def test_a_password_reset_unlocks_a_locked_account(store: InMemoryStore, clock: FixedClock) -> None:
    identifier = identifier_of(store, active_account_id(store, clock))
    lock_out(store, clock, identifier)
    request_password_reset(
        uow(store),
        identifier,
        public_url=URL,
        hasher=PlainTestHasher(),
        actor_ip="192.0.2.7",
        clock=clock,
    )
    (email,) = [m for m in outbox(store) if m.template == "password_reset"]
    assert email.urgent
    secret = email.context["reset_url"].rsplit("/", 1)[1]
    new_password = "girafe bleue dans la neige"
    reset_password(
        uow(store),
        secret,
        new_password,
        hasher=PlainTestHasher(),
        actor_ip="192.0.2.7",
        clock=clock,
    )
    log_in(store, clock, identifier, new_password)


def test_the_locked_account_message_names_every_way_out() -> None:
    message = AccountLocked().message
    assert "lien envoyé par courriel" in message
    assert "Mot de passe oublié" in message
    assert "guichet unique" in message
