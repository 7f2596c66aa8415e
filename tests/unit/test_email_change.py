"""A new e-mail for the main guardian reaches the account only once confirmed with the link sent
to it; the old address is told of the request. With the in-memory twins."""

import pendulum
import pytest

from adapters.clock import FixedClock
from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.memory.accounts import AccountState
from adapters.passwords import PlainTestHasher
from portail_core.domain.accounts.account import Account, TokenPurpose
from portail_core.domain.audit import Actor, AuditEvent, Channel
from portail_core.domain.messaging import OutgoingEmail
from portail_core.errors import NotAllowed
from portail_core.services.accounts.email_change import confirm_email_change, pending_email_change
from portail_core.services.accounts.opening import open_account
from portail_core.services.accounts.recovery import request_password_reset
from portail_core.services.dossiers.contacts import update_guardian_contact
from portail_core.services.dossiers.creation import create_family
from portail_core.services.dossiers.edits import DossierEdit, edit_family
from tests.unit.dossier_builders import YEAR, complete_family

NOW = pendulum.datetime(2026, 6, 15, 10, 0, tz="Europe/Paris")
STAFF = Actor.staff("agent")
FAMILY = Actor("martin.1", Channel.PORTAL)
URL = "https://famille.demo.example"
OLD = "claire.martin@example.fr"
NEW = "claire@nouveau.example"
PHONES = ["06 12 34 56 78"]


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def family_id(store: InMemoryStore, clock: FixedClock) -> int:
    """The Martins, whose account was opened with the main guardian's address."""
    family_id = create_family(uow(store), complete_family(), actor=STAFF, clock=clock)
    open_account(
        uow(store),
        family_id,
        school_year=YEAR,
        public_url=URL,
        hasher=PlainTestHasher(),
        actor=STAFF,
        clock=clock,
    )
    return family_id


def uow(store: InMemoryStore, *, read_only: bool = False) -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork(store, read_only=read_only)


def emails(store: InMemoryStore) -> list[OutgoingEmail]:
    """What the change wrote to the outbox, oldest first (the activation e-mail left out)."""
    with uow(store, read_only=True) as reading:
        newest_first = reading.outbox.listing(100)
    return [e for e in reversed(newest_first) if e.template != "account_activation"]


def account(store: InMemoryStore, family_id: int) -> Account:
    with uow(store, read_only=True) as reading:
        found = reading.accounts.of_family(family_id)
    assert found is not None
    return found


def audited(store: InMemoryStore, action: str) -> list[AuditEvent]:
    with uow(store, read_only=True) as reading:
        return [e for e in reading.audit.latest(100) if e.action == action]


def change_on_portal(
    store: InMemoryStore, clock: FixedClock, family_id: int, email: str | None, guardian: int = 1
) -> None:
    update_guardian_contact(
        uow(store),
        family_id,
        guardian,
        phones=PHONES,
        email=email,
        public_url=URL,
        actor=FAMILY,
        clock=clock,
    )


def secret_sent_to(store: InMemoryStore, address: str) -> str:
    (email,) = [
        e for e in emails(store) if e.template == "email_change_confirm" and e.to == address
    ]
    return str(email.context["confirm_url"]).rsplit("/", 1)[1]


def test_a_new_main_email_on_the_portal_gets_a_link_and_the_old_address_a_notice(
    store: InMemoryStore, clock: FixedClock, family_id: int
) -> None:
    change_on_portal(store, clock, family_id, NEW)
    confirm, notice = emails(store)
    assert (confirm.to, confirm.template) == (NEW, "email_change_confirm")
    assert str(confirm.context["confirm_url"]).startswith(f"{URL}/confirmation-courriel/")
    assert confirm.context["new_email"] == NEW
    assert (notice.to, notice.template) == (OLD, "email_change_notice")
    assert notice.context["new_email"] == NEW
    assert not any("url" in key for key in notice.context)  # no link to the old address
    assert account(store, family_id).email == OLD  # not before the family confirms
    (request,) = audited(store, "account.email_change_request")
    assert request.details == {"email": [OLD, NEW]}


def test_the_link_is_valid_72_hours_and_only_its_hash_is_stored(
    store: InMemoryStore, clock: FixedClock, family_id: int
) -> None:
    change_on_portal(store, clock, family_id, NEW)
    secret = secret_sent_to(store, NEW)
    (token,) = [
        t
        for t in store.committed(AccountState).tokens.values()
        if t.purpose is TokenPurpose.EMAIL_CHANGE
    ]
    assert token.new_email == NEW
    assert token.expires_at == NOW.add(hours=72)
    assert secret not in token.token_hash
    assert len(secret) >= 43  # 256 bits, URL-safe base64


def test_a_new_main_email_typed_at_the_desk_gets_the_link_too(
    store: InMemoryStore, clock: FixedClock, family_id: int
) -> None:
    edit_family(
        uow(store),
        family_id,
        DossierEdit(guardian=1, email=NEW),
        public_url=URL,
        actor=STAFF,
        clock=clock,
    )
    assert [(e.to, e.template) for e in emails(store)] == [
        (NEW, "email_change_confirm"),
        (OLD, "email_change_notice"),
    ]


