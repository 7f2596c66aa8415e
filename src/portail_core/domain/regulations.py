"""Règlements intérieurs: each establishment's rules as versioned documents, and which version
a family must have accepted to book.

The version in force on a day is the latest *published* version (a PDF the desk uploaded) whose
``effective_from`` has come; before any is published (or in force), the commune file's
``regulation_version`` of the establishment stands, as before (a version without a document,
accepted at the desk). A published version may carry the commune file's version number: that
attaches the document to the version families already accepted.

A new version may give families until a ``deadline`` (inclusive): until then, the acceptance of
the version it replaces still counts for bookings (and when nothing was in force before, nothing
is required until then). Accepting a version announced for later also counts for the one in
force. A family is asked only for the establishments one of its children may use
(``domain.catalogue.eligibility.establishment_refusal``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import pendulum
from attrs import field, frozen

from portail_core.domain.catalogue.eligibility import establishment_refusal
from portail_core.domain.catalogue.establishments import Catalogue, Establishment
from portail_core.domain.dossiers.documents import DocumentFormat, StoredDocument, check_upload
from portail_core.domain.dossiers.family import Family
from portail_core.domain.shared.instants import as_utc
from portail_core.domain.shared.raw_input import InputReader
from portail_core.errors import InvalidInput, NotFound

__all__ = [
    "RegulationInForce",
    "RegulationVersion",
    "check_regulation_pdf",
    "establishments_used_by",
    "regulation_in_force",
    "required_regulations",
]

MAX_VERSION = 40
MAX_TITLE = 200
NOT_A_PDF = "Le règlement intérieur doit être un document PDF."


@frozen
class RegulationVersion:
    """One published version of an establishment's règlement intérieur, with its document."""

    establishment_code: str
    version: str
    title: str
    effective_from: date
    deadline: date | None  # the previous acceptance counts for bookings until this day
    document: StoredDocument
    published_at: pendulum.DateTime = field(converter=as_utc)
    published_by: str
    id: int | None = field(default=None, kw_only=True)

    @classmethod
    def create(
        cls,
        *,
        establishment_code: str,
        version: str,
        title: str,
        effective_from: date | str,
        deadline: date | str | None,
        document: StoredDocument,
        published_at: pendulum.DateTime,
        published_by: str,
    ) -> RegulationVersion:
        """From raw input, every problem listed in French at once."""
        reader = InputReader()
        code = reader.code("establishment", establishment_code, "Code de structure invalide.")
        clean_version = reader.line(
            "version",
            version,
            "La version est obligatoire (40 caractères au plus).",
            max_length=MAX_VERSION,
        )
        clean_title = reader.line(
            "title",
            title,
            "Le titre est obligatoire (200 caractères au plus).",
            max_length=MAX_TITLE,
        )
        start = reader.day(
            "effective_from", effective_from, "Date d'entrée en vigueur invalide (JJ/MM/AAAA)."
        )
        until = None
        if deadline not in (None, ""):
            until = reader.day("deadline", deadline, "Date limite invalide (JJ/MM/AAAA).")
            if "effective_from" not in reader.problems and until < start:
                reader.refuse("deadline", "La date limite ne peut précéder l'entrée en vigueur.")
        if document.format is not DocumentFormat.PDF:
            reader.refuse("file", NOT_A_PDF)
        reader.raise_if_any("Le règlement intérieur n'a pas pu être publié.")
        return cls(
            code, clean_version, clean_title, start, until, document, published_at, published_by
        )


@frozen
class RegulationInForce:
    """What an establishment requires on a day: the version in force (its published document,
    None for a commune file version), the one it replaced and until when that one still counts,
    and the versions announced for later."""

    establishment: Establishment
    version: str
    published: RegulationVersion | None
    previous: str | None = None
    deadline: date | None = None
    announced: tuple[RegulationVersion, ...] = ()

    @property
    def code(self) -> str:
        return self.establishment.code

    def accepted_version(self, family: Family) -> str | None:
        """The version the family accepted: this one, or one announced after it (or None)."""
        versions = [self.version, *(a.version for a in self.announced)]
        return next((v for v in versions if family.has_accepted(self.code, v)), None)

    def accepted_by(self, family: Family) -> bool:
        return self.accepted_version(family) is not None

    def in_grace(self, today: date) -> bool:
        return self.deadline is not None and today <= self.deadline

    def counts_for(self, family: Family, today: date) -> bool:
        """Whether the family may book: it accepted this version, or the previous one (or
        nothing was required) while the deadline has not passed."""
        if self.accepted_by(family):
            return True
        if not self.in_grace(today):
            return False
        return self.previous is None or family.has_accepted(self.code, self.previous)

    def acceptable(self, version: str) -> RegulationVersion | None:
        """The published version a family may accept online by that number, if any."""
        candidates = [*([self.published] if self.published else []), *self.announced]
        return next((c for c in candidates if c.version == version), None)


def regulation_in_force(
    establishment: Establishment, versions: Iterable[RegulationVersion], today: date
) -> RegulationInForce | None:
    """The establishment's règlement on ``today`` (None: it has none)."""
    ordered = sorted(
        (v for v in versions if v.establishment_code == establishment.code),
        key=lambda v: (v.effective_from, v.id or 0),
    )
    started = [v for v in ordered if v.effective_from <= today]
    announced = tuple(v for v in ordered if v.effective_from > today)
    if not started:
        if establishment.regulation is None:
            return None
        return RegulationInForce(establishment, establishment.regulation, None, announced=announced)
    current = started[-1]
    previous = started[-2].version if len(started) > 1 else establishment.regulation
    return RegulationInForce(
        establishment, current.version, current, previous, current.deadline, announced
    )


def establishments_used_by(family: Family, catalogue: Catalogue) -> list[Establishment]:
    """The establishments one of the family's children may be booked in (an APS or a school
    restaurant serves its own school's pupils; the SMA takes no bookings)."""
    children = [child.facts() for child in family.children]
    return [
        e
        for e in catalogue.establishments
        if any(establishment_refusal(child, e) is None for child in children)
    ]


def required_regulations(
    family: Family,
    catalogue: Catalogue,
    versions: Sequence[RegulationVersion],
    today: date,
) -> dict[str, str]:
    """Establishment code -> the version of its règlement the family must have accepted today,
    for the establishments its children may use (for ``dossiers.completeness``): during a
    deadline, the previous version when the family accepted it; nothing when nothing was
    required before."""
    required = {}
    for establishment in establishments_used_by(family, catalogue):
        standing = regulation_in_force(establishment, versions, today)
        if standing is None:
            continue
        accepted = standing.accepted_version(family)
        if accepted is not None:
            required[establishment.code] = accepted
        elif not standing.counts_for(family, today):
            required[establishment.code] = standing.version
        elif standing.previous is not None:
            required[establishment.code] = standing.previous
    return required


def check_regulation_pdf(data: bytes, filename: str) -> DocumentFormat:
    """A règlement is a PDF, checked by its content as the dossiers' uploads are."""
    document_format = check_upload(data, filename)
    if document_format is not DocumentFormat.PDF:
        raise InvalidInput(NOT_A_PDF, {"file": NOT_A_PDF})
    return document_format


def check_establishment(catalogue: Catalogue, code: str) -> Establishment:
    """The establishment by its code, whatever the case (NotFound in French if none, as for
    every other code of the catalogue)."""
    wanted = code.strip().casefold()
    establishment = next((e for e in catalogue.establishments if e.code.casefold() == wanted), None)
    if establishment is None:
        raise NotFound(f"Aucune structure « {code.strip()[:40]} ».")
    return establishment
