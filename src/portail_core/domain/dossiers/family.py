"""The Dossier d'Inscription Unique (DIU): one family, its guardians, children, documents, consents.

``Family`` is the aggregate: guardians, children, authorised persons, the quotient familial, the
insurance, supporting documents and regulation consents all change through it. Whether the
dossier is complete for a school year is ``completeness``'s rule.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date

import pendulum
from attrs import define, field, frozen

from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.guardians import AuthorizedPerson, Guardian
from portail_core.domain.payments.direct_debit import SepaMandate
from portail_core.domain.shared.french_dates import day_format
from portail_core.domain.shared.instants import as_utc
from portail_core.domain.shared.raw_input import InputReader
from portail_core.errors import Conflict

__all__ = [
    "SEEN_AT_DESK",
    "DocumentType",
    "Family",
    "FamilyQuotient",
    "QuotientSource",
    "RegulationConsent",
    "SupportingDocument",
]

MAX_QUOTIENT = 99_999
MAX_CHILDREN = 15
MAX_AUTHORIZED_PERSONS = 10
AWARE = "La date doit porter un fuseau horaire."
HOUSEHOLD_NAME = "Le nom du foyer est obligatoire (80 caractères au plus)."


class QuotientSource(enum.Enum):
    """Where the quotient familial comes from."""

    CAF = "CAF"
    MSA = "MSA"  # mutualité sociale agricole: farming households
    AVIS_IMPOSITION = "avis_imposition"  # computed by the town from the tax notice

    @property
    def label(self) -> str:
        return {
            QuotientSource.CAF: "attestation CAF",
            QuotientSource.MSA: "attestation MSA",
            QuotientSource.AVIS_IMPOSITION: "avis d'imposition",
        }[self]


@frozen
class FamilyQuotient:
    """The quotient familial that selects the tariff bracket, from ``valid_from`` on."""

    value: int
    source: QuotientSource
    valid_from: date

    @classmethod
    def create(cls, *, value: int | str, source: str, valid_from: date | str) -> FamilyQuotient:
        """Build a quotient from raw input ("1 250" is 1250; the date may be typed 01/09/2026
        or 2026-09-01), listing every problem in French."""
        reader = InputReader()
        digits = "".join(str(value).split())
        readable = digits.isascii() and digits.isdigit() and len(digits) <= len(str(MAX_QUOTIENT))
        number = int(digits) if readable else -1
        if not 0 <= number <= MAX_QUOTIENT:
            reader.refuse("value", "Le quotient familial est un nombre entier de 0 à 99 999.")
        origin = reader.choice(
            "source",
            source,
            QuotientSource,
            "La source du quotient familial est : CAF, MSA ou avis d'imposition.",
        )
        day = reader.day(
            "valid_from",
            valid_from,
            f"La date de début de validité s'écrit {day_format(date(2026, 9, 1))}.",
        )
        reader.raise_if_any("Le quotient familial n'a pas pu être enregistré.")
        return cls(number, origin, day)


class DocumentType(enum.Enum):
    PROOF_OF_ADDRESS = "justificatif_domicile"
    CAF_ATTESTATION = "attestation_caf"
    INSURANCE = "assurance"
    VACCINATION_RECORD = "carnet_vaccination"  # health data
    MEDICAL_CERTIFICATE = "certificat_medical"  # health data (justifies an illness)
    OTHER = "autre"

    @property
    def label(self) -> str:
        return {
            DocumentType.PROOF_OF_ADDRESS: "justificatif de domicile",
            DocumentType.CAF_ATTESTATION: "attestation CAF",
            DocumentType.INSURANCE: "attestation d'assurance",
            DocumentType.VACCINATION_RECORD: "carnet de vaccination",
            DocumentType.MEDICAL_CERTIFICATE: "certificat médical",
            DocumentType.OTHER: "autre",
        }[self]


SEEN_AT_DESK = "vu-au-guichet"  # a document's reference when the desk attests it saw the paper


@frozen
class SupportingDocument:
    """A pièce justificative: its type, the stored file, until when it is accepted."""

    kind: DocumentType
    file_id: str  # the file store's reference, never a path or a URL
    uploaded_at: pendulum.DateTime = field(converter=as_utc)
    valid_until: date | None = None  # last day accepted; None: does not expire

    def valid_on(self, day: date) -> bool:
        return self.valid_until is None or day <= self.valid_until

    @property
    def seen_at_desk(self) -> bool:
        """Attested by the desk, which saw the paper (a town's import): no file to open."""
        return self.file_id == SEEN_AT_DESK

    @classmethod
    def create(
        cls,
        *,
        kind: str,
        file_id: str,
        uploaded_at: pendulum.DateTime,
        valid_until: date | None = None,
    ) -> SupportingDocument:
        """Build a document from raw input, listing every problem in French at once."""
        reader = InputReader()
        document_type = reader.choice(
            "kind",
            kind,
            DocumentType,
            "Le type de pièce est : justificatif de domicile, attestation CAF, assurance, "
            "carnet de vaccination, certificat médical ou autre.",
        )
        reference = reader.code("file_id", file_id, "La référence du fichier n'est pas valide.")
        reader.instant("uploaded_at", uploaded_at, AWARE)
        reader.raise_if_any("La pièce justificative n'a pas pu être enregistrée.")
        return cls(document_type, reference, uploaded_at, valid_until)


@frozen
class RegulationConsent:
    """A family accepted an establishment's règlement intérieur in one version, at one instant."""

    establishment_code: str
    version: str  # as the town numbers it: "2026-1"
    accepted_at: pendulum.DateTime = field(converter=as_utc)

    @classmethod
    def create(
        cls, *, establishment_code: str, version: str, accepted_at: pendulum.DateTime
    ) -> RegulationConsent:
        """Build a consent from raw input, listing every problem in French at once."""
        reader = InputReader()
        code = reader.code(
            "establishment_code", establishment_code, "Le code de la structure n'est pas valide."
        )
        clean_version = reader.line(
            "version",
            version,
            "La version du règlement est obligatoire (40 caractères au plus).",
            max_length=40,
        )
        reader.instant("accepted_at", accepted_at, AWARE)
        reader.raise_if_any("L'acceptation du règlement n'a pas pu être enregistrée.")
        return cls(code, clean_version, accepted_at)


def _identity(child: Child) -> tuple[str, str, date]:
    return (child.first_name.casefold(), child.last_name.casefold(), child.birth_date)


@define(slots=False, eq=False)
class Family:
    """The foyer: owns the dossier, receives the invoices. The first guardian is the main
    contact (the account holder, who receives e-mails and invoices).

    Without a quotient, the family may choose the highest tariff explicitly
    (``highest_tariff_chosen``): it then gives no income information at all.
    """

    name: str  # the household's name as shown to staff and on invoices
    guardians: list[Guardian]  # one or two
    resident: bool  # lives in the commune (resident tariffs)
    children: list[Child] = field(factory=list)
    authorized_persons: list[AuthorizedPerson] = field(factory=list)
    quotient: FamilyQuotient | None = None
    highest_tariff_chosen: bool = False
    insurance_valid_until: date | None = None  # civil liability (responsabilité civile)
    documents: list[SupportingDocument] = field(factory=list)
    consents: list[RegulationConsent] = field(factory=list)
    mandate: SepaMandate | None = None  # SEPA direct debit (prélèvement automatique)
    legacy_reference: str | None = None  # the family's reference in the previous software
    id: int | None = field(default=None, kw_only=True)

    @property
    def main_guardian(self) -> Guardian:
        return self.guardians[0]

    @property
    def pays_by_direct_debit(self) -> bool:
        """An active mandate, not suspended after a rejected debit."""
        return self.mandate is not None and self.mandate.usable

    def sign_mandate(self, mandate: SepaMandate) -> None:
        """A new signed mandate replaces the previous one (a new account is a new mandate)."""
        self.mandate = mandate

    def revoke_mandate(self) -> None:
        """The family stops direct debit; the mandate stays in the dossier, inactive."""
        if self.mandate is not None:
            self.mandate = self.mandate.revoked()

    @classmethod
    def create(
        cls,
        *,
        name: str,
        guardians: Sequence[Guardian],
        resident: bool,
        children: Sequence[Child] = (),
        authorized_persons: Sequence[AuthorizedPerson] = (),
        quotient: FamilyQuotient | None = None,
        highest_tariff_chosen: bool = False,
        insurance_valid_until: date | None = None,
        documents: Sequence[SupportingDocument] = (),
        consents: Sequence[RegulationConsent] = (),
    ) -> Family:
        """Build a family from its name and its parts (each built by its own ``create``),
        listing every problem in French at once."""
        reader = InputReader()
        household = reader.name("name", name, HOUSEHOLD_NAME, max_length=80)
        if not 1 <= len(guardians) <= 2:
            reader.refuse("guardians", "Un ou deux responsables légaux.")
        if len(children) > MAX_CHILDREN:
            reader.refuse("children", f"{MAX_CHILDREN} enfants au plus.")
        elif len({_identity(child) for child in children}) < len(children):
            reader.refuse("children", "Un même enfant est saisi deux fois.")
        if len(authorized_persons) > MAX_AUTHORIZED_PERSONS:
            reader.refuse(
                "authorized_persons", f"{MAX_AUTHORIZED_PERSONS} personnes autorisées au plus."
            )
        if quotient is not None and highest_tariff_chosen:
            reader.refuse(
                "quotient", "Choisissez soit un quotient familial, soit le tarif le plus élevé."
            )
        reader.raise_if_any("Le dossier de la famille n'a pas pu être enregistré.")
        return cls(
            household,
            list(guardians),
            resident,
            list(children),
            list(authorized_persons),
            quotient,
            highest_tariff_chosen,
            insurance_valid_until,
            list(documents),
            list(consents),
        )

    def rename(self, name: str) -> None:
        """The household's name as staff and invoices show it; InvalidInput if malformed."""
        reader = InputReader()
        household = reader.name("name", name, HOUSEHOLD_NAME, max_length=80)
        reader.raise_if_any("Le nom du foyer n'a pas pu être enregistré.")
        self.name = household

    def child(self, child_id: int) -> Child | None:
        return next((child for child in self.children if child.id == child_id), None)

    @property
    def born_children(self) -> list[Child]:
        """The children already born: those who book, are billed, make the dossier complete."""
        return [child for child in self.children if not child.expected]

    def add_child(self, child: Child) -> None:
        """A new child (born or expected) joins the dossier; Conflict beyond 15 children or for
        the same born child twice (expected twins share their placeholder and date)."""
        if len(self.children) >= MAX_CHILDREN:
            raise Conflict(f"{MAX_CHILDREN} enfants au plus par dossier.")
        if not child.expected and any(
            _identity(known) == _identity(child) for known in self.children
        ):
            raise Conflict(f"{child.full_name} figure déjà dans le dossier.")
        self.children.append(child)

    def add_guardian(self, guardian: Guardian) -> None:
        """The second legal guardian; Conflict when the dossier has two already, or when it is
        the first one again."""
        if len(self.guardians) >= 2:
            raise Conflict("Le dossier a déjà deux responsables légaux.")
        known = self.main_guardian
        same = (known.first_name.casefold(), known.last_name.casefold()) == (
            guardian.first_name.casefold(),
            guardian.last_name.casefold(),
        )
        if same:
            raise Conflict(f"{guardian.full_name} est déjà le responsable principal du dossier.")
        self.guardians.append(guardian)

    def set_quotient(self, quotient: FamilyQuotient) -> None:
        """A new quotient replaces the previous one, and any choice of the highest tariff."""
        self.quotient = quotient
        self.highest_tariff_chosen = False

    def choose_highest_tariff(self) -> None:
        """The family gives no income information: the highest bracket applies."""
        self.quotient = None
        self.highest_tariff_chosen = True

    def add_document(self, document: SupportingDocument) -> None:
        self.documents.append(document)

    def accept_regulation(self, consent: RegulationConsent) -> None:
        self.consents.append(consent)

    def has_accepted(self, establishment_code: str, version: str) -> bool:
        return any(
            c.establishment_code == establishment_code and c.version == version
            for c in self.consents
        )

    def has_document_valid_on(self, kind: DocumentType, day: date) -> bool:
        return any(d.kind is kind and d.valid_on(day) for d in self.documents)
