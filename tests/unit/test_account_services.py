"""Opening, activating and using a family's account, with the in-memory twins."""

import pendulum
import pytest

from adapters.clock import FixedClock
from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.passwords import PlainTestHasher
from portail_core.domain.accounts.account import (
    AccountLocked,
    AccountStatus,
    TokenPurpose,
    TooManyAttempts,
)
from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.completeness import SchoolYear
from portail_core.domain.messaging import OutgoingEmail
from portail_core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from portail_core.services.accounts.links import link_is_valid
from portail_core.services.accounts.login import LoginFailed, authenticate
from portail_core.services.accounts.opening import IncompleteDossier, activate_account, open_account
from portail_core.services.accounts.recovery import unlock_account, unlock_with_link
from portail_core.services.accounts.sessions import change_password
from portail_core.services.dossiers.creation import create_family
from tests.unit.dossier_builders import YEAR, complete_family

NOW = pendulum.datetime(2026, 6, 15, 10, 0, tz="Europe/Paris")
STAFF = Actor.staff("agent")
URL = "https://famille.demo.example"
STRONG = "cheval agrafe pile correct"


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def uow(store: InMemoryStore) -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork(store)


def family_in(store: InMemoryStore, clock: FixedClock, **changes: object) -> int:
    family = complete_family()
    for name, value in changes.items():
        setattr(family, name, value)
    return create_family(uow(store), family, actor=STAFF, clock=clock)


def open_for(store: InMemoryStore, clock: FixedClock, family_id: int, **options: bool) -> str:
    return open_account(
        uow(store),
        family_id,
        school_year=YEAR,
        public_url=URL,
        hasher=PlainTestHasher(),
        actor=STAFF,
        clock=clock,
        **options,
    ).identifier


def outbox(store: InMemoryStore) -> list[OutgoingEmail]:
    with InMemoryUnitOfWork(store) as reading:
        return reading.outbox.listing(10)


def activation_secret(store: InMemoryStore) -> str:
    url = outbox(store)[0].context["activation_url"]
    return url.rsplit("/", 1)[1]


def test_an_incomplete_dossier_gets_no_account_and_the_refusal_lists_what_is_missing(
    store: InMemoryStore, clock: FixedClock
) -> None:
    family_id = family_in(store, clock, documents=[])
    with pytest.raises(IncompleteDossier) as caught:
        open_for(store, clock, family_id)
    assert caught.value.missing == ("Justificatif de domicile de moins de 3 mois",)
    assert "Justificatif de domicile" in caught.value.message
    assert outbox(store) == []


def test_a_complete_dossier_gets_an_account_and_an_activation_email_in_one_commit(
    store: InMemoryStore, clock: FixedClock
) -> None:
    family_id = family_in(store, clock)
    unit = uow(store)
    opening = open_account(
        unit,
        family_id,
        school_year=YEAR,
        public_url=URL,
        hasher=PlainTestHasher(),
        actor=STAFF,
        clock=clock,
    )
    assert unit.commits == 1
    assert opening.identifier == f"martin.{family_id}"
    (email,) = outbox(store)
    assert (email.to, email.template) == ("claire.martin@example.fr", "account_activation")
    assert email.context["identifier"] == opening.identifier
    assert email.context["activation_url"].startswith(f"{URL}/activation/")
    assert email.context["expires"] == "jeudi 18 juin 2026 à 10h00"


def test_a_family_gets_one_account_only(store: InMemoryStore, clock: FixedClock) -> None:
    family_id = family_in(store, clock)
    open_for(store, clock, family_id)
    with pytest.raises(Conflict, match="déjà un compte"):
        open_for(store, clock, family_id)


def test_an_unknown_family_is_not_found(store: InMemoryStore, clock: FixedClock) -> None:
    with pytest.raises(NotFound):
        open_for(store, clock, 42)


