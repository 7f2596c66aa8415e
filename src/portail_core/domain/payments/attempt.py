"""One attempt to pay an invoice online: stored before the family leaves for PayFiP, judged only
on PayFiP's own report, for exactly the reference, amount, client number and mode it was opened
with (the commune's settings may change meanwhile: T, then X, then W).

What PayFiP documents (PAYFIP.md): a payment page lives 15 minutes; a result not known yet (P5)
younger than about 20 minutes is still awaited; an abandoned payment (A) may still change within
about 20 minutes; PayFiP forgets an operation (P1) after about a day. So an attempt that is
abandoned, or expired after P5, is asked about again until PayFiP forgets it; one PayFiP forgot
before it ever gave a result is for the desk to check, as is a payment that is not what was
opened. The desk settles those (``settle``): paid, or closed without payment.
"""

from __future__ import annotations

import enum

import pendulum
from attrs import define, field

from portail_core.domain.payments.online import PayfipMode, PaymentReport
from portail_core.domain.shared.instants import as_utc
from portail_core.domain.shared.money import Money

__all__ = ["FORGOTTEN", "PAGE_LIFETIME", "RESULT_WINDOW", "AttemptState", "PaymentAttempt"]

PAGE_LIFETIME = pendulum.duration(minutes=15)  # PayFiP's page for one operation
RESULT_WINDOW = pendulum.duration(minutes=20)  # P5 or A after this: PayFiP will not say paid
FORGOTTEN = "P1"  # PayFiP's fault: it does not know (or no longer knows) the operation


class AttemptState(enum.Enum):
    PENDING = "en_cours"  # the family may be paying: PayFiP has no result yet
    PAID = "payee"
    REFUSED = "refusee"
    ABANDONED = "abandonnee"  # may still turn paid within RESULT_WINDOW
    EXPIRED = "expiree"  # no result came in time, or PayFiP forgot the operation
    REJECTED = "rejetee"  # PayFiP says paid, but not what was opened: for the desk to look at
    ERROR = "erreur"  # no documented result, or forgotten before any: for the desk to look at
    CLOSED = "classee"  # settled by the desk without payment

    @property
    def label(self) -> str:
        return {
            AttemptState.PENDING: "en cours de vérification",
            AttemptState.PAID: "payée",
            AttemptState.REFUSED: "refusée",
            AttemptState.ABANDONED: "abandonnée",
            AttemptState.EXPIRED: "expirée",
            AttemptState.REJECTED: "rejetée (à vérifier par le guichet)",
            AttemptState.ERROR: "en erreur (à vérifier par le guichet)",
            AttemptState.CLOSED: "classée sans paiement par le guichet",
        }[self]

    @property
    def for_the_desk(self) -> bool:
        """PayFiP's answer cannot be taken as it is: the desk checks, then settles it."""
        return self in (AttemptState.REJECTED, AttemptState.ERROR)


