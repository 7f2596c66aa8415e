"""``portail payfip`` on SQLite against the PayFiP simulator served for real on loopback (the
SOAP client over HTTP): the configuration check, the reconciliation of a payment whose
notification never came, the attempts, PayFiP down, and what is refused."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest

from adapters.clock import FixedClock
from adapters.payfip.simulator import make_simulator
from entrypoints.bootstrap import bootstrap
from entrypoints.settings import Settings
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.payments.attempt import AttemptState
from tests.integration.loopback import Served, choose
from tests.integration.test_account_opening_cli import run

FAMILY = Actor("martin.1", Channel.PORTAL)


@pytest.fixture
def payfip() -> Iterator[Served]:
    served = Served(make_simulator({"123456": ("VILLE DE DEMO-SUR-MER",)}, late_seconds=0.1))
    yield served
    served.close()


@pytest.fixture
def demo(instance_path: Path) -> Path:
    """The demo town (PayFiP client 123456, test mode) with its family's invoice."""
    run(["db", "upgrade"], instance_path)
    assert run(["demo", "load"], instance_path).exit_code == 0
    return instance_path


def invoice_number(instance: Path) -> str:
    [invoice] = json.loads(run(["invoices", "list", "--format", "json"], instance).output)
    number: str = invoice["number"]
    return number


def open_payment(instance: Path, payfip: Served, minutes_ago: int) -> str:
    """The demo family's « Payer en ligne », ``minutes_ago``: the operation's id."""
    settings = Settings.from_env(
        {"PORTAIL_INSTANCE_PATH": str(instance), "PORTAIL_PAYFIP_URL": payfip.url}
    )
    opened_at = pendulum.now("Europe/Paris").subtract(minutes=minutes_ago)
    services = bootstrap(settings, clock=FixedClock(opened_at))
    try:
        checkout = services.portail.payments.open_online(
            1,
            invoice_number(instance),
            notify_url="http://127.0.0.1:9/paiement-en-ligne/notification",
            return_url="http://127.0.0.1:9/paiement-en-ligne/retour",
            actor=FAMILY,
        )
    finally:
        services.close()
    return checkout.attempt.id_op


def test_check_config_asks_payfip_about_the_communes_client(demo: Path, payfip: Served) -> None:
    result = run(["payfip", "check-config"], demo, PORTAIL_PAYFIP_URL=payfip.url)
    assert result.exit_code == 0, result.output
    assert f"PayFiP ({payfip.url}) connaît le client 123456 :" in result.output
    assert "VILLE DE DEMO-SUR-MER" in result.output
    assert "Mode T (test) ; paiement en ligne ouvert aux familles." in result.output


def test_check_config_without_a_client_number_says_what_to_do(
    instance_path: Path, payfip: Served
) -> None:
    run(["db", "upgrade"], instance_path)
    result = run(["payfip", "check-config"], instance_path, PORTAIL_PAYFIP_URL=payfip.url)
    assert result.exit_code == 7
    assert "ajoutez une table [payfip]" in result.output


def test_payfip_down_is_a_french_message_and_exit_code_8(demo: Path) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    result = run(["payfip", "check-config"], demo, PORTAIL_PAYFIP_URL=f"http://127.0.0.1:{port}")
    assert result.exit_code == 8
    assert "Traceback" not in result.output
    assert "Finances Publiques ne répond pas" in result.output


def test_reconcile_records_a_payment_whose_notification_never_came(
    demo: Path, payfip: Served
) -> None:
    id_op = open_payment(demo, payfip, minutes_ago=10)
    choose(payfip, id_op, "P")
    unpaid = json.loads(run(["payments", "list", "--format", "json"], demo).output)
    assert unpaid == []

    result = run(["payfip", "reconcile"], demo, PORTAIL_PAYFIP_URL=payfip.url)
    assert result.exit_code == 0, result.output
    assert "1 paiement(s) en ligne vérifié(s) : 1 payée." in result.output

    [payment] = json.loads(run(["payments", "list", "--format", "json"], demo).output)
    assert (payment["mode"], payment["invoice"]) == ("payfip", invoice_number(demo))
    assert payment["reference"].startswith("PayFiP (mode test) carte bancaire, autorisation ")
    [invoice] = json.loads(run(["invoices", "list", "--format", "json"], demo).output)
    assert (invoice["status"], invoice["due"]) == ("payee", "0.00")
    [attempt] = json.loads(run(["payfip", "attempts", "--format", "json"], demo).output)
    assert (attempt["id_op"], attempt["state"], attempt["result"]) == (id_op, "payee", "P")
    assert attempt["amount_cents"] == payment["amount_cents"]

    again = run(["payfip", "reconcile"], demo, PORTAIL_PAYFIP_URL=payfip.url)
    assert "0 paiement(s) en ligne vérifié(s)." in again.output
    assert len(json.loads(run(["payments", "list", "--format", "json"], demo).output)) == 1


