"""The two e-mails of a change of the main guardian's address, written in the dossier change's
transaction on each database and delivered to a real SMTP server (aiosmtpd on loopback)."""

import re
from email.message import EmailMessage

import pendulum

from adapters.clock import FixedClock
from adapters.mail import JinjaEmailRenderer
from adapters.passwords import PlainTestHasher
from portail_core.domain.audit import Actor, Channel
from portail_core.services.accounts.opening import open_account
from portail_core.services.dossiers.contacts import update_guardian_contact
from portail_core.services.dossiers.creation import create_family
from portail_core.services.messaging import dispatch_outbox
from tests.integration.conftest import UowFactory
from tests.integration.test_outbox_smtp import Inbox, inbox, smtp  # noqa: F401  (fixture)
from tests.unit.dossier_builders import YEAR, complete_family

NOW = pendulum.datetime(2026, 6, 15, 10, 0, tz="Europe/Paris")  # the dossier is complete
URL = "https://famille.demo.example"
NEW = "claire@nouveau.example"


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert isinstance(text, EmailMessage)
    assert isinstance(html, EmailMessage)
    return text.get_content(), html.get_content()


def test_the_new_address_gets_the_link_and_the_old_one_a_notice_without_link(
    new_uow: UowFactory, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    clock = FixedClock(NOW)
    staff = Actor.staff("agent")
    family_id = create_family(new_uow(), complete_family(), actor=staff, clock=clock)
    open_account(
        new_uow(),
        family_id,
        school_year=YEAR,
        public_url=URL,
        hasher=PlainTestHasher(),
        actor=staff,
        clock=clock,
    )
    update_guardian_contact(
        new_uow(),
        family_id,
        1,
        phones=["06 12 34 56 78"],
        email=NEW,
        public_url=URL,
        actor=Actor(f"martin.{family_id}", Channel.PORTAL),
        clock=clock,
    )
    report = dispatch_outbox(new_uow, JinjaEmailRenderer(), smtp(port), clock)
    assert report.sent == 3  # the activation, then the two about the change
    by_recipient = {message["To"]: message for message in handler.messages[1:]}
    confirm, notice = by_recipient[NEW], by_recipient["claire.martin@example.fr"]

    assert confirm["Subject"] == (
        "Confirmez la nouvelle adresse e-mail de votre compte Portail Famille"
    )
    text, html = parts(confirm)
    link = re.search(rf"{re.escape(URL)}/confirmation-courriel/[A-Za-z0-9_-]{{43}}", text)
    assert link is not None
    assert f'href="{link[0]}"' in html
    assert NEW in text
    assert '<html lang="fr">' in html

    assert notice["Subject"] == (
        "Changement d'adresse e-mail demandé pour votre compte Portail Famille"
    )
    text, html = parts(notice)
    assert NEW in text
    assert "http" not in text
    assert "href" not in html
