"""Changes a family asks for that affect its invoices (address, quotient familial): they wait
for the guichet unique's approval; the family sees them as pending."""

from __future__ import annotations

import enum

import pendulum
from attrs import define, field

from portail_core.domain.dossiers.family import QuotientSource
from portail_core.domain.shared.instants import as_utc

__all__ = ["ChangeKind", "ChangeRequest", "ChangeStatus"]


class ChangeKind(enum.Enum):
    ADDRESS = "address"  # of the main guardian: residency decides the tariff
    QUOTIENT = "quotient"  # the quotient familial decides the bracket

    @property
    def label(self) -> str:
        return {ChangeKind.ADDRESS: "adresse", ChangeKind.QUOTIENT: "quotient familial"}[self]

    @property
    def of_label(self) -> str:
        """« d'adresse », « de quotient familial »."""
        return {ChangeKind.ADDRESS: "d'adresse", ChangeKind.QUOTIENT: "de quotient familial"}[self]


class ChangeStatus(enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {
            ChangeStatus.PENDING: "en attente de validation",
            ChangeStatus.APPROVED: "validé",
            ChangeStatus.REJECTED: "refusé",
        }[self]


@define(slots=False, eq=False)
class ChangeRequest:
    family_id: int
    kind: ChangeKind
    proposed: dict[str, str]  # the new values, already checked when requested
    requested_at: pendulum.DateTime = field(converter=as_utc)
    requested_by: str
    status: ChangeStatus = ChangeStatus.PENDING
    decided_at: pendulum.DateTime | None = None
    decided_by: str | None = None
    reason: str = ""
    id: int | None = field(default=None, kw_only=True)

    def describe(self) -> str:
        if self.kind is ChangeKind.ADDRESS:
            p = self.proposed
            return f"{p['street']}, {p['postcode']} {p['city']}"  # "previous" is for the check
        p = self.proposed
        source = QuotientSource(p["source"]).label
        start = "/".join(reversed(p["valid_from"].split("-")))  # 2026-09-01 -> 01/09/2026
        return f"{p['value']} ({source}, à partir du {start})"
