"""Forgetting what the accounts no longer need (``portail account purge``, a periodic job).

- Sessions expired for an hour: the portal refuses a session 30 minutes after its last request
  or 12 hours after login whether or not its row is still there; the hour's margin keeps a
  session that a request has just recognised (or a server whose clock runs a little behind)
  from losing its row under that request.
- Links (activation, reset, unlock, e-mail change) 30 days after they expired, whether used,
  revoked or neither: until then the family's data (« Mes données », ``family export``) lists
  them; the audit trail keeps, for as long as the dossier, who asked for each and when it was
  used.
- Login throttles that no longer change any answer (``LoginThrottle.forgettable``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.accounts.session import ABSOLUTE_LIFETIME, IDLE_TIMEOUT
from portail_core.ports.clock import Clock

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWorkFactory

__all__ = [
    "LINK_RETENTION",
    "SESSION_MARGIN",
    "THROTTLE_BATCH",
    "PurgeReport",
    "purge_account_leftovers",
]

SESSION_MARGIN = pendulum.duration(hours=1)
LINK_RETENTION = pendulum.duration(days=30)
THROTTLE_BATCH = 500  # throttles read (and locked) per transaction


@frozen
class PurgeReport:
    sessions: int
    links: int
    throttles: int


def purge_account_leftovers(uow: UnitOfWorkFactory, clock: Clock) -> PurgeReport:
    """Delete the expired sessions and links and the stale throttles; how many of each."""
    now = clock.now()
    with uow() as work:
        sessions = work.sessions.delete_expired(
            idle_before=now - IDLE_TIMEOUT - SESSION_MARGIN,
            started_before=now - ABSOLUTE_LIFETIME - SESSION_MARGIN,
        )
        links = work.tokens.delete_expired(now - LINK_RETENTION)
        work.commit()
    return PurgeReport(sessions, links, _forget_throttles(uow, now))


def _forget_throttles(uow: UnitOfWorkFactory, now: pendulum.DateTime) -> int:
    """A batch per short transaction, so that logins never wait long behind the purge."""
    forgotten, after = 0, ""
    while True:
        with uow() as work:
            batch = work.throttles.batch_after(after, THROTTLE_BATCH)
            stale = [throttle.key for throttle in batch if throttle.forgettable(now)]
            work.throttles.delete_all(stale)
            work.commit()
        forgotten += len(stale)
        if len(batch) < THROTTLE_BATCH:
            return forgotten
        after = batch[-1].key
