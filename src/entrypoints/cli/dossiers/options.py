"""What the dossiers' commands share: the school year they look at."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from portail_core.domain.dossiers.completeness import SchoolYear

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["SCHOOL_YEAR_OPTION", "school_year_of"]

SCHOOL_YEAR_OPTION = click.option(
    "--school-year",
    metavar="AAAA-AAAA",
    help="Année scolaire de référence (par défaut : celle en cours, ex. 2026-2027).",
)


def school_year_of(services: Services, text: str | None) -> SchoolYear:
    return SchoolYear.parse(text) if text else SchoolYear.containing(services.portail.today())
