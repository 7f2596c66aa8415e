"""Changes a family asks for that affect its invoices (address, quotient familial, a child's
PAI): they wait for the guichet unique's approval; the family sees them as pending.

A PAI (projet d'accueil individualisé) gives the packed-lunch price: switching it on or off, or
changing its end of validity, waits for the desk, which checks the signed PAI. The request keeps
the values asked for; the audit trail never does (health information, RGPD art. 9)."""

from __future__ import annotations

import enum
from datetime import date

import pendulum
from attrs import define, field

from portail_core.domain.dossiers.child import Child, Pai
from portail_core.domain.dossiers.family import QuotientSource
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.domain.shared.instants import as_utc

__all__ = [
    "ChangeKind",
    "ChangeRequest",
    "ChangeStatus",
    "family_pai_problems",
    "pai_needs_validation",
    "pai_text",
]


class ChangeKind(enum.Enum):
    ADDRESS = "address"  # of the main guardian: residency decides the tariff
    QUOTIENT = "quotient"  # the quotient familial decides the bracket
    PAI = "pai"  # a child's PAI gives the packed-lunch price

    @property
    def label(self) -> str:
        return {
            ChangeKind.ADDRESS: "adresse",
            ChangeKind.QUOTIENT: "quotient familial",
            ChangeKind.PAI: "PAI",
        }[self]

    @property
    def of_label(self) -> str:
        """« d'adresse », « de quotient familial », « de PAI »."""
        return {
            ChangeKind.ADDRESS: "d'adresse",
            ChangeKind.QUOTIENT: "de quotient familial",
            ChangeKind.PAI: "de PAI",
        }[self]


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
        if self.kind is ChangeKind.PAI:  # health information: for the desk and the family only
            return f"{self.proposed['child']} : PAI {pai_text(self.proposed_pai())}"
        p = self.proposed
        source = QuotientSource(p["source"]).label
        start = "/".join(reversed(p["valid_from"].split("-")))  # 2026-09-01 -> 01/09/2026
        return f"{p['value']} ({source}, à partir du {start})"

    @property
    def subject(self) -> str:
        """What the change is about, without its values: « PAI de Léa », « quotient
        familial »."""
        if self.kind is ChangeKind.PAI:
            return f"PAI de {self.proposed['child']}"
        return self.kind.label

    @property
    def child_id(self) -> int | None:
        """The child a PAI change is for."""
        return int(self.proposed["child_id"]) if self.kind is ChangeKind.PAI else None

    def proposed_pai(self) -> Pai:
        """The PAI a PAI change asks for."""
        p = self.proposed
        if p["has_pai"] != "oui":
            return Pai(False)
        until = date.fromisoformat(p["valid_until"]) if p["valid_until"] else None
        return Pai(True, until, p["instructions"])

    @classmethod
    def for_pai(
        cls, family_id: int, child: Child, wanted: Pai, *, at: pendulum.DateTime, by: str
    ) -> ChangeRequest:
        """The family asks for ``wanted`` as ``child``'s PAI; ``previous`` is for the check at
        approval (the PAI must not have changed meanwhile)."""
        proposed = {
            "child_id": str(child.id),
            "child": child.first_name,
            "has_pai": "oui" if wanted.has_pai else "non",
            "valid_until": wanted.valid_until.isoformat() if wanted.valid_until else "",
            "instructions": wanted.instructions,
            "previous": pai_text(child.pai),
        }
        return cls(family_id, ChangeKind.PAI, proposed, at, by)


def _on(pai: Pai | None) -> bool:
    return pai is not None and pai.has_pai


def pai_needs_validation(old: Pai | None, new: Pai | None) -> bool:
    """Whether going from ``old`` to ``new`` changes what the desk validates: a PAI switched on
    or off (it changes the price), or its end of validity. Its instructions, or a first « non »,
    do not."""
    if _on(old) != _on(new):
        return True
    return _on(new) and old is not None and new is not None and old.valid_until != new.valid_until


def family_pai_problems(old: Pai | None, new: Pai | None, today: date) -> dict[str, str]:
    """What a family must give with a PAI, by field: its end of validity (not past, unless it
    is the one already recorded) and its practical instructions. Without them the dossier is
    incomplete and every booking is refused."""
    if new is None or not new.has_pai:
        return {}
    problems = {}
    if new.valid_until is None:
        problems["pai_valid_until"] = (
            "Indiquez la date de fin de validité du PAI, écrite sur le PAI signé : sans elle, le "
            "dossier est incomplet et les réservations sont refusées."
        )
    elif new.valid_until < today and not (_on(old) and old and old.valid_until == new.valid_until):
        problems["pai_valid_until"] = (
            f"La fin de validité du PAI ({numeric_day_fr(new.valid_until)}) est passée : "
            "indiquez celle du PAI renouvelé."
        )
    if not new.instructions:
        problems["pai_instructions"] = (
            "Indiquez les consignes pratiques du PAI (ce que l'équipe doit faire) : sans elles, "
            "le dossier est incomplet et les réservations sont refusées."
        )
    return problems


def pai_text(pai: Pai | None) -> str:
    """ "oui, jusqu'au 04/07/2027", "non", "sans réponse"."""
    if pai is None:
        return "sans réponse"
    if not pai.has_pai:
        return "non"
    if pai.valid_until is None:
        return "oui, sans date de fin de validité"
    return f"oui, jusqu'au {numeric_day_fr(pai.valid_until)}"
