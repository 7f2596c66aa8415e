"""The commune's priority classes, from its ordered list of criteria.

A family's class is given by the FIRST criterion it meets, in the commune's order: with
``["residence", "siblings_placed", "both_parents_working"]``, class 1 is the residents, class 2
the families (not resident) with a child already placed, class 3 those (neither) whose
guardians all work, class 4 the rest. Classes are served one after the other; the lottery
orders the families inside each.
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

__all__ = ["CRITERIA", "FamilyStanding", "class_labels", "priority_class"]

CRITERIA = {
    "residence": "habite la commune",
    "siblings_placed": "un frère ou une sœur déjà accueilli dans la structure",
    "both_parents_working": "les responsables légaux travaillent tous (employeur renseigné)",
}


@frozen
class FamilyStanding:
    """What the criteria look at: ``siblings_placed``: another child of the family has a
    reservation in the structure before the draw."""

    resident: bool
    siblings_placed: bool
    both_parents_working: bool

    def meets(self, criterion: str) -> bool:
        if criterion == "residence":
            return self.resident
        if criterion == "siblings_placed":
            return self.siblings_placed
        if criterion == "both_parents_working":
            return self.both_parents_working
        raise KeyError(criterion)


def priority_class(standing: FamilyStanding, priorities: Sequence[str]) -> int:
    """1 + the position of the first criterion met; ``len(priorities) + 1`` when none is."""
    return next(
        (n for n, criterion in enumerate(priorities, 1) if standing.meets(criterion)),
        len(priorities) + 1,
    )


def class_labels(priorities: Sequence[str]) -> dict[int, str]:
    """Each class in French, the last being « les autres familles »."""
    labels = {n: CRITERIA[criterion] for n, criterion in enumerate(priorities, 1)}
    labels[len(priorities) + 1] = "les autres familles"
    return labels
