"""How each domain error is shown: HTTP status for the web, exit code for the command line.

The one place where the entrypoints decide this; messages come from the errors themselves.
"""

from __future__ import annotations

from attrs import frozen

from portail_core.errors import (
    ConfigurationError,
    Conflict,
    ExternalServiceError,
    InvalidInput,
    NotAllowed,
    NotFound,
    PortailError,
    RuleViolation,
)

__all__ = ["Presentation", "present"]


@frozen
class Presentation:
    http_status: int
    exit_code: int
    title: str


_PRESENTATIONS: dict[type[PortailError], Presentation] = {
    NotFound: Presentation(404, 3, "Page ou élément introuvable"),
    InvalidInput: Presentation(400, 2, "Informations invalides"),
    RuleViolation: Presentation(409, 4, "Opération refusée"),
    Conflict: Presentation(409, 5, "Conflit"),
    NotAllowed: Presentation(403, 6, "Accès refusé"),
    ConfigurationError: Presentation(503, 7, "Service indisponible"),
    ExternalServiceError: Presentation(502, 8, "Service extérieur indisponible"),
}
_DEFAULT = Presentation(500, 1, "Erreur")


def present(error: PortailError) -> Presentation:
    """The presentation of the most specific class the error belongs to."""
    for kind in type(error).__mro__:
        if kind in _PRESENTATIONS:
            return _PRESENTATIONS[kind]
    return _DEFAULT
