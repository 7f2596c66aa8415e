"""E-mail: rendering French templates (.txt + .html pairs) and sending (SMTP, console, memory)."""

from adapters.mail.renderer import JinjaEmailRenderer
from adapters.mail.senders import ConsoleMailer, RecordingMailer, SmtpMailer

__all__ = ["ConsoleMailer", "JinjaEmailRenderer", "RecordingMailer", "SmtpMailer"]
