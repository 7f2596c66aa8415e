"""The commune's rules for SMA pre-registrations (the commune file's ``[sma]`` table).

``criteria``: the commission's priority criteria, the first one deciding, the next only between
candidates the first ones do not separate (lexicographic order: simple to explain to a family).
Each criterion is one yes/no or one date, defined in ``CRITERIA``. Ties left are broken by the
date of the request, then by its number: the order never depends on how the list was read.
"""

from __future__ import annotations

from collections.abc import Iterable

from attrs import frozen

__all__ = ["CRITERIA", "DEFAULT_CRITERIA", "SmaSettings"]

CRITERIA = {
    "residence": "la famille habite la commune (les résidents d'abord)",
    "siblings_placed": "un frère ou une sœur est déjà accueilli à la SMA (d'abord)",
    "request_date": "la date de la demande (la plus ancienne d'abord)",
    "start_date": "la date d'entrée souhaitée (la plus proche d'abord)",
}
DEFAULT_CRITERIA = ("residence", "siblings_placed", "request_date")
MAX_CONFIRM_MONTHS = 24
MAX_GRACE_DAYS = 90


@frozen
class SmaSettings:
    """``confirm_months``: a request on the waiting list is confirmed by the family every so
    many months; ``grace_days``: after the reminder e-mail, the days it has before the request
    is dropped (radiée)."""

    criteria: tuple[str, ...] = DEFAULT_CRITERIA
    confirm_months: int = 6
    grace_days: int = 30

    @classmethod
    def create(
        cls, *, criteria: Iterable[str] | None = None, confirm_months: int = 6, grace_days: int = 30
    ) -> SmaSettings:
        """Raises ValueError (French, as the commune file's reader shows it) when wrong."""
        chosen = tuple(DEFAULT_CRITERIA if criteria is None else criteria)
        unknown = [c for c in chosen if c not in CRITERIA]
        if unknown or not chosen or len(set(chosen)) != len(chosen):
            raise ValueError("les critères sont des noms distincts parmi : " + ", ".join(CRITERIA))
        if not 1 <= confirm_months <= MAX_CONFIRM_MONTHS:
            raise ValueError(f"confirm_months va de 1 à {MAX_CONFIRM_MONTHS} (mois)")
        if not 1 <= grace_days <= MAX_GRACE_DAYS:
            raise ValueError(f"grace_days va de 1 à {MAX_GRACE_DAYS} (jours)")
        return cls(chosen, confirm_months, grace_days)

    def explained(self) -> list[str]:
        """The criteria in French, in their order."""
        return [CRITERIA[name] for name in self.criteria]
