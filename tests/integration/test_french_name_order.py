"""One French order of names (``shared.collation.french_sort_key``) for the family list, the
billing run and the attendance sheet, on SQLite and PostgreSQL alike: « Œ », « Æ », « Ø »,
« Ł » among their letters (not after « Z »), « D’Almeida » with a curly apostrophe before
« Dupont », accents and case not counting."""

from __future__ import annotations

import json

from click.testing import CliRunner

from entrypoints.bootstrap import Services
from entrypoints.cli import main
from portail_core.services.dossiers.creation import create_family
from tests.integration.invoice_town import SEPTEMBER_WEDNESDAYS, bill_september, book_september
from tests.integration.test_auth_web import STAFF, clock  # noqa: F401  (fixture reused)
from tests.integration.test_text_rule_web import services  # noqa: F401  (both databases)
from tests.unit.dossier_builders import complete_family

# Typed in no particular order; the order the desk expects is ``EXPECTED``.
NAMES = ["Zola", "Œillet", "Dupont", "Ødegaard", "D’Almeida", "Łukasz", "Æbischer", "émile", "Lévy"]
EXPECTED = [
    "Æbischer",
    "D’Almeida",
    "Dupont",
    "émile",
    "Lévy",
    "Łukasz",
    "Ødegaard",
    "Œillet",
    "Zola",
]


def add_families(services: Services) -> None:
    for name in NAMES:
        family = complete_family()
        family.name = name
        for child in family.children:
            child.last_name = name
        family_id = create_family(
            services.ports.uow(), family, actor=STAFF, clock=services.ports.clock
        )
        book_september(services, family_id, "Léa", SEPTEMBER_WEDNESDAYS[:1])


def test_the_family_list_billing_and_the_attendance_sheet_share_the_french_order(
    services: Services,
) -> None:
    add_families(services)
    listed = CliRunner().invoke(main, ["family", "list", "--format", "json"], obj=services)
    assert listed.exit_code == 0, listed.output
    assert [family["name"] for family in json.loads(listed.output)] == EXPECTED

    day = SEPTEMBER_WEDNESDAYS[0].isoformat()
    sheet = CliRunner().invoke(
        main,
        ["reservations", "list", "--establishment", "ALSH", "--date", day, "--format", "json"],
        obj=services,
    )
    assert sheet.exit_code == 0, sheet.output
    assert [line["last_name"] for line in json.loads(sheet.output)["children"]] == EXPECTED

    report = bill_september(services)
    assert [bill.family_name for bill in report.bills] == EXPECTED
