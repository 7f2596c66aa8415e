"""The family's data (RGPD right of access), on SQLite and PostgreSQL: every table that can hold
something about a family is in the document, row for row; « Mes données » on the portal and
``portail family export`` give the same document (docs/family-data.md)."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner
from sqlalchemy import Table, func, select

from adapters.persistence import tables
from entrypoints.cli import main
from entrypoints.family_data import FORMAT, SECTIONS
from entrypoints.web import create_app
from tests.integration.family_footprint import (  # noqa: F401  (fixture)
    PASSWORD,
    Footprint,
    footprint,
)
from tests.integration.test_auth_web import log_in

# Each table that holds rows about a family (it has a family_id, child_id or account_id
# column), and where the document shows them: the section, or "section.key" for a list inside
# it. A new table with such a column fails the first test until it is placed here (and in the
# document, and docs/family-data.md) or in LEFT_OUT with the reason.
EXPORTED = {
    "families": "family",
    "children": "family.children",
    "accounts": "account",
    "portal_sessions": "sessions",
    "one_time_tokens": "links",
    "change_requests": "change_requests",
    "reservations": "reservations",
    "reservation_events": "reservation_history",
    "waiting_entries": "waiting_list",
    "attendance_marks": "attendance",
    "absences": "absences",
    "invoices": "invoices",
    "payments": "payments",
    "payment_attempts": "payment_attempts",
    "outbox": "emails",
    "audit_events": "history",
    "calendar_feeds": "calendar_feed",
    "school_preregistrations": "school_preregistrations",
    "sma_requests": "sma_requests",
    "allocation_requests": "allocation_requests",
    "allocation_decisions": "allocation_results",
}
LEFT_OUT = {
    # What the family saw on screen before confirming, kept a few days for the confirmation
    # page, then deleted by ``portail reservations purge-drafts``; what it confirmed is in
    # reservations and reservation_history.
    "planning_drafts",
    # A place in the opening day's waiting room: a number and a few minutes' times, deleted
    # when they run out (minutes), with the account, or when the desk switches the room off.
    "waiting_room_tickets",
}
LINKS = ("family_id", "child_id", "account_id")


def rows_of_the_family(footprint: Footprint, table: Table) -> int:
    """How many rows of ``table`` are about the footprint's family."""
    services = footprint.services
    with services.ports.uow(read_only=True) as uow:
        account = uow.accounts.of_family(footprint.family_id)
    children = [c.id for c in services.portail.dossiers.family(footprint.family_id).children]
    columns = table.c
    if table.name == "families":
        condition = columns.id == footprint.family_id
    elif "family_id" in columns:
        condition = columns.family_id == footprint.family_id
    elif "child_id" in columns:
        condition = columns.child_id.in_(children)
    else:
        assert account is not None
        condition = columns.account_id == account.id
    assert services.engine is not None
    with services.engine.connect() as connection:
        return int(connection.execute(select(func.count()).where(condition)).scalar_one())


def shown(document: dict[str, Any], place: str) -> int:
    """How many rows the document shows at ``place``."""
    section, _, key = place.partition(".")
    value = document[section]
    if key:
        value = value[key]
    return len(value) if isinstance(value, list) else int(value is not None)


def cli_export(footprint: Footprint) -> dict[str, Any]:
    result = CliRunner().invoke(
        main, ["family", "export", str(footprint.family_id)], obj=footprint.services
    )
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.output)
    return document


def test_every_table_about_families_is_in_the_export_row_for_row(footprint: Footprint) -> None:
    about_families = {
        table.name
        for table in tables.metadata.sorted_tables
        if table.name == "families" or any(link in table.c for link in LINKS)
    }
    assert about_families == set(EXPORTED) | LEFT_OUT
    counts = {
        name: rows_of_the_family(footprint, tables.metadata.tables[name]) for name in EXPORTED
    }
    document = cli_export(footprint)
    assert [key for key in document if key not in ("format", "version")] == list(SECTIONS)
    assert set(EXPORTED.values()) - {"family.children"} == set(SECTIONS)
    for name, place in EXPORTED.items():
        assert counts[name] >= 1, f"the footprint leaves no row in {name}"
        assert shown(document, place) == counts[name], name


def test_the_export_holds_data_not_history_and_no_secret(footprint: Footprint) -> None:
    document = cli_export(footprint)
    assert document["format"] == FORMAT
    [invoice] = document["invoices"]
    assert invoice["number"] == footprint.invoice
    [payment] = document["payments"]
    assert payment["reference"] == "chèque n° 8812"
    assert payment["invoice_number"] == invoice["number"]
    assert {r["day"] for r in document["reservations"]} == {"2026-09-09", "2026-09-16"}
    assert document["absences"][0]["reason"] == "maladie"
    assert document["waiting_list"][0]["day"] == "2026-09-30"
    assert document["account"]["identifier"] == footprint.identifier
    text = json.dumps(document, ensure_ascii=False)
    for secret in ("password_hash", "token_hash", "activation_url", "reset_url", "test$"):
        assert secret not in text
    assert all("context" not in email for email in document["emails"])


def test_mes_donnees_and_the_cli_give_the_same_document(footprint: Footprint) -> None:
    client = create_app({"TESTING": True}, services=footprint.services).test_client()
    assert log_in(client, footprint.identifier, PASSWORD).status_code == 302
    response = client.get("/famille/mes-donnees")
    assert response.mimetype == "application/json"
    web = json.loads(response.data)
    cli = cli_export(footprint)
    # the CLI's export came second: the web's read of the health information is in its history
    assert cli["history"][0]["action"] == "child.health_read"
    assert cli["history"][1:] == web["history"]
    assert {k: v for k, v in cli.items() if k != "history"} == {
        k: v for k, v in web.items() if k != "history"
    }
