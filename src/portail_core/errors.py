"""The domain's errors, one hierarchy for every use case.

Each error carries a French message meant for the person who caused it (a family or a member of
staff); the entrypoints decide how to show it (HTTP status, exit code) in one place
(``entrypoints.errors``) and never need to parse it.

::

    PortailError                      base of every error the core raises on purpose
    ├── NotFound                      no such thing, or not yours (answered as 404, never leaked)
    ├── InvalidInput                  a value is malformed or out of range; ``problems`` per field
    ├── RuleViolation                 a business rule refuses the action (deadline, capacity...)
    ├── Conflict                      the action clashes with the current state (already exists,
    │                                 changed meanwhile)
    ├── NotAllowed                    the actor may not do this
    ├── ConfigurationError            the installation is misconfigured (bad setting, database
    │                                 not migrated); a message for the operator
    └── ExternalServiceError          a service outside the portal failed; ``permanent`` when
        │                             trying again cannot help
        ├── MailerError               the mail server refused the message or could not be reached
        └── OnlinePaymentError        PayFiP refused a request (``code``: R3, A2, M3...) or could
            │                         not be reached (``code`` empty)
            ├── PaymentNotKnownYet    P5: no result yet, the family may still be paying
            └── PaymentUnknown        P1: PayFiP does not know the operation (or has purged it)
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "ConfigurationError",
    "Conflict",
    "ExternalServiceError",
    "InvalidInput",
    "MailerError",
    "NotAllowed",
    "NotFound",
    "OnlinePaymentError",
    "PaymentNotKnownYet",
    "PaymentUnknown",
    "PortailError",
    "RuleViolation",
]


class PortailError(Exception):
    """Base of the hierarchy; ``message`` is French and safe to show to the person acting."""

    default_message = "L'opération n'a pas pu aboutir."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class NotFound(PortailError):
    """The thing does not exist, or belongs to someone else: both look the same from outside."""

    default_message = "Élément introuvable."


class InvalidInput(PortailError):
    """Malformed or out-of-range input; ``problems`` maps a field name to its French message."""

    default_message = "Certaines informations saisies ne sont pas valides."

    def __init__(self, message: str | None = None, problems: Mapping[str, str] | None = None):
        super().__init__(message)
        self.problems: dict[str, str] = dict(problems or {})


class RuleViolation(PortailError):
    """A business rule refuses the action; the message says which and why."""

    default_message = "Cette opération n'est pas permise par le règlement."


class Conflict(PortailError):
    """The action clashes with the current state (a duplicate, a concurrent change)."""

    default_message = "Cette opération entre en conflit avec une modification existante."


class NotAllowed(PortailError):
    """The acting person may not do this."""

    default_message = "Vous n'avez pas les droits pour cette opération."


class ConfigurationError(PortailError):
    """The installation is misconfigured; the message tells the operator what to fix."""

    default_message = "Configuration du portail invalide."


class ExternalServiceError(PortailError):
    """A service outside the portal failed; ``permanent`` when trying again cannot help."""

    default_message = "Un service extérieur au portail n'a pas répondu comme prévu."

    def __init__(self, message: str | None = None, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class MailerError(ExternalServiceError):
    """Sending an e-mail failed; ``permanent`` when the address or the message was refused."""

    default_message = "Le courriel n'a pas pu être remis au serveur de messagerie."


class OnlinePaymentError(ExternalServiceError):
    """PayFiP answered with a fault (``code``: its code, ``label``: its words) or could not be
    reached in time (``code`` empty). Nothing was paid through this request."""

    default_message = (
        "Le service de paiement en ligne des Finances Publiques ne répond pas pour l'instant : "
        "rien n'a été payé. Réessayez dans quelques minutes."
    )

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str = "",
        label: str = "",
        permanent: bool = False,
    ) -> None:
        super().__init__(message, permanent=permanent)
        self.code, self.label = code, label


class PaymentNotKnownYet(OnlinePaymentError):
    """P5: PayFiP has no result for the operation yet; the family may still be paying."""


class PaymentUnknown(OnlinePaymentError):
    """P1: PayFiP does not know the operation, or has purged it (after about a day)."""
