"""The commission's order of the candidates, and the family's rank on the waiting list.

The commune's criteria are compared in order (lexicographically): the first decides, the next
only separate candidates the first ones left equal. What is left equal is ordered by the date
of the request, then its number: the order depends on the candidates only, never on the order
in which they were read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import pendulum
from attrs import frozen

from portail_core.domain.sma.requests import SmaRequest, SmaState

__all__ = ["Candidate", "commission_order", "waiting_rank"]


@frozen
class Candidate:
    """A request as the commission weighs it: ``resident`` (the family lives in the commune),
    ``siblings_placed`` (another child of the family is already placed at an SMA)."""

    request: SmaRequest
    family_name: str
    resident: bool
    siblings_placed: bool

    def value(self, criterion: str) -> bool | date | pendulum.DateTime:
        """What the criterion compares, the smaller first: False before True for yes/no."""
        if criterion == "residence":
            return not self.resident
        if criterion == "siblings_placed":
            return not self.siblings_placed
        if criterion == "request_date":
            return self.request.requested_at
        if criterion == "start_date":
            return self.request.start_date
        raise KeyError(criterion)

    def key(self, criteria: Sequence[str]) -> tuple[object, ...]:
        request = self.request
        return (*(self.value(c) for c in criteria), request.requested_at, request.id or 0)


def commission_order(candidates: Iterable[Candidate], criteria: Sequence[str]) -> list[Candidate]:
    """The candidates in the commune's priority order."""
    return sorted(candidates, key=lambda candidate: candidate.key(criteria))


def waiting_rank(request: SmaRequest, others: Iterable[SmaRequest], code: str) -> int | None:
    """The request's place on ``code``'s waiting list, kept by date of request (1: first);
    None when it is not waiting for that structure."""
    if request.state is not SmaState.FILED or code not in request.wishes:
        return None
    mine = (request.requested_at, request.id or 0)
    return 1 + sum(
        1
        for other in others
        if other.state is SmaState.FILED
        and code in other.wishes
        and other.id != request.id
        and (other.requested_at, other.id or 0) < mine
    )