@pytest.mark.parametrize(
    ("guardian", "email"),
    [
        (1, OLD),  # only the phones change
        (1, None),  # cleared
        (1, OLD.upper()),  # the account's address, written otherwise
        (2, NEW),  # the second guardian's e-mail is not the account's
    ],
)
def test_no_link_when_the_account_address_does_not_change(
    store: InMemoryStore, clock: FixedClock, family_id: int, guardian: int, email: str | None
) -> None:
    change_on_portal(store, clock, family_id, email, guardian)
    assert emails(store) == []
    assert audited(store, "account.email_change_request") == []
    assert account(store, family_id).email == OLD


def test_confirming_changes_the_account_email_and_audits_it(
    store: InMemoryStore, clock: FixedClock, family_id: int
) -> None:
    change_on_portal(store, clock, family_id, NEW)
    secret = secret_sent_to(store, NEW)
    assert pending_email_change(uow(store, read_only=True), secret, clock) == NEW
    clock.advance(pendulum.duration(hours=71))
    confirmed = confirm_email_change(uow(store), secret, actor_ip="192.0.2.7", clock=clock)
    assert confirmed.email == NEW
    assert account(store, family_id).email == NEW
    (event,) = audited(store, "account.email_change")
    assert event.actor == Actor("martin.1", Channel.PORTAL)
    assert event.details == {"ip": "192.0.2.7", "email": [OLD, NEW]}
    assert f"{OLD} -> {NEW}" in event.summary
    request_password_reset(
        uow(store),
        "martin.1",
        public_url=URL,
        hasher=PlainTestHasher(),
        actor_ip="192.0.2.7",
        clock=clock,
    )
    assert emails(store)[-1].template == "password_reset"
    assert emails(store)[-1].to == NEW


def test_a_used_link_is_refused(store: InMemoryStore, clock: FixedClock, family_id: int) -> None:
    change_on_portal(store, clock, family_id, NEW)
    secret = secret_sent_to(store, NEW)
    confirm_email_change(uow(store), secret, actor_ip="192.0.2.7", clock=clock)
    with pytest.raises(NotAllowed):
        confirm_email_change(uow(store), secret, actor_ip="192.0.2.7", clock=clock)
    assert pending_email_change(uow(store, read_only=True), secret, clock) is None
    assert len(audited(store, "account.email_change")) == 1


def test_an_expired_link_is_refused_and_changes_nothing(
    store: InMemoryStore, clock: FixedClock, family_id: int
) -> None:
    change_on_portal(store, clock, family_id, NEW)
    secret = secret_sent_to(store, NEW)
    clock.advance(pendulum.duration(hours=72))
    with pytest.raises(NotAllowed):
        confirm_email_change(uow(store), secret, actor_ip="192.0.2.7", clock=clock)
    assert account(store, family_id).email == OLD
    assert audited(store, "account.email_change") == []


def test_a_link_of_another_purpose_or_an_unknown_one_is_refused(
    store: InMemoryStore, clock: FixedClock, family_id: int
) -> None:
    request_password_reset(
        uow(store),
        "martin.1",
        public_url=URL,
        hasher=PlainTestHasher(),
        actor_ip="192.0.2.7",
        clock=clock,
    )
    reset = str(emails(store)[-1].context["reset_url"]).rsplit("/", 1)[1]
    for secret in (reset, "inconnu", "x" * 500):
        with pytest.raises(NotAllowed):
            confirm_email_change(uow(store), secret, actor_ip="192.0.2.7", clock=clock)
    assert account(store, family_id).email == OLD


def test_a_second_change_revokes_the_first_link(
    store: InMemoryStore, clock: FixedClock, family_id: int
) -> None:
    change_on_portal(store, clock, family_id, NEW)
    first = secret_sent_to(store, NEW)
    change_on_portal(store, clock, family_id, "claire@autre.example")
    second = secret_sent_to(store, "claire@autre.example")
    with pytest.raises(NotAllowed):
        confirm_email_change(uow(store), first, actor_ip="192.0.2.7", clock=clock)
    confirm_email_change(uow(store), second, actor_ip="192.0.2.7", clock=clock)
    assert account(store, family_id).email == "claire@autre.example"


def test_going_back_to_the_account_address_revokes_the_pending_link(
    store: InMemoryStore, clock: FixedClock, family_id: int
) -> None:
    change_on_portal(store, clock, family_id, NEW)
    secret = secret_sent_to(store, NEW)
    change_on_portal(store, clock, family_id, OLD)
    with pytest.raises(NotAllowed):
        confirm_email_change(uow(store), secret, actor_ip="192.0.2.7", clock=clock)
    assert account(store, family_id).email == OLD


def test_a_family_without_an_account_gets_no_link(store: InMemoryStore, clock: FixedClock) -> None:
    family_id = create_family(uow(store), complete_family(), actor=STAFF, clock=clock)
    change_on_portal(store, clock, family_id, NEW)
    assert emails(store) == []
