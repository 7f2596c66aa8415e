"""The family's credit deducted by ``portail billing run`` (issue 15, item 16), through the staff's
commands only on SQLite: a payment too large for the invoice, a correction of the month, and the
run that deducts the credit from the new invoice, says so and records it as ``use-credit`` does."""

import json
from pathlib import Path

from click.testing import CliRunner, Result

from adapters.clock import FixedClock
from entrypoints.bootstrap import Services
from entrypoints.cli import main
from portail_core.domain.payments.payment import PaymentMode
from tests.integration.test_attendance_cli import add_family, child_id
from tests.integration.test_auth_web import clock, services  # noqa: F401  (fixtures reused)
from tests.integration.test_monthly_billing_cli import OCTOBER_2, book_september, point


def run(services: Services, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), obj=services)


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def test_the_run_deducts_the_credit_from_the_new_invoice_and_says_so(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    family = add_family(services)
    lea = child_id(services, family)
    book_september(services, family, lea)  # 5 x 10,40 € = 52,00 €
    clock.set(OCTOBER_2)
    ok(run(services, "billing", "run", "--month", "2026-09"))
    paid = ok(
        run(services, "payments", "record", "--invoice", "FA-2026-000001", "--amount", "60",
            "--mode", "cheque", "--reference", "CHQ 1")
    )  # fmt: skip
    assert "Trop-perçu : 8,00\u00a0€, mis en avoir de la famille." in paid.output
    point(services, "2026-09-23", f"{lea},MATIN,present\n", tmp_path)  # not booked: +1 unit
    corrected = ok(run(services, "billing", "run", "--month", "2026-09", "--format", "json"))
    data = json.loads(corrected.stdout)
    [martin] = data["families"]
    assert martin["action"] == "corrected"
    assert martin["documents"] == ["AV-2026-000001", "FA-2026-000002"]
    assert martin["credit_used"] == data["credits"]
    with services.ports.uow(read_only=True) as uow:
        second = uow.invoices.by_number("FA-2026-000002")
        used = [p for p in uow.payments.of_family(family) if p.mode is PaymentMode.CREDIT]
    assert second is not None
    credit = min(second.total.cents, 6000)  # 52,00 € paid on the cancelled invoice + 8,00 €
    assert martin["credit_used"] == f"{credit // 100}.{credit % 100:02d}"
    assert sorted(p.amount.cents for p in used) == [-credit, credit]

    listed = ok(run(services, "invoices", "list", "--family", str(family)))
    assert "FA-2026-000002" in listed.output
    again = ok(run(services, "billing", "run", "--month", "2026-09"))
    assert "Avoirs déduits" not in again.output  # nothing new: nothing deducted twice


def test_the_table_names_the_families_whose_credit_was_deducted(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    family = add_family(services)
    lea = child_id(services, family)
    book_september(services, family, lea)
    clock.set(OCTOBER_2)
    ok(run(services, "billing", "run", "--month", "2026-09"))
    ok(
        run(services, "payments", "record", "--invoice", "FA-2026-000001", "--amount", "52",
            "--mode", "especes", "--reference", "Q-1")
    )  # fmt: skip
    point(services, "2026-09-23", f"{lea},MATIN,present\n", tmp_path)
    table = ok(run(services, "billing", "run", "--month", "2026-09"))
    assert "Avoirs déduits des nouvelles factures : 1 famille(s), 52,00\u00a0€." in table.output
    help_text = ok(run(services, "billing", "run", "--help")).output
    assert "est déduit de sa" in " ".join(help_text.split())