def test_activation_sets_a_strong_password_once(store: InMemoryStore, clock: FixedClock) -> None:
    family_id = family_in(store, clock)
    identifier = open_for(store, clock, family_id)
    secret = activation_secret(store)
    assert link_is_valid(uow(store), secret, TokenPurpose.ACTIVATION, clock)
    with pytest.raises(InvalidInput) as weak:
        activate_account(
            uow(store),
            secret,
            "martin2026!!",
            hasher=PlainTestHasher(),
            actor_ip="127.0.0.1",
            clock=clock,
        )
    assert "password" in weak.value.problems
    account = activate_account(
        uow(store), secret, STRONG, hasher=PlainTestHasher(), actor_ip="127.0.0.1", clock=clock
    )
    assert account.status is AccountStatus.ACTIVE
    assert not link_is_valid(uow(store), secret, TokenPurpose.ACTIVATION, clock)
    with pytest.raises(NotAllowed, match="plus valable"):
        activate_account(
            uow(store), secret, STRONG, hasher=PlainTestHasher(), actor_ip="127.0.0.1", clock=clock
        )
    logged_in = authenticate(
        uow(store), identifier, STRONG, hasher=PlainTestHasher(), actor_ip="127.0.0.1", clock=clock
    )
    assert logged_in.family_id == family_id


def test_an_activation_link_expires_after_72_hours(store: InMemoryStore, clock: FixedClock) -> None:
    open_for(store, clock, family_in(store, clock))
    secret = activation_secret(store)
    clock.advance(pendulum.duration(hours=72))
    assert not link_is_valid(uow(store), secret, TokenPurpose.ACTIVATION, clock)


def test_unknown_identifier_and_wrong_password_get_the_same_answer(
    store: InMemoryStore, clock: FixedClock
) -> None:
    family_id = family_in(store, clock)
    identifier = open_for(store, clock, family_id)
    activate_account(
        uow(store),
        activation_secret(store),
        STRONG,
        hasher=PlainTestHasher(),
        actor_ip="127.0.0.1",
        clock=clock,
    )
    messages = []
    for who, password in ((identifier, "wrong password here"), ("nobody.9", STRONG)):
        with pytest.raises(LoginFailed) as caught:
            authenticate(
                uow(store),
                who,
                password,
                hasher=PlainTestHasher(),
                actor_ip="127.0.0.1",
                clock=clock,
            )
        messages.append(caught.value.message)
    assert messages == ["Identifiant ou mot de passe incorrect."] * 2


def test_ten_wrong_passwords_lock_the_account_and_the_audit_trail_shows_it(
    store: InMemoryStore, clock: FixedClock
) -> None:
    family_id = family_in(store, clock)
    identifier = open_for(store, clock, family_id)
    activate_account(
        uow(store),
        activation_secret(store),
        STRONG,
        hasher=PlainTestHasher(),
        actor_ip="127.0.0.1",
        clock=clock,
    )
    for attempt in range(10):
        with pytest.raises((LoginFailed, TooManyAttempts)):
            authenticate(
                uow(store),
                identifier,
                f"wrong {attempt}",
                hasher=PlainTestHasher(),
                actor_ip="10.0.0.1",
                clock=clock,
            )
        clock.advance(pendulum.duration(hours=2))  # wait out each temporisation
    with pytest.raises(AccountLocked):
        authenticate(
            uow(store),
            identifier,
            STRONG,
            hasher=PlainTestHasher(),
            actor_ip="10.0.0.1",
            clock=clock,
        )
    with InMemoryUnitOfWork(store) as reading:
        actions = [e.action for e in reading.audit.latest(50)]
    assert actions.count("login.failure") == 10
    assert "account.lock" in actions
    unlock_account(uow(store), family_id, actor=STAFF, clock=clock)
    assert (
        authenticate(
            uow(store),
            identifier,
            STRONG,
            hasher=PlainTestHasher(),
            actor_ip="10.0.0.1",
            clock=clock,
        ).family_id
        == family_id
    )


