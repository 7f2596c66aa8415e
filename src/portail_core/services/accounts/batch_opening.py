"""Opening the accounts of every complete dossier at once (a town's onboarding), with the
activation e-mails paced so that the commune's mail relay is not flooded.

Each account is opened as ``open_account`` opens one (awaiting activation through a one-time
link, no password hashed); the e-mails are written to the outbox with a ``next_attempt_at``
spread at ``per_minute`` messages a minute, and each link lives its full 72 hours from the
moment its e-mail is due. Everything is written in one transaction, in multi-row statements.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.accounts.account import Account, OneTimeToken, TokenPurpose
from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.completeness import SchoolYear, completeness
from portail_core.domain.dossiers.family import Family
from portail_core.domain.regulations import required_regulations
from portail_core.errors import InvalidInput
from portail_core.ports.clock import Clock
from portail_core.services.accounts import notices
from portail_core.services.accounts.opening import account_identifier

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "DEFAULT_PER_MINUTE",
    "MAX_PER_MINUTE",
    "BatchOpening",
    "Pacing",
    "open_accounts_of",
    "open_complete_accounts",
]

DEFAULT_PER_MINUTE = 30  # 1,800 an hour: within a small relay's usual quota (Microsoft 365: 30/min)
MAX_PER_MINUTE = 10_000
BATCH = 500  # families read, and accounts written, per statement


@frozen
class Incomplete:
    family_id: int
    name: str
    missing: tuple[str, ...]


@frozen
class BatchOpening:
    """What the batch did (or would do, for a dry run)."""

    opened: tuple[tuple[int, str, pendulum.DateTime], ...]  # family, identifier, e-mail due at
    incomplete: tuple[Incomplete, ...]
    with_account: int  # of the families looked at, those that had an account already
    recorded: bool


def open_complete_accounts(
    uow: UnitOfWork,
    *,
    school_year: SchoolYear,
    public_url: str,
    actor: Actor,
    clock: Clock,
    per_minute: int = DEFAULT_PER_MINUTE,
    dry_run: bool = False,
) -> BatchOpening:
    """Open an account for every family whose dossier is complete for ``school_year`` and
    that has none; the others are listed with what they lack."""
    pace = Pacing(school_year, public_url, per_minute)
    with uow:
        batch = open_accounts_of(uow, uow.families.each(BATCH), pace, actor, clock, dry_run)
        if not dry_run:
            uow.commit()
    return batch


@frozen
class Pacing:
    """Which school year the dossiers must be complete for, where the activation links lead,
    and how many activation e-mails a minute the commune's mail relay takes."""

    school_year: SchoolYear
    public_url: str
    per_minute: int = DEFAULT_PER_MINUTE

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.per_minute <= MAX_PER_MINUTE:
            raise InvalidInput(
                f"Le rythme d'envoi est de 1 à {MAX_PER_MINUTE} courriels par minute."
            )


def open_accounts_of(
    uow: UnitOfWork,
    families: Iterable[Family],
    pace: Pacing,
    actor: Actor,
    clock: Clock,
    dry_run: bool,
) -> BatchOpening:
    """Within the caller's unit of work (which commits): open the accounts of these families
    (recorded ones, with their ids) whose dossiers are complete and that have none yet."""
    now, today = clock.now(), clock.today()
    gap = pendulum.duration(seconds=60 / pace.per_minute)
    opened: list[tuple[int, str, pendulum.DateTime]] = []
    incomplete: list[Incomplete] = []
    catalogue, versions = uow.catalogue.get(), uow.regulations.listing()
    with_account = set(uow.accounts.identifiers())
    pending: list[tuple[Family, str]] = []

    def flush() -> None:
        opened.extend(_open(uow, pending, now, len(opened), gap, pace.public_url, actor, dry_run))
        pending.clear()

    already = 0  # of these families, not of the whole commune
    for family in families:
        if family.id in with_account:
            already += 1
            continue
        required = required_regulations(family, catalogue, versions, today)
        check = completeness(family, pace.school_year, required, today)
        email = family.main_guardian.email if family.guardians else None
        if not check.complete or email is None or (family.id is None and not dry_run):
            incomplete.append(Incomplete(family.id or 0, family.name, check.missing))
            continue
        pending.append((family, email))
        if len(pending) >= BATCH:
            flush()
    flush()
    return BatchOpening(tuple(opened), tuple(incomplete), already, not dry_run)


def _open(
    uow: UnitOfWork,
    pending: Sequence[tuple[Family, str]],
    now: pendulum.DateTime,
    before: int,
    gap: pendulum.Duration,
    public_url: str,
    actor: Actor,
    dry_run: bool,
) -> list[tuple[int, str, pendulum.DateTime]]:
    """Open these families' accounts; the e-mail of the n-th account of the run is due
    ``n * gap`` after ``now``."""
    accounts = [
        Account(f.id or 0, account_identifier(f), email, created_at=now) for f, email in pending
    ]
    due = [now + gap * (before + n) for n in range(len(accounts))]
    if not dry_run and accounts:
        uow.accounts.add_all(accounts)
        commune = uow.communes.get()
        tokens, emails = [], []
        for account, send_at in zip(accounts, due, strict=True):
            assert account.id is not None  # noqa: S101  (set by add_all)
            secret, token = OneTimeToken.issue(account.id, TokenPurpose.ACTIVATION, send_at)
            url = f"{public_url}/activation/{secret}"
            email = notices.activation_email(account, commune, url, token.expires_at, now)
            email.next_attempt_at = send_at
            tokens.append(token)
            emails.append(email)
        uow.tokens.add_all(tokens)
        uow.outbox.add_all(emails)
        uow.audit.record_all(
            [
                notices.account_opened(family, account, False, actor, now)
                for (family, _), account in zip(pending, accounts, strict=True)
            ]
        )
    return [
        (account.family_id, account.identifier, send_at)
        for account, send_at in zip(accounts, due, strict=True)
    ]
