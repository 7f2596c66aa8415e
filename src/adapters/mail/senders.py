"""Mailers: SMTP (the real thing), console (a trial without a mail server), recording (tests)."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import parse_qs, unquote, urlsplit

from attrs import define, field

from portail_core.domain.messaging import RenderedEmail
from portail_core.errors import ConfigurationError, MailerError

__all__ = ["ConsoleMailer", "RecordingMailer", "SentEmail", "SmtpMailer", "build_message"]

log = logging.getLogger("portail.mail")
SMTP_TIMEOUT_SECONDS = 30


def build_message(sender: str, to: str, email: RenderedEmail, message_id: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, email.subject
    message["Message-ID"], message["Date"] = message_id, formatdate(localtime=False)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    return message


class SmtpMailer:
    """``smtp://[user:password@]host[:port][?starttls=true]`` or ``smtps://...`` (implicit TLS)."""

    def __init__(self, url: str, sender: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
            raise ConfigurationError(
                "PORTAIL_SMTP_URL invalide : "
                "smtp://utilisateur:motdepasse@serveur:587?starttls=true ou smtps://serveur:465"
            )
        self._implicit_tls = parts.scheme == "smtps"
        self._host = parts.hostname
        try:
            self._port = parts.port or (465 if self._implicit_tls else 25)
        except ValueError as error:
            raise ConfigurationError("PORTAIL_SMTP_URL : port invalide.") from error
        self._user = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        self._starttls = parse_qs(parts.query).get("starttls", ["false"])[0] == "true"
        self._sender = sender

    def send(self, to: str, email: RenderedEmail, message_id: str) -> None:
        """A failure is permanent only when the server refuses this message for good (5xx to
        its recipient or its content); a server that refuses everyone (at the greeting, at
        login, the sender) or asks to come back later (4xx, greylisting) is tried again."""
        message = build_message(self._sender, to, email, message_id)
        try:
            with self._connect() as server:
                if self._user and self._password:
                    server.login(self._user, self._password)
                server.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            if all(500 <= code < 600 for code in codes):
                raise MailerError(f"adresse refusée : {to}", permanent=True) from error
            raise MailerError(f"adresse à réessayer : {to} ({_codes(codes)})") from error
        except _REFUSING_EVERYONE as error:
            raise MailerError(
                f"serveur SMTP : {error.smtp_code} (refus du serveur, pas du courriel)"
            ) from error
        except smtplib.SMTPResponseException as error:
            permanent = 500 <= error.smtp_code < 600
            raise MailerError(f"serveur SMTP : {error.smtp_code}", permanent=permanent) from error
        except (smtplib.SMTPException, OSError) as error:
            raise MailerError(f"serveur SMTP injoignable : {error}") from error

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self._implicit_tls:
            return smtplib.SMTP_SSL(
                self._host, self._port, timeout=SMTP_TIMEOUT_SECONDS, context=context
            )
        server = smtplib.SMTP(self._host, self._port, timeout=SMTP_TIMEOUT_SECONDS)
        if self._starttls:
            server.starttls(context=context)
        return server


# Answers about the server or the portal's settings, not about the message: each message would
# get the same, so giving one up would give them all up (an address of the portal not yet
# allowed, a password changed on the server...).
_REFUSING_EVERYONE = (
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPSenderRefused,
)


def _codes(codes: list[int]) -> str:
    return ", ".join(str(code) for code in codes)


class ConsoleMailer:
    """Without a mail server (a trial of the portal), messages are written to the log, so that
    whoever runs ``make run`` can read them and follow their links."""

    def __init__(self, sender: str) -> None:
        self._sender = sender

    def send(self, to: str, email: RenderedEmail, message_id: str) -> None:
        log.warning(
            "E-mail not sent (no PORTAIL_SMTP_URL), shown here instead:\n"
            "To: %s\nSubject: %s\nMessage-ID: %s\n\n%s",
            to,
            email.subject,
            message_id,
            email.text,
        )


@define
class SentEmail:
    to: str
    email: RenderedEmail
    message_id: str


@define
class RecordingMailer:
    """Keeps what it is asked to send; ``failures`` queued there are raised first, in order."""

    sent: list[SentEmail] = field(factory=list)
    failures: list[MailerError] = field(factory=list)

    def send(self, to: str, email: RenderedEmail, message_id: str) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(SentEmail(to, email, message_id))
