"""School pre-registrations (pré-inscriptions scolaires): a family asks for a place at school for
a child of its dossier or a new one, for a school year and a level, at the sector school of its
address or, by derogation, at another school with a reason.

The request goes through the guichet unique's hands: déposée → en cours d'instruction →
acceptée (a school assigned: the child joins the dossier if new, its school and class are set) /
refusée (with a reason) / en attente (with a reason). Nothing billing-relevant changes before the
desk accepts: a child without a school books neither the canteen nor the APS.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date

import attrs
import pendulum
from attrs import field, frozen

from portail_core.domain.shared.instants import as_utc
from portail_core.errors import Conflict

__all__ = [
    "PreregistrationDocument",
    "PreregistrationDocumentKind",
    "PreregistrationState",
    "SchoolPreregistration",
    "school_year_label",
]


class PreregistrationState(enum.Enum):
    SUBMITTED = "deposee"
    EXAMINED = "instruction"
    ACCEPTED = "acceptee"
    REFUSED = "refusee"
    WAITING = "en_attente"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]

    @property
    def decided(self) -> bool:
        return self in (PreregistrationState.ACCEPTED, PreregistrationState.REFUSED)


_STATE_LABELS = {
    PreregistrationState.SUBMITTED: "déposée",
    PreregistrationState.EXAMINED: "en cours d'instruction",
    PreregistrationState.ACCEPTED: "acceptée",
    PreregistrationState.REFUSED: "refusée",
    PreregistrationState.WAITING: "en attente",
}


class PreregistrationDocumentKind(enum.Enum):
    FAMILY_RECORD_BOOK = "livret_famille"
    PROOF_OF_ADDRESS = "justificatif_domicile"

    @property
    def label(self) -> str:
        if self is PreregistrationDocumentKind.FAMILY_RECORD_BOOK:
            return "livret de famille"
        return "justificatif de domicile"


@frozen
class PreregistrationDocument:
    """A supporting document of the request, kept in the family's folder of the document store."""

    kind: PreregistrationDocumentKind
    file_id: str


def school_year_label(year: int) -> str:
    """« 2027-2028 » for the school year starting in September 2027."""
    return f"{year}-{year + 1}"


def _documents(
    documents: Mapping[PreregistrationDocumentKind, str] | tuple[PreregistrationDocument, ...],
) -> tuple[PreregistrationDocument, ...]:
    if isinstance(documents, tuple):
        return documents
    return tuple(PreregistrationDocument(kind, file_id) for kind, file_id in documents.items())


@frozen
class SchoolPreregistration:
    """One request. ``child_id`` is None for a new child until the desk accepts it (the child
    then joins the dossier). ``sector_school`` is the school the commune's map gives the
    family's address; ``requested_school`` differs from it for a derogation (with its reason)."""

    family_id: int
    child_id: int | None
    first_name: str
    last_name: str
    birth_date: date
    school_year: int  # the year the school year starts in (2027: 2027-2028)
    level: str  # « CP »
    computed_level: str  # the level the birth date gives (``level`` may override it)
    level_reason: str  # why the family asks for another level than the computed one
    sector_school: str  # a school's code
    requested_school: str
    derogation_reason: str
    documents: tuple[PreregistrationDocument, ...] = field(converter=_documents)
    submitted_at: pendulum.DateTime = field(converter=as_utc)
    state: PreregistrationState = PreregistrationState.SUBMITTED
    state_reason: str = ""  # why refused or waiting
    assigned_school: str | None = None  # once accepted
    decided_at: pendulum.DateTime | None = None  # the last change of state
    id: int | None = field(default=None, kw_only=True, eq=False)

    @property
    def derogation(self) -> bool:
        return self.requested_school != self.sector_school

    @property
    def new_child(self) -> bool:
        """True while the child is not (yet) in the dossier."""
        return self.child_id is None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def year_label(self) -> str:
        return school_year_label(self.school_year)

    def same_request(self, other: SchoolPreregistration) -> bool:
        """The same child (the same one of the dossier, or the same name and birth date) for the
        same school year."""
        if self.school_year != other.school_year or self.family_id != other.family_id:
            return False
        if self.child_id is not None and self.child_id == other.child_id:
            return True
        return (
            self.first_name.casefold() == other.first_name.casefold()
            and self.last_name.casefold() == other.last_name.casefold()
            and self.birth_date == other.birth_date
        )

    def examine(self, now: pendulum.DateTime) -> SchoolPreregistration:
        """The desk starts examining it (déposée or en attente → en cours d'instruction)."""
        self._refuse_if_decided()
        if self.state is PreregistrationState.EXAMINED:
            raise Conflict(f"La demande n° {self.id} est déjà en cours d'instruction.")
        return attrs.evolve(
            self, state=PreregistrationState.EXAMINED, state_reason="", decided_at=now
        )

    def accept(
        self, school_code: str, child_id: int, now: pendulum.DateTime
    ) -> SchoolPreregistration:
        """Accepted at ``school_code`` (the requested school or another); ``child_id``: the
        child of the dossier, new or not."""
        self._refuse_if_decided()
        return attrs.evolve(
            self,
            state=PreregistrationState.ACCEPTED,
            state_reason="",
            assigned_school=school_code,
            child_id=child_id,
            decided_at=now,
        )

    def refuse(self, reason: str, now: pendulum.DateTime) -> SchoolPreregistration:
        self._refuse_if_decided()
        return attrs.evolve(
            self, state=PreregistrationState.REFUSED, state_reason=reason, decided_at=now
        )

    def put_on_hold(self, reason: str, now: pendulum.DateTime) -> SchoolPreregistration:
        self._refuse_if_decided()
        if self.state is PreregistrationState.WAITING:
            raise Conflict(f"La demande n° {self.id} est déjà en attente.")
        return attrs.evolve(
            self, state=PreregistrationState.WAITING, state_reason=reason, decided_at=now
        )

    def _refuse_if_decided(self) -> None:
        if self.state.decided:
            raise Conflict(
                f"La demande n° {self.id} est déjà {self.state.label} : sa décision ne change "
                "plus. Une nouvelle demande peut être déposée si la situation a changé."
            )
