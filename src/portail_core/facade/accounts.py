"""The accounts' use cases, ports bound."""

from __future__ import annotations

from attrs import frozen

from portail_core.domain.accounts.account import Account, TokenPurpose
from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.completeness import SchoolYear
from portail_core.facade.ports import Ports
from portail_core.services.accounts.batch_opening import (
    DEFAULT_PER_MINUTE,
    BatchOpening,
    Pacing,
    open_complete_accounts,
)
from portail_core.services.accounts.email_change import confirm_email_change, pending_email_change
from portail_core.services.accounts.links import link_is_valid
from portail_core.services.accounts.opening import AccountOpening, activate_account, open_account
from portail_core.services.accounts.purge import PurgeReport, purge_account_leftovers
from portail_core.services.accounts.recovery import (
    request_password_reset,
    reset_password,
    send_reset_link,
    unlock_account,
    unlock_with_link,
)
from portail_core.services.accounts.sessions import (
    SessionView,
    change_password,
    current_session,
    end_session,
    extend_session,
    log_in,
)

__all__ = ["AccountUseCases"]


@frozen
class AccountUseCases:
    """Family accounts: opening by the desk, activation, login and sessions, recovery, e-mail
    change (``portail.accounts``). ``actor_ip`` is the client's address, for the throttles and
    the audit trail."""

    _ports: Ports
    _public_url: str

    def open(
        self,
        family_id: int,
        *,
        actor: Actor,
        school_year: SchoolYear | None = None,
        with_temporary_password: bool = False,
    ) -> AccountOpening:
        """Open the account of a family whose dossier is complete for the school year (the
        current one by default); the e-mail goes through the outbox."""
        ports = self._ports
        return open_account(
            ports.uow(),
            family_id,
            school_year=school_year or SchoolYear.containing(ports.clock.today()),
            public_url=self._public_url,
            hasher=ports.hasher,
            actor=actor,
            clock=ports.clock,
            with_temporary_password=with_temporary_password,
        )

    def open_all_complete(
        self,
        *,
        actor: Actor,
        school_year: SchoolYear | None = None,
        per_minute: int = DEFAULT_PER_MINUTE,
        dry_run: bool = False,
    ) -> BatchOpening:
        """Open the account of every complete dossier without one, in one transaction; the
        activation e-mails are due ``per_minute`` a minute from now."""
        ports = self._ports
        return open_complete_accounts(
            ports.uow(),
            school_year=school_year or SchoolYear.containing(ports.clock.today()),
            public_url=self._public_url,
            actor=actor,
            clock=ports.clock,
            per_minute=per_minute,
            dry_run=dry_run,
        )

    def pacing(self, per_minute: int, school_year: SchoolYear | None = None) -> Pacing:
        """How a batch opens accounts (``dossiers.onboard(open_accounts=...)``): complete for
        ``school_year`` (the current one by default), ``per_minute`` activation e-mails."""
        year = school_year or SchoolYear.containing(self._ports.clock.today())
        return Pacing(year, self._public_url, per_minute)

    def link_is_valid(self, secret: str, purpose: TokenPurpose) -> bool:
        """Whether an e-mailed link still works."""
        return link_is_valid(self._ports.uow(read_only=True), secret, purpose, self._ports.clock)

    def activate(self, secret: str, password: str, *, actor_ip: str) -> Account:
        """The family chooses its password through the activation link."""
        ports = self._ports
        return activate_account(
            ports.uow(), secret, password, hasher=ports.hasher, actor_ip=actor_ip, clock=ports.clock
        )

    def log_in(self, identifier: str, password: str, *, actor_ip: str) -> str:
        """Check the credentials (throttled, audited) and open a session; returns its secret."""
        ports = self._ports
        return log_in(
            ports.uow,
            identifier,
            password,
            hasher=ports.hasher,
            actor_ip=actor_ip,
            clock=ports.clock,
            public_url=self._public_url,
        )

    def current_session(self, secret: str | None) -> SessionView | None:
        """The session this secret opens, if it is still valid (its last use is recorded)."""
        ports = self._ports
        return current_session(ports.uow(), secret, ports.clock, reading=ports.uow(read_only=True))

    def extend_session(self, secret: str | None) -> SessionView | None:
        """« Prolonger la session »: the idle timer restarts now (None: the session ended)."""
        return extend_session(self._ports.uow(), secret, self._ports.clock)

    def end_session(self, secret: str | None) -> None:
        end_session(self._ports.uow(), secret)

    def change_password(self, account_id: int, current: str, new: str, *, actor_ip: str) -> str:
        """Change the password (other sessions end); returns the new session's secret."""
        ports = self._ports
        return change_password(
            ports.uow(),
            account_id,
            current,
            new,
            hasher=ports.hasher,
            actor_ip=actor_ip,
            clock=ports.clock,
            public_url=self._public_url,
        )

    def request_password_reset(self, identifier: str, *, actor_ip: str) -> None:
        """E-mail a reset link if the account exists (the same answer either way)."""
        request_password_reset(
            self._ports.uow(),
            identifier,
            public_url=self._public_url,
            hasher=self._ports.hasher,
            actor_ip=actor_ip,
            clock=self._ports.clock,
        )

    def reset_password(self, secret: str, password: str, *, actor_ip: str) -> Account:
        ports = self._ports
        return reset_password(
            ports.uow(), secret, password, hasher=ports.hasher, actor_ip=actor_ip, clock=ports.clock
        )

    def send_reset_link(self, family_id: int, *, actor: Actor) -> Account:
        """The desk sends the family a reset link."""
        return send_reset_link(
            self._ports.uow(),
            family_id,
            public_url=self._public_url,
            actor=actor,
            clock=self._ports.clock,
        )

    def unlock(self, family_id: int, *, actor: Actor) -> Account:
        """The desk unlocks a locked account."""
        return unlock_account(self._ports.uow(), family_id, actor=actor, clock=self._ports.clock)

    def unlock_with_link(self, secret: str, *, actor_ip: str) -> Account:
        return unlock_with_link(
            self._ports.uow(), secret, actor_ip=actor_ip, clock=self._ports.clock
        )

    def pending_email_change(self, secret: str) -> str | None:
        """The new address an e-mail change link would confirm, if it still works."""
        return pending_email_change(self._ports.uow(read_only=True), secret, self._ports.clock)

    def confirm_email_change(self, secret: str, *, actor_ip: str) -> Account:
        return confirm_email_change(
            self._ports.uow(), secret, actor_ip=actor_ip, clock=self._ports.clock
        )

    def purge(self) -> PurgeReport:
        """Forget the expired sessions and links and the stale login throttles (a periodic
        job); how many of each."""
        return purge_account_leftovers(self._ports.uow, self._ports.clock)
