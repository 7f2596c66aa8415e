"""The in-memory twin of the audit trail."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import attrs
from attrs import define, field

from adapters.memory.store import WorkingCopy
from portail_core.domain.audit import Actor, AuditEvent

__all__ = ["REDACTED", "AuditState", "InMemoryAuditRepositories", "InMemoryAuditTrail"]

REDACTED = "[effacé à la demande de la famille]"


@define
class AuditState:
    audit_events: list[AuditEvent] = field(factory=list)


class InMemoryAuditTrail:
    def __init__(self, state: AuditState) -> None:
        self._state = state

    def record(self, event: AuditEvent) -> None:
        self._state.audit_events.append(event)

    def record_all(self, events: Sequence[AuditEvent]) -> None:
        self._state.audit_events.extend(events)

    def latest(self, limit: int) -> list[AuditEvent]:
        return list(reversed(self._state.audit_events))[:limit]

    def of_family(self, family_id: int, limit: int) -> list[AuditEvent]:
        mine = [e for e in self._state.audit_events if e.family_id == family_id]
        return list(reversed(mine))[:limit]

    def redact_family(self, family_id: int, identities: Collection[str], pseudonym: str) -> int:
        lowered = {identity.lower() for identity in identities}
        redacted = 0
        for index, event in enumerate(self._state.audit_events):
            by_them = event.family_id in {None, family_id} and event.actor.identifier.lower() in (
                lowered
            )
            if event.family_id == family_id or by_them:
                actor = Actor(pseudonym, event.actor.channel) if by_them else event.actor
                self._state.audit_events[index] = attrs.evolve(
                    event, actor=actor, summary=REDACTED, details={}
                )
                redacted += 1
        return redacted


class InMemoryAuditRepositories(WorkingCopy):
    """The repositories a unit of work gives on the working copy's AuditState."""

    @property
    def audit(self) -> InMemoryAuditTrail:
        return InMemoryAuditTrail(self.state(AuditState))
