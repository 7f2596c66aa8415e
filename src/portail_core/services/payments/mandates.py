"""SEPA mandates: signed, changed and revoked at the desk, kept in the dossier, listed."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.family import Family
from portail_core.domain.payments.direct_debit import RUM_PREFIX, SepaMandate, default_rum
from portail_core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from portail_core.ports.clock import Clock
from portail_core.services.payments import notices

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["MandateLine", "list_mandates", "revoke_mandate", "sign_mandate"]


@frozen
class MandateLine:
    family_id: int
    family_name: str
    mandate: SepaMandate


def sign_mandate(
    uow: UnitOfWork,
    clock: Clock,
    family_id: int,
    *,
    holder: str,
    iban: str,
    signed_on: date,
    actor: Actor,
    bic: str | None = None,
    rum: str | None = None,
) -> SepaMandate:
    """Record the family's signed mandate (replacing any previous one). ``iban`` must have been
    checked by the adapters (``adapters.direct_debit.check_iban``)."""
    now, today = clock.now(), clock.today()
    with uow:
        family = _family(uow, family_id)
        previous = family.mandate
        wanted = _rum(uow, family_id, previous, (rum or "").strip(), signed_on)
        mandate = SepaMandate.create(
            holder=holder,
            iban=iban,
            rum=wanted,
            signed_on=signed_on,
            bic=bic,
            today=date(today.year, today.month, today.day),
        )
        _refuse_new_account_under_old_rum(previous, mandate)
        family.sign_mandate(mandate)
        uow.families.update(family, now)
        uow.audit.record(
            notices.mandate_signed(family_id, family.name, mandate, previous, actor=actor, now=now)
        )
        uow.commit()
    return mandate


def revoke_mandate(uow: UnitOfWork, clock: Clock, family_id: int, *, actor: Actor) -> SepaMandate:
    """The family stops paying by direct debit: its next invoices are paid otherwise."""
    now = clock.now()
    with uow:
        family = _family(uow, family_id)
        previous = family.mandate
        if previous is None or not previous.active:
            raise Conflict(f"La famille {family.name} n'a pas de mandat de prélèvement actif.")
        family.revoke_mandate()
        assert family.mandate is not None  # noqa: S101  (revoked, still there)
        uow.families.update(family, now)
        uow.audit.record(
            notices.mandate_revoked(
                family_id, family.name, previous, family.mandate, actor=actor, now=now
            )
        )
        uow.commit()
        return family.mandate


def _family(uow: UnitOfWork, family_id: int) -> Family:
    """The family, locked for the change of its mandate."""
    family = uow.families.get(family_id, for_update=True)
    if family is None:
        raise NotFound(f"Aucune famille n° {family_id}.")
    return family


def _rum(
    uow: UnitOfWork, family_id: int, previous: SepaMandate | None, given: str, signed_on: date
) -> str:
    """The RUM given at the desk (the family's own, or one that is neither reserved to the
    portal nor another family's), else one the portal attributes: an attributed RUM names
    the family, so that no other family can hold it."""
    own = {previous.rum} if previous is not None else set()
    if given and given not in own:
        if given.upper().startswith(RUM_PREFIX):
            raise InvalidInput(
                f"Les RUM commençant par {RUM_PREFIX} sont attribuées par le portail : "
                "laissez --rum vide, ou donnez la RUM que la famille a déjà.",
                {"rum": f"RUM réservée au portail ({RUM_PREFIX}...)."},
            )
        if any(f.mandate and f.mandate.rum == given for f in uow.families.listing()):
            raise Conflict(f"La RUM {given} est déjà celle du mandat d'une autre famille.")
    return given or default_rum(family_id, signed_on, own)


def _refuse_new_account_under_old_rum(previous: SepaMandate | None, mandate: SepaMandate) -> None:
    """A new bank account needs a new signature, hence a new RUM."""
    if previous is not None and previous.rum == mandate.rum and previous.iban != mandate.iban:
        raise RuleViolation(
            "Un nouveau compte bancaire demande un nouveau mandat : une nouvelle signature "
            "et une nouvelle RUM (laissez --rum vide pour qu'elle soit attribuée)."
        )


def list_mandates(uow: UnitOfWork, *, active_only: bool = False) -> list[MandateLine]:
    with uow:
        families = uow.families.listing()
    return [
        MandateLine(f.id or 0, f.name, f.mandate)
        for f in families
        if f.mandate is not None and (f.mandate.active or not active_only)
    ]
