"""School pre-registrations, as the guichet unique examines them."""

from __future__ import annotations

from typing import Protocol

from attrs import frozen

from portail_core.domain.preregistrations import PreregistrationState, SchoolPreregistration

__all__ = [
    "PreregistrationFilter",
    "PreregistrationRepositories",
    "PreregistrationRepository",
]


@frozen
class PreregistrationFilter:
    """What the desk's listing keeps; None keeps everything."""

    family_id: int | None = None
    school_year: int | None = None
    state: PreregistrationState | None = None
    school: str | None = None  # the requested or assigned school
    level: str | None = None

    def keeps(self, request: SchoolPreregistration) -> bool:
        schools = {request.requested_school, request.assigned_school}
        return (
            (self.family_id is None or request.family_id == self.family_id)
            and (self.school_year is None or request.school_year == self.school_year)
            and (self.state is None or request.state is self.state)
            and (self.school is None or self.school in schools)
            and (self.level is None or request.level == self.level)
        )


class PreregistrationRepository(Protocol):
    def add(self, request: SchoolPreregistration) -> SchoolPreregistration:
        """Record it; returns it with its number."""
        ...

    def get(self, request_id: int, *, for_update: bool = False) -> SchoolPreregistration | None: ...

    def update(self, request: SchoolPreregistration) -> None: ...

    def matching(self, wanted: PreregistrationFilter) -> list[SchoolPreregistration]:
        """The requests the filter keeps, oldest first."""
        ...

    def delete_of_family(self, family_id: int) -> None:
        """Forget the family's requests (its dossier is erased)."""
        ...


class PreregistrationRepositories(Protocol):
    @property
    def preregistrations(self) -> PreregistrationRepository: ...