def test_reconcile_leaves_a_payment_opened_minutes_ago_to_the_family(
    demo: Path, payfip: Served
) -> None:
    id_op = open_payment(demo, payfip, minutes_ago=1)
    result = run(["payfip", "reconcile"], demo, PORTAIL_PAYFIP_URL=payfip.url)
    assert "0 paiement(s) en ligne vérifié(s)." in result.output
    [attempt] = json.loads(run(["payfip", "attempts", "--format", "json"], demo).output)
    assert (attempt["id_op"], attempt["state"]) == (id_op, "en_cours")


def test_reconcile_with_payfip_down_changes_nothing_says_so_and_exits_8(
    demo: Path, payfip: Served
) -> None:
    id_op = open_payment(demo, payfip, minutes_ago=10)
    choose(payfip, id_op, "P")
    result = run(["payfip", "reconcile"], demo, PORTAIL_PAYFIP_URL="http://127.0.0.1:9")
    assert result.exit_code == 8  # for the scheduler's monitoring
    assert "1 sans réponse de PayFiP : ils seront vérifiés à nouveau." in result.output
    assert json.loads(run(["payments", "list", "--format", "json"], demo).output) == []


def test_a_refused_payment_is_listed_refused_and_pays_nothing(demo: Path, payfip: Served) -> None:
    id_op = open_payment(demo, payfip, minutes_ago=10)
    choose(payfip, id_op, "R")
    assert "1 refusée" in run(["payfip", "reconcile"], demo, PORTAIL_PAYFIP_URL=payfip.url).output
    table = run(["payfip", "attempts"], demo).output
    assert "refusée" in table
    assert invoice_number(demo) in table
    assert json.loads(run(["payments", "list", "--format", "json"], demo).output) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["payfip", "reconcile", "--days", "0"], "--days"),
        (["payfip", "attempts", "--from", "2026-13-01"], "--from"),
    ],
)
def test_bad_options_are_refused_in_french(demo: Path, args: list[str], message: str) -> None:
    result = run(args, demo)
    assert result.exit_code == 2
    assert message in result.output


def reject(instance: Path, id_op: str) -> None:
    """The attempt as PayFiP's report left it: paid, but not for what was opened."""
    services = bootstrap(Settings.from_env({"PORTAIL_INSTANCE_PATH": str(instance)}))
    try:
        with services.ports.uow() as uow:
            attempt = uow.attempts.by_id_op(id_op, for_update=True)
            assert attempt is not None
            attempt.state, attempt.result = AttemptState.REJECTED, "P"
            attempt.problem = "montant « 10,00 € » au lieu de « 62,93 € »"
            uow.attempts.update(attempt)
            uow.commit()
    finally:
        services.close()


def test_the_desk_settles_a_rejected_payment_with_what_payfip_collected(
    demo: Path, payfip: Served
) -> None:
    id_op = open_payment(demo, payfip, minutes_ago=10)
    reject(demo, id_op)
    listed = run(["payfip", "attempts"], demo).output
    assert "rejetée (à vérifier par le guichet)" in listed
    assert id_op in listed

    neither = run(["payfip", "settle", id_op, "--note", "vu"], demo)
    assert neither.exit_code == 2
    assert "Indiquez --paid MONTANT ou --not-paid" in neither.output

    settled = run(
        ["payfip", "settle", id_op, "--paid", "10,00", "--note", "vu dans l'espace régie"], demo
    )
    assert settled.exit_code == 0, settled.output
    assert ": payée." in settled.output
    [payment] = json.loads(run(["payments", "list", "--format", "json"], demo).output)
    assert (payment["mode"], payment["amount_cents"]) == ("payfip", 1000)
    assert payment["reference"] == "PayFiP, vérifié par le guichet : vu dans l'espace régie"

    again = run(["payfip", "settle", id_op, "--not-paid", "--note", "vu"], demo)
    assert again.exit_code == 4
    assert "seul un paiement rejeté ou en erreur" in again.output