def test_the_temporary_password_variant_forces_a_change_and_expires_in_7_days(
    store: InMemoryStore, clock: FixedClock
) -> None:
    family_id = family_in(store, clock)
    identifier = open_for(store, clock, family_id, with_temporary_password=True)
    (email,) = outbox(store)
    assert email.template == "account_temporary_password"
    password = email.context["temporary_password"]
    assert len(password) == 19
    account = authenticate(
        uow(store),
        identifier,
        password,
        hasher=PlainTestHasher(),
        actor_ip="127.0.0.1",
        clock=clock,
    )
    assert account.must_change_password
    clock.advance(pendulum.duration(days=7))
    with pytest.raises(NotAllowed, match="provisoire a expiré"):
        authenticate(
            uow(store),
            identifier,
            password,
            hasher=PlainTestHasher(),
            actor_ip="127.0.0.1",
            clock=clock,
        )


def test_school_year_of_a_date() -> None:
    assert SchoolYear.containing(pendulum.date(2026, 8, 31)) == SchoolYear(2025)
    assert SchoolYear.containing(pendulum.date(2026, 9, 1)) == SchoolYear(2026)


def test_a_temporary_password_opens_one_session_only(
    store: InMemoryStore, clock: FixedClock
) -> None:
    family_id = family_in(store, clock)
    identifier = open_for(store, clock, family_id, with_temporary_password=True)
    password = outbox(store)[0].context["temporary_password"]
    authenticate(
        uow(store),
        identifier,
        password,
        hasher=PlainTestHasher(),
        actor_ip="127.0.0.1",
        clock=clock,
    )
    with pytest.raises(NotAllowed, match="provisoire a expiré"):
        authenticate(
            uow(store),
            identifier,
            password,
            hasher=PlainTestHasher(),
            actor_ip="127.0.0.1",
            clock=clock,
        )


@pytest.mark.parametrize("identifier", ["mart\x00in.1", "martin.1\n", "\x1b[2J"])
def test_identifiers_with_control_characters_are_just_wrong(
    store: InMemoryStore, clock: FixedClock, identifier: str
) -> None:
    open_for(store, clock, family_in(store, clock))
    with pytest.raises(LoginFailed):
        authenticate(
            uow(store),
            identifier,
            STRONG,
            hasher=PlainTestHasher(),
            actor_ip="127.0.0.1",
            clock=clock,
        )


def test_the_password_may_not_be_the_email_or_the_address(
    store: InMemoryStore, clock: FixedClock
) -> None:
    open_for(store, clock, family_in(store, clock))
    secret = activation_secret(store)
    for guess in ("claire.martin@example.fr", "12 rue des Pins 40200"):
        with pytest.raises(InvalidInput):
            activate_account(
                uow(store),
                secret,
                guess,
                hasher=PlainTestHasher(),
                actor_ip="127.0.0.1",
                clock=clock,
            )


@pytest.mark.parametrize("birth", ["14/03/2019", "14/03/19", "14032019", "2019-03-14"])
def test_the_password_may_not_rest_on_a_childs_birth_date(
    store: InMemoryStore, clock: FixedClock, birth: str
) -> None:
    open_for(store, clock, family_in(store, clock))  # Léa was born on 14 March 2019
    with pytest.raises(InvalidInput) as refused:
        activate_account(
            uow(store),
            activation_secret(store),
            f"Qx{birth}!z",
            hasher=PlainTestHasher(),
            actor_ip="127.0.0.1",
            clock=clock,
        )
    assert "nom de la commune, du portail ou de votre famille" in refused.value.problems["password"]


def test_an_unknown_identifier_is_throttled_exactly_like_an_account(
    store: InMemoryStore, clock: FixedClock
) -> None:
    identifier = open_for(store, clock, family_in(store, clock))
    activate_account(
        uow(store),
        activation_secret(store),
        STRONG,
        hasher=PlainTestHasher(),
        actor_ip="127.0.0.1",
        clock=clock,
    )

    def outcomes(who: str, address: str) -> list[str]:
        seen = []
        for _ in range(14):
            try:
                authenticate(
                    uow(store),
                    who,
                    "wrong guess here",
                    hasher=PlainTestHasher(),
                    actor_ip=address,
                    clock=clock,
                )
                seen.append("accepted")
            except (LoginFailed, TooManyAttempts, AccountLocked) as error:
                seen.append(type(error).__name__)
            clock.advance(pendulum.duration(seconds=50))  # within the delays: they show
        return seen

    real = outcomes(identifier, "10.0.0.1")
    assert "TooManyAttempts" in real  # the delays are part of what is compared
    assert real == outcomes("personne.1", "10.0.0.2")


