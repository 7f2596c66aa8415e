"""SEPA mandates: signed, changed and revoked at the desk, kept in the dossier, listed."""

from __future__ import annotations

from datetime import date

from attrs import frozen

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.payments.direct_debit import (
    RUM_PREFIX,
    SepaMandate,
    default_rum,
    masked_iban,
)
from portail_core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from portail_core.ports.clock import Clock
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
        family = uow.families.get(family_id, for_update=True)
        if family is None:
            raise NotFound(f"Aucune famille n° {family_id}.")
        previous = family.mandate
        own = {previous.rum} if previous is not None else set()
        given = (rum or "").strip()
        if given and given not in own:
            if given.upper().startswith(RUM_PREFIX):
                raise InvalidInput(
                    f"Les RUM commençant par {RUM_PREFIX} sont attribuées par le portail : "
                    "laissez --rum vide, ou donnez la RUM que la famille a déjà.",
                    {"rum": f"RUM réservée au portail ({RUM_PREFIX}...)."},
                )
            if any(f.mandate and f.mandate.rum == given for f in uow.families.listing()):
                raise Conflict(f"La RUM {given} est déjà celle du mandat d'une autre famille.")
        # an attributed RUM names the family: no other family can hold it
        wanted = given or default_rum(family_id, signed_on, own)
        mandate = SepaMandate.create(
            holder=holder,
            iban=iban,
            rum=wanted,
            signed_on=signed_on,
            bic=bic,
            today=date(today.year, today.month, today.day),
        )
        if previous is not None and previous.rum == mandate.rum and previous.iban != mandate.iban:
            raise RuleViolation(
                "Un nouveau compte bancaire demande un nouveau mandat : une nouvelle signature "
                "et une nouvelle RUM (laissez --rum vide pour qu'elle soit attribuée)."
            )
        family.sign_mandate(mandate)
        uow.families.update(family, now)
        uow.audit.record(
            AuditEvent(
                at=now,
                actor=actor,
                action="family.mandate",
                summary=(
                    f"Mandat de prélèvement SEPA enregistré pour {family.name} : RUM "
                    f"{mandate.rum}, IBAN {mandate.masked_iban}, signé le "
                    f"{mandate.signed_on:%d/%m/%Y}"
                ),
                details={"changes": _changes(previous, mandate)},
                family_id=family_id,
            )
        )
        uow.commit()
    return mandate


def revoke_mandate(uow: UnitOfWork, clock: Clock, family_id: int, *, actor: Actor) -> SepaMandate:
    """The family stops paying by direct debit: its next invoices are paid otherwise."""
    now = clock.now()
    with uow:
        family = uow.families.get(family_id, for_update=True)
        if family is None:
            raise NotFound(f"Aucune famille n° {family_id}.")
        previous = family.mandate
        if previous is None or not previous.active:
            raise Conflict(f"La famille {family.name} n'a pas de mandat de prélèvement actif.")
        family.revoke_mandate()
        assert family.mandate is not None  # noqa: S101  (revoked, still there)
        uow.families.update(family, now)
        uow.audit.record(
            AuditEvent(
                at=now,
                actor=actor,
                action="family.mandate_revoke",
                summary=f"Mandat de prélèvement {previous.rum} révoqué pour {family.name}",
                details={"changes": _changes(previous, family.mandate)},
                family_id=family_id,
            )
        )
        uow.commit()
        return family.mandate


def list_mandates(uow: UnitOfWork, *, active_only: bool = False) -> list[MandateLine]:
    with uow:
        families = uow.families.listing()
    return [
        MandateLine(f.id or 0, f.name, f.mandate)
        for f in families
        if f.mandate is not None and (f.mandate.active or not active_only)
    ]


def _changes(old: SepaMandate | None, new: SepaMandate) -> dict[str, list[object]]:
    """old -> new for each field that changed, the IBANs masked."""
    changes: dict[str, list[object]] = {}
    for name in ("holder", "iban", "bic", "rum", "signed_on", "active"):
        before = getattr(old, name) if old is not None else None
        after = getattr(new, name)
        if before == after:
            continue
        if name == "iban":
            before, after = (masked_iban(before) if before else None), masked_iban(after)
        elif name == "signed_on":
            before, after = (before.isoformat() if before else None), after.isoformat()
        changes[f"mandate.{name}"] = [before, after]
    return changes
