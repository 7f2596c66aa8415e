"""Sending the outbox with the in-memory twins: once, with retries and backoff, never lost."""

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.clock import FixedClock
from adapters.mail import JinjaEmailRenderer, RecordingMailer
from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from portail_core.domain.messaging import EmailStatus, OutgoingEmail, retry_delay
from portail_core.errors import MailerError
from portail_core.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from portail_core.services.messaging import DispatchReport, dispatch_outbox, outbox_listing

NOW = pendulum.datetime(2027, 2, 10, 9, 0, tz="Europe/Paris")
CONTEXT = {
    "commune": "Ville de Démo-sur-Mer",
    "identifier": "famille.martin",
    "activation_url": "https://famille.demo.example/activation/abc",
    "expires": "samedi 13 février 2027 à 9h00",
}


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def factory(store: InMemoryStore) -> UnitOfWorkFactory:
    def open_unit_of_work(*, read_only: bool = False) -> UnitOfWork:
        return InMemoryUnitOfWork(store, read_only=read_only)

    return open_unit_of_work


def queue(
    store: InMemoryStore, to: str = "martin@example.fr", template: str = "account_activation"
) -> None:
    with InMemoryUnitOfWork(store) as uow:
        uow.outbox.add(OutgoingEmail(to, template, CONTEXT, created_at=NOW))
        uow.commit()


def dispatch(store: InMemoryStore, mailer: RecordingMailer, clock: FixedClock) -> DispatchReport:
    return dispatch_outbox(factory(store), JinjaEmailRenderer(), mailer, clock)


def statuses(store: InMemoryStore) -> list[EmailStatus]:
    return [m.status for m in outbox_listing(factory(store), 10)]


def test_a_queued_message_is_rendered_and_sent_once(
    store: InMemoryStore, clock: FixedClock
) -> None:
    queue(store)
    mailer = RecordingMailer()
    report = dispatch(store, mailer, clock)
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    assert dispatch(store, mailer, clock).sent == 0
    assert len(mailer.sent) == 1
    sent = mailer.sent[0]
    assert sent.to == "martin@example.fr"
    assert sent.email.subject == "Votre compte sur le Portail Famille de Ville de Démo-sur-Mer"
    assert "Votre identifiant : famille.martin" in sent.email.text
    assert 'href="https://famille.demo.example/activation/abc"' in sent.email.html
    assert sent.message_id == "<outbox-1@portail-famille>"
    assert statuses(store) == [EmailStatus.SENT]


def test_a_message_of_a_rolled_back_change_is_never_sent(
    store: InMemoryStore, clock: FixedClock
) -> None:
    with InMemoryUnitOfWork(store) as uow:
        uow.outbox.add(OutgoingEmail("a@b.fr", "account_activation", CONTEXT, created_at=NOW))
    mailer = RecordingMailer()
    assert dispatch(store, mailer, clock).sent == 0
    assert mailer.sent == []


def test_a_temporary_failure_is_retried_after_a_growing_delay(
    store: InMemoryStore, clock: FixedClock
) -> None:
    queue(store)
    mailer = RecordingMailer(failures=[MailerError("serveur injoignable")] * 2)
    assert dispatch(store, mailer, clock).retrying == 1
    assert dispatch(store, mailer, clock).retrying == 0  # not due yet: nothing attempted
    clock.advance(retry_delay(1))
    assert dispatch(store, mailer, clock).retrying == 1
    clock.advance(retry_delay(1))
    assert dispatch(store, mailer, clock).sent == 0  # the second delay is longer
    clock.advance(retry_delay(2))
    assert dispatch(store, mailer, clock).sent == 1
    message = outbox_listing(factory(store), 1)[0]
    assert (message.status, message.attempts, message.last_error) == (EmailStatus.SENT, 3, "")


def test_backoff_doubles_up_to_six_hours() -> None:
    assert [retry_delay(n).in_minutes() for n in (1, 2, 3, 4, 10, 20)] == [1, 2, 4, 8, 360, 360]


def test_a_permanent_failure_is_not_retried(store: InMemoryStore, clock: FixedClock) -> None:
    queue(store)
    mailer = RecordingMailer(failures=[MailerError("adresse refusée", permanent=True)])
    assert dispatch(store, mailer, clock).failed == 1
    clock.advance(pendulum.duration(days=1))
    assert dispatch(store, mailer, clock).sent == 0
    message = outbox_listing(factory(store), 1)[0]
    assert (message.status, message.last_error) == (EmailStatus.FAILED, "adresse refusée")


def test_after_eight_attempts_the_outbox_gives_up(store: InMemoryStore, clock: FixedClock) -> None:
    queue(store)
    mailer = RecordingMailer(failures=[MailerError("temporaire")] * 20)
    for _ in range(8):
        dispatch(store, mailer, clock)
        clock.advance(pendulum.duration(hours=7))
    message = outbox_listing(factory(store), 1)[0]
    assert (message.status, message.attempts) == (EmailStatus.FAILED, 8)


