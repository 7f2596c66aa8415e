"""The dossiers' use cases, ports bound."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from attrs import frozen

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.dossiers.changes import ChangeRequest
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.completeness import SchoolYear
from portail_core.domain.dossiers.family import Family, SupportingDocument
from portail_core.domain.dossiers.guardians import AuthorizedPerson
from portail_core.facade.dossier_growth import DossierGrowth
from portail_core.facade.ports import Ports
from portail_core.services.accounts.batch_opening import Pacing
from portail_core.services.dossiers.changes import (
    approve_change,
    list_changes,
    reject_change,
    request_address_change,
    request_quotient_change,
)
from portail_core.services.dossiers.contacts import (
    add_authorized_person,
    remove_authorized_person,
    update_guardian_contact,
)
from portail_core.services.dossiers.creation import ImportReport, create_family, import_families
from portail_core.services.dossiers.data import FamilyExport, export_family
from portail_core.services.dossiers.documents import (
    DocumentRead,
    add_document,
    document_of_family,
    documents_of_family,
    read_document,
)
from portail_core.services.dossiers.edits import DossierEdit, edit_family
from portail_core.services.dossiers.erasure import ErasureReport, erase_family
from portail_core.services.dossiers.health import (
    HealthForm,
    HealthSaved,
    HealthUpdate,
    child_health,
    health_form,
    update_child_health,
)
from portail_core.services.dossiers.onboarding import (
    ImportedDossier,
    OnboardingReport,
    onboard_families,
)
from portail_core.services.dossiers.orphans import OrphanReport, purge_orphans
from portail_core.services.dossiers.reading import (
    FamilySummary,
    family_dossier,
    family_history,
    list_families,
    read_family,
)
from portail_core.services.dossiers.regulations import Acceptance, accept_regulation

__all__ = ["DossierUseCases"]


@frozen
class DossierUseCases:
    """Families' dossiers (DIU): creation, reading, changes by the desk and by the family,
    health, documents, change requests, regulations, the family's data, erasure
    (``portail.dossiers``)."""

    _ports: Ports
    _public_url: str

    @property
    def growth(self) -> DossierGrowth:
        """The dossier grows: a child or a guardian added, a birth, an enrolment, the PAI and
        vaccinations set at the desk."""
        return DossierGrowth(self._ports)

    def create(self, family: Family, *, actor: Actor, allow_duplicate: bool = False) -> int:
        """Record a new family's dossier; returns its number. A family the portal probably
        has already is a Conflict naming its dossier, unless ``allow_duplicate``."""
        return create_family(
            self._ports.uow(),
            family,
            actor=actor,
            clock=self._ports.clock,
            refuse_duplicates=not allow_duplicate,
        )

    def import_families(
        self,
        families: Sequence[Family],
        *,
        source: str,
        actor: Actor,
        allow_duplicates: bool = False,
        dry_run: bool = False,
    ) -> ImportReport:
        """Record families read from another software's export, all in one transaction,
        skipping those already imported (same reference) and probable duplicates (unless
        ``allow_duplicates``); ``dry_run`` records nothing."""
        return import_families(
            self._ports.uow(),
            families,
            source=source,
            actor=actor,
            clock=self._ports.clock,
            allow_duplicates=allow_duplicates,
            dry_run=dry_run,
        )

    def onboard(
        self,
        dossiers: Sequence[ImportedDossier],
        *,
        source: str,
        actor: Actor,
        dry_run: bool,
        open_accounts: Pacing | None = None,
    ) -> OnboardingReport:
        """A town's complete dossiers from its previous software (found by their reference:
        added, updated or untouched); with ``open_accounts`` (``accounts.pacing``), the complete
        ones' accounts opened in the same transaction, as ``accounts.open_all_complete`` does."""
        return onboard_families(
            self._ports.uow(),
            dossiers,
            source=source,
            actor=actor,
            clock=self._ports.clock,
            dry_run=dry_run,
            open_accounts=open_accounts,
        )

    def dossier(
        self,
        family_id: int,
        school_year: SchoolYear | None = None,
        *,
        health_read_by: Actor | None = None,
    ) -> FamilySummary:
        """A dossier and what it lacks for the school year (the current one by default); with
        ``health_read_by``, showing its health information to that person is audited."""
        return family_dossier(
            self._ports.uow(read_only=health_read_by is None),
            family_id,
            school_year or self._school_year(),
            self._ports.clock,
            health_read_by=health_read_by,
        )

    def family(self, family_id: int) -> Family:
        """The family's dossier alone, for a page (no health read is recorded: show no health
        information from it)."""
        return read_family(self._ports.uow(read_only=True), family_id)

    def listing(
        self, school_year: SchoolYear | None = None, *, incomplete_only: bool = False
    ) -> list[FamilySummary]:
        """Every family with its completeness for the school year (the current one by
        default)."""
        return list_families(
            self._ports.uow(read_only=True),
            school_year or self._school_year(),
            self._ports.clock,
            incomplete_only=incomplete_only,
        )

    def history(self, family_id: int, limit: int = 200) -> list[AuditEvent]:
        """Who changed what in the dossier and the account, most recent first."""
        return family_history(self._ports.uow(read_only=True), family_id, limit)

    def edit(self, family_id: int, edit: DossierEdit, *, actor: Actor) -> dict[str, list[str]]:
        """The desk's change of a dossier; returns what changed (old -> new)."""
        return edit_family(
            self._ports.uow(),
            family_id,
            edit,
            public_url=self._public_url,
            actor=actor,
            clock=self._ports.clock,
        )

    def update_contact(
        self,
        family_id: int,
        guardian_number: int,
        *,
        phones: list[str],
        email: str | None,
        actor: Actor,
    ) -> Family:
        """A guardian's phones and e-mail (a new e-mail of the main guardian reaches the
        account once confirmed)."""
        return update_guardian_contact(
            self._ports.uow(),
            family_id,
            guardian_number,
            phones=phones,
            email=email,
            public_url=self._public_url,
            actor=actor,
            clock=self._ports.clock,
        )

    def add_authorized_person(
        self, family_id: int, person: AuthorizedPerson, *, actor: Actor
    ) -> None:
        add_authorized_person(
            self._ports.uow(), family_id, person, actor=actor, clock=self._ports.clock
        )

    def remove_authorized_person(self, family_id: int, number: int, *, actor: Actor) -> None:
        """Remove the ``number``-th authorised person (from 1)."""
        remove_authorized_person(
            self._ports.uow(), family_id, number, actor=actor, clock=self._ports.clock
        )

    def child_health(self, family_id: int, child_id: int, *, actor: Actor) -> Child:
        """A child, to show its health information to ``actor`` (the read is audited)."""
        return child_health(
            self._ports.uow(), family_id, child_id, actor=actor, clock=self._ports.clock
        )

    def health_form(self, family_id: int, child_id: int, *, actor: Actor) -> HealthForm:
        """A child's health form for ``actor`` (the read is audited), with the PAI change that
        waits for the desk."""
        return health_form(
            self._ports.uow(), family_id, child_id, actor=actor, clock=self._ports.clock
        )

    def update_child_health(
        self, family_id: int, child_id: int, update: HealthUpdate, *, actor: Actor
    ) -> HealthSaved:
        """Save a child's health form; from a family, a PAI switched on or off or a new end of
        validity waits for the desk (``HealthSaved.pai_request``)."""
        return update_child_health(
            self._ports.uow(), family_id, child_id, update, actor=actor, clock=self._ports.clock
        )

    def add_document(
        self,
        family_id: int,
        *,
        kind: str,
        data: bytes,
        filename: str,
        valid_until: date | None,
        actor: Actor,
    ) -> SupportingDocument:
        """Keep a supporting document's file (checked first) and record it in the dossier."""
        return add_document(
            self._ports.uow(),
            self._ports.documents,
            family_id,
            kind=kind,
            data=data,
            filename=filename,
            valid_until=valid_until,
            actor=actor,
            clock=self._ports.clock,
        )

    def document(self, family_id: int, file_id: str) -> tuple[SupportingDocument, bytes]:
        """A document of this family's dossier and its content."""
        return document_of_family(
            self._ports.uow(read_only=True), self._ports.documents, family_id, file_id
        )

    def documents(self, family_id: int) -> list[SupportingDocument]:
        """The supporting documents of a dossier, oldest first."""
        return documents_of_family(self._ports.uow(read_only=True), family_id)

    def read_document(
        self, file_id: str, *, actor: Actor, family_id: int | None = None
    ) -> DocumentRead:
        """Open a document for ``actor`` (found in every dossier unless ``family_id``); the
        read is audited."""
        return read_document(
            self._ports.uow(),
            self._ports.documents,
            self._ports.clock,
            file_id=file_id,
            actor=actor,
            family_id=family_id,
        )

    def purge_orphans(self, *, actor: Actor, dry_run: bool = False) -> OrphanReport:
        """Delete the document store's files nothing refers to (interrupted uploads), once
        older than an hour; ``dry_run`` only lists them."""
        return purge_orphans(
            self._ports.uow(),
            self._ports.documents,
            self._ports.clock,
            actor=actor,
            dry_run=dry_run,
        )

    def export(self, family_id: int, *, health_read_by: Actor | None = None) -> FamilyExport:
        """Everything the portal holds about a family; with ``health_read_by``, handing its
        health information to that person is audited."""
        return export_family(
            self._ports.uow(read_only=health_read_by is None),
            family_id,
            health_read_by=health_read_by,
            clock=self._ports.clock,
        )

    def request_address_change(
        self, family_id: int, *, street: str, postcode: str, city: str, actor: Actor
    ) -> ChangeRequest:
        """The family's new address, waiting for the desk (it decides residency)."""
        return request_address_change(
            self._ports.uow(),
            family_id,
            street=street,
            postcode=postcode,
            city=city,
            actor=actor,
            clock=self._ports.clock,
        )

    def request_quotient_change(
        self, family_id: int, *, value: str, source: str, valid_from: date | str, actor: Actor
    ) -> ChangeRequest:
        """The family's new quotient familial, waiting for the desk."""
        return request_quotient_change(
            self._ports.uow(),
            family_id,
            value=value,
            source=source,
            valid_from=valid_from,
            actor=actor,
            clock=self._ports.clock,
        )

    def changes(
        self,
        *,
        family_id: int | None = None,
        pending_only: bool = True,
        health_read_by: Actor | None = None,
    ) -> list[ChangeRequest]:
        """Change requests, oldest first; with ``health_read_by``, showing the PAI changes to
        that person is audited."""
        return list_changes(
            self._ports.uow(read_only=health_read_by is None),
            family_id=family_id,
            pending_only=pending_only,
            health_read_by=health_read_by,
            clock=self._ports.clock,
        )

    def approve_change(
        self, change_id: int, *, actor: Actor, resident: bool | None = None
    ) -> ChangeRequest:
        return approve_change(
            self._ports.uow(), change_id, actor=actor, clock=self._ports.clock, resident=resident
        )

    def reject_change(self, change_id: int, *, reason: str, actor: Actor) -> ChangeRequest:
        return reject_change(
            self._ports.uow(), change_id, reason=reason, actor=actor, clock=self._ports.clock
        )

    def accept_regulation(
        self,
        family_id: int,
        *,
        establishment_code: str,
        actor: Actor,
        version: str | None = None,
    ) -> Acceptance:
        """Record the family's signature of a structure's règlement intérieur in force."""
        return accept_regulation(
            self._ports.uow(),
            self._ports.clock,
            family_id=family_id,
            establishment_code=establishment_code,
            actor=actor,
            version=version,
        )

    def erase(self, family_id: int, *, actor: Actor) -> ErasureReport:
        """Erase a dossier (RGPD), refused while money is owed or bookings are to come."""
        return erase_family(
            self._ports.uow(),
            self._ports.documents,
            self._ports.clock,
            self._ports.hasher,
            family_id=family_id,
            actor=actor,
        )

    def _school_year(self) -> SchoolYear:
        return SchoolYear.containing(self._ports.clock.today())
