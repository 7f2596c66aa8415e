"""When a new dossier is probably a family the portal already has: the same main guardian's
e-mail address, or the same main guardian (first and last name, accents and case aside) with a
child born the same day. The desk is told which dossier and why; it may still create the new
one when the families are really two (``--allow-duplicate``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from attrs import frozen

from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import Family
from portail_core.domain.shared.french_dates import numeric_day_fr

__all__ = ["Likeness", "child_duplicate", "likeness", "most_alike"]


@frozen
class Likeness:
    """Why ``family`` looks like an existing one (French, for the desk)."""

    family: Family
    reason: str


def _folded(text: str | None) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().replace("-", " ").split())


def likeness(new: Family, existing: Family) -> str | None:
    """Why ``new`` is probably ``existing`` again (French), or None."""
    guardian, known = new.main_guardian, existing.main_guardian
    email = _folded(guardian.email)
    if email and email == _folded(known.email):
        return f"même adresse électronique du responsable principal ({guardian.email})"
    same_person = (_folded(guardian.first_name), _folded(guardian.last_name)) == (
        _folded(known.first_name),
        _folded(known.last_name),
    )
    if not same_person:
        return None
    born = {child.birth_date for child in new.children} & {
        child.birth_date for child in existing.children
    }
    if born:
        return (
            f"même responsable principal ({guardian.full_name}) et un enfant né le même jour "
            f"({numeric_day_fr(min(born))})"
        )
    if not new.children and not existing.children:
        return f"même responsable principal ({guardian.full_name}), sans enfant"
    return None


def most_alike(new: Family, known: Iterable[Family]) -> Likeness | None:
    """The first family of ``known`` that ``new`` is probably a copy of, and why."""
    for existing in known:
        reason = likeness(new, existing)
        if reason is not None:
            return Likeness(existing, reason)
    return None


def child_duplicate(child: Child, family: Family, others: Iterable[Family]) -> str | None:
    """Why ``child`` is probably a child the portal has already (French, for the desk), or
    None: a child of ``family`` with the same first name and birth date (an expected child:
    another one expected the same day), or the same child (names and birth date, accents and
    case aside) in another dossier of ``others``."""
    day = numeric_day_fr(child.birth_date)
    for known in family.children:
        if known.expected and child.expected and known.birth_date == child.birth_date:
            return f"un enfant à naître, attendu le {day}, figure déjà dans ce dossier"
        born = not (known.expected or child.expected)
        same_name = _folded(known.first_name) == _folded(child.first_name)
        if born and same_name and known.birth_date == child.birth_date:
            return f"{known.full_name}, né(e) le {day}, figure déjà dans ce dossier"
    if child.expected:
        return None
    identity = (_folded(child.first_name), _folded(child.last_name), child.birth_date)
    for other in others:
        if other.id == family.id:
            continue
        for known in other.born_children:
            if (_folded(known.first_name), _folded(known.last_name), known.birth_date) == identity:
                return (
                    f"{known.full_name}, né(e) le {day}, figure déjà dans le dossier "
                    f"n° {other.id} (famille {other.name})"
                )
    return None