def test_an_unknown_template_fails_for_good_without_blocking_the_others(
    store: InMemoryStore, clock: FixedClock
) -> None:
    queue(store, template="no_such_template")
    queue(store, to="second@example.fr")
    mailer = RecordingMailer()
    report = dispatch(store, mailer, clock)
    assert (report.sent, report.failed) == (1, 1)
    assert [s.to for s in mailer.sent] == ["second@example.fr"]


def test_a_message_missing_a_template_variable_is_not_sent_with_a_blank(
    store: InMemoryStore, clock: FixedClock
) -> None:
    with InMemoryUnitOfWork(store) as uow:
        uow.outbox.add(
            OutgoingEmail("a@b.fr", "account_activation", {"commune": "X"}, created_at=NOW)
        )
        uow.commit()
    mailer = RecordingMailer()
    assert dispatch(store, mailer, clock).failed == 1
    assert mailer.sent == []


def test_a_claimed_message_is_not_claimed_again_until_its_claim_expires(
    store: InMemoryStore, clock: FixedClock
) -> None:
    queue(store)
    with InMemoryUnitOfWork(store) as uow:  # a dispatcher claims, then dies before sending
        assert len(uow.outbox.claim_due(clock.now(), 10)) == 1
        uow.commit()
    mailer = RecordingMailer()
    assert dispatch(store, mailer, clock).sent == 0
    clock.advance(pendulum.duration(minutes=16))
    assert dispatch(store, mailer, clock).sent == 1


def test_contexts_hold_strings_only() -> None:
    with pytest.raises(TypeError):
        OutgoingEmail("a@b.fr", "t", {"n": 1}, created_at=NOW)  # type: ignore[dict-item]  # the point


def test_links_and_passwords_are_forgotten_once_sent(
    store: InMemoryStore, clock: FixedClock
) -> None:
    queue(store)
    dispatch(store, RecordingMailer(), clock)
    (kept,) = outbox_listing(factory(store), 1)
    assert kept.context == dict.fromkeys(CONTEXT, "[effacé après envoi]")
    assert (kept.to, kept.template, kept.status) == (
        "martin@example.fr",
        "account_activation",
        EmailStatus.SENT,
    )


@settings(max_examples=50, deadline=None)
@given(
    extra=st.dictionaries(
        st.text(min_size=1, max_size=20).filter(lambda key: key not in CONTEXT),
        st.text(min_size=1, max_size=60),
        max_size=5,
    ),
    fails=st.booleans(),
)
def test_once_sent_or_given_up_no_value_of_any_key_is_kept(
    extra: dict[str, str], fails: bool
) -> None:
    """No list of secret keys to keep up to date: whatever a template is given, under whatever
    name (a new template's link), is gone from the outbox once the message is finished."""
    store, clock = InMemoryStore(), FixedClock(NOW)
    with InMemoryUnitOfWork(store) as uow:
        uow.outbox.add(OutgoingEmail("a@b.fr", "account_activation", CONTEXT | extra, NOW))
        uow.commit()
    failures = [MailerError("refusé", permanent=True)] if fails else []
    dispatch(store, RecordingMailer(failures=failures), clock)
    (kept,) = outbox_listing(factory(store), 1)
    assert kept.status is (EmailStatus.FAILED if fails else EmailStatus.SENT)
    assert set(kept.context) == set(CONTEXT | extra)
    assert set(kept.context.values()) == {"[effacé après envoi]"}


def test_a_finished_message_read_back_holds_no_context_whatever_it_was_built_with() -> None:
    for status in (EmailStatus.SENT, EmailStatus.FAILED):
        message = OutgoingEmail("a@b.fr", "t", {"confirm_url": "https://x/c/s"}, NOW, status)
        assert message.context == {"confirm_url": "[effacé après envoi]"}


def test_urgent_messages_are_sent_before_the_others_due_earlier(
    store: InMemoryStore, clock: FixedClock
) -> None:
    """A month's invoices queued first do not delay an unlock link queued after them."""
    for _ in range(5):
        queue(store, to="facture@example.fr")
    clock.advance(pendulum.duration(minutes=1))
    with InMemoryUnitOfWork(store) as uow:
        uow.outbox.add(
            OutgoingEmail("urgent@example.fr", "account_activation", CONTEXT, NOW, urgent=True)
        )
        uow.commit()
    mailer = RecordingMailer()
    dispatch_outbox(factory(store), JinjaEmailRenderer(), mailer, clock, limit=1)
    assert [sent.to for sent in mailer.sent] == ["urgent@example.fr"]


def test_a_message_awaiting_a_retry_keeps_its_link(store: InMemoryStore, clock: FixedClock) -> None:
    queue(store)
    dispatch(store, RecordingMailer(failures=[MailerError("temporaire")]), clock)
    assert outbox_listing(factory(store), 1)[0].context["activation_url"].startswith("https://")