def test_one_address_gets_at_most_100_failures_an_hour(
    store: InMemoryStore, clock: FixedClock
) -> None:
    for n in range(100):
        with pytest.raises(LoginFailed):
            authenticate(
                uow(store),
                f"inconnu.{n}",
                "x" * 12,
                hasher=PlainTestHasher(),
                actor_ip="203.0.113.7",
                clock=clock,
            )
    with pytest.raises(TooManyAttempts):
        authenticate(
            uow(store),
            "inconnu.999",
            "x" * 12,
            hasher=PlainTestHasher(),
            actor_ip="203.0.113.7",
            clock=clock,
        )
    with pytest.raises(LoginFailed):  # another address is not affected
        authenticate(
            uow(store),
            "inconnu.999",
            "x" * 12,
            hasher=PlainTestHasher(),
            actor_ip="198.51.100.1",
            clock=clock,
        )
    clock.advance(pendulum.duration(minutes=61))
    with pytest.raises(LoginFailed):  # an hour later, the address may try again
        authenticate(
            uow(store),
            "inconnu.1000",
            "x" * 12,
            hasher=PlainTestHasher(),
            actor_ip="203.0.113.7",
            clock=clock,
        )


def active_account_id(store: InMemoryStore, clock: FixedClock) -> int:
    open_for(store, clock, family_in(store, clock))
    account = activate_account(
        uow(store),
        activation_secret(store),
        STRONG,
        hasher=PlainTestHasher(),
        actor_ip="127.0.0.1",
        clock=clock,
    )
    assert account.id is not None
    return account.id


def wrong_current_password(
    store: InMemoryStore, clock: FixedClock, account_id: int, public_url: str | None = URL
) -> None:
    change_password(
        uow(store),
        account_id,
        "not the current one",
        "tulipe orange sous la pluie",
        hasher=PlainTestHasher(),
        actor_ip="127.0.0.1",
        clock=clock,
        public_url=public_url,
    )


def test_wrong_current_passwords_lock_the_account_and_email_the_same_unlock_link_as_a_login(
    store: InMemoryStore, clock: FixedClock
) -> None:
    account_id = active_account_id(store, clock)
    for _ in range(9):
        with pytest.raises(InvalidInput, match="mot de passe actuel"):
            wrong_current_password(store, clock, account_id)
        clock.advance(pendulum.duration(hours=2))  # wait out each temporisation
    assert [m.template for m in outbox(store)] == ["account_activation"]
    with pytest.raises(AccountLocked):
        wrong_current_password(store, clock, account_id)

    email = outbox(store)[0]
    assert email.template == "account_unlock"
    assert email.to == "claire.martin@example.fr"
    assert email.context["unlock_url"].startswith(f"{URL}/deblocage/")
    with InMemoryUnitOfWork(store) as reading:
        actions = [e.action for e in reading.audit.latest(3)]
    assert actions[0] == "account.lock"
    secret = email.context["unlock_url"].rsplit("/", 1)[1]
    unlock_with_link(uow(store), secret, actor_ip="127.0.0.1", clock=clock)
    account = authenticate(
        uow(store),
        "martin.1",
        STRONG,
        hasher=PlainTestHasher(),
        actor_ip="127.0.0.1",
        clock=clock,
    )
    assert not account.locked


def test_without_a_public_url_the_lock_sends_no_link(
    store: InMemoryStore, clock: FixedClock
) -> None:
    account_id = active_account_id(store, clock)
    for _ in range(9):
        with pytest.raises(InvalidInput):
            wrong_current_password(store, clock, account_id, public_url=None)
        clock.advance(pendulum.duration(hours=2))
    with pytest.raises(AccountLocked):
        wrong_current_password(store, clock, account_id, public_url=None)
    assert [m.template for m in outbox(store)] == ["account_activation"]