@define(slots=False, eq=False)
class PaymentAttempt:
    """One visit to PayFiP for one invoice (an entity: equal only to itself)."""

    family_id: int
    invoice_number: str
    refdet: str
    amount: Money  # the invoice's balance when the attempt was opened
    id_op: str
    created_at: pendulum.DateTime = field(converter=as_utc)
    numcli: str = field(kw_only=True)  # the commune's client number when it was opened
    mode: PayfipMode = field(kw_only=True)  # and its mode (saisie)
    state: AttemptState = AttemptState.PENDING
    checked_at: pendulum.DateTime | None = None
    result: str = ""  # PayFiP's resultrans, or its fault code (P1, P5...)
    authorisation: str = ""  # numauto, when PayFiP says paid (even if rejected)
    paid_at: pendulum.DateTime | None = None
    problem: str = ""  # why it is for the desk; how the desk settled it
    id: int | None = field(default=None, kw_only=True)

    @property
    def retry_after(self) -> pendulum.DateTime:
        """From when PayFiP no longer turns it paid (unless it does not answer at all)."""
        return self.created_at + RESULT_WINDOW

    def may_still_pay(self, now: pendulum.DateTime) -> bool:
        """Whether PayFiP may yet report it paid: pending, or abandoned lately."""
        if self.state is AttemptState.PENDING:
            return True
        return self.state is AttemptState.ABANDONED and now < self.retry_after

    def resumable(self, now: pendulum.DateTime, balance: Money) -> bool:
        """The family may go back to the same PayFiP page (a double click, « Back » from
        PayFiP): still pending, its page alive, and for what the invoice still owes."""
        alive = now < self.created_at + PAGE_LIFETIME
        return self.state is AttemptState.PENDING and alive and self.amount == balance

    def holds_back_a_new_attempt(self, now: pendulum.DateTime) -> bool:
        """No second payment while this one may still be paid (younger than
        ``RESULT_WINDOW``), nor while the desk has not settled it."""
        return self.state.for_the_desk or (self.may_still_pay(now) and now < self.retry_after)

    @property
    def to_ask_again(self) -> bool:
        """Whether PayFiP may still tell something new about it: pending, abandoned or
        expired, until PayFiP forgets the operation."""
        if self.state is AttemptState.PENDING:
            return True
        settled_for_now = self.state in (AttemptState.ABANDONED, AttemptState.EXPIRED)
        return settled_for_now and self.result != FORGOTTEN

    def judge(self, report: PaymentReport, now: pendulum.DateTime) -> AttemptState:
        """Take PayFiP's report: paid only for card (P) or one-off debit (V), and only when the
        reference, amount, client number and mode are the attempt's."""
        self.checked_at, self.result = now, report.result
        if report.result in ("P", "V"):
            self.authorisation, self.paid_at = report.authorisation, report.paid_at or now
            self.problem = "; ".join(self._mismatches(report))
            self.state = AttemptState.REJECTED if self.problem else AttemptState.PAID
        elif report.result in ("R", "Z"):
            self.state = AttemptState.REFUSED
        elif report.result == "A":
            self.state = AttemptState.ABANDONED
        else:
            self.state, self.problem = AttemptState.ERROR, f"résultat inconnu « {report.result} »"
        return self.state

    def not_known_yet(self, code: str, now: pendulum.DateTime) -> AttemptState:
        """PayFiP has no result (P5): still pending while the family may be paying, expired
        after that (and asked again). PayFiP forgot the operation (P1): nothing more to learn;
        for the desk if PayFiP never gave any result (it may have been paid unseen)."""
        self.checked_at, self.result = now, code
        if code == FORGOTTEN and self.state is AttemptState.PENDING:
            self.state = AttemptState.ERROR
            self.problem = "PayFiP ne connaît plus l'opération et n'en a jamais donné le résultat"
        elif self.state is AttemptState.PENDING and now >= self.retry_after:
            self.state = AttemptState.EXPIRED
        return self.state

    def settle(self, *, paid: bool, note: str, now: pendulum.DateTime) -> None:
        """The desk's decision on an attempt it had to check."""
        self.state = AttemptState.PAID if paid else AttemptState.CLOSED
        self.checked_at = now
        self.problem = f"{self.problem} ; réglé par le guichet : {note}".lstrip(" ;")

    def _mismatches(self, report: PaymentReport) -> list[str]:
        expected = {
            "référence (refdet)": (report.refdet, self.refdet),
            "montant": (report.amount, self.amount),
            "numéro client (numcli)": (report.numcli, self.numcli),
            "mode (saisie)": (report.mode, self.mode.value),
        }
        return [
            f"{name} {_shown(given)} au lieu de {_shown(wanted)}"
            for name, (given, wanted) in expected.items()
            if given != wanted
        ]


def _shown(value: object) -> str:
    text = value.format_fr() if isinstance(value, Money) else str(value)
    return f"« {text[:40]} »"
