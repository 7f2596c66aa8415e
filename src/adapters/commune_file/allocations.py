"""The ``[[allocations]]`` tables of the commune file, read into fair allocation's campaigns."""

from __future__ import annotations

from collections.abc import Iterable

from adapters.commune_file.model import FileAllocation, FileEstablishment
from portail_core.domain.allocation.campaign import CampaignSettings

__all__ = ["campaigns_of"]


def campaigns_of(
    tables: Iterable[FileAllocation], establishments: Iterable[FileEstablishment]
) -> tuple[list[CampaignSettings], list[tuple[str, str, str]]]:
    """The campaigns, and each problem as (the table's code, the key at fault, French)."""
    known = {e.code for e in establishments}
    campaigns: list[CampaignSettings] = []
    problems: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for table in tables:
        if table.code in seen:
            problems.append((table.code, "code", f"le code {table.code} est déjà pris"))
            continue
        seen.add(table.code)
        if table.establishment not in known:
            problems.append(
                (table.code, "establishment", f"structure inconnue : {table.establishment}")
            )
            continue
        try:
            campaigns.append(
                CampaignSettings.create(
                    code=table.code,
                    label=table.label,
                    establishment_code=table.establishment,
                    first_day=table.first_day,
                    last_day=table.last_day,
                    requests_from=table.requests_from,
                    requests_until=table.requests_until,
                    priorities=table.priorities,
                    max_days_per_child=table.max_days_per_child,
                )
            )
        except ValueError as error:
            key, _, message = str(error).partition(": ")
            problems.append((table.code, key, message))
    overlapping = _overlaps(campaigns)
    problems += [(c.code, "first_day", f"chevauche la campagne {o}") for c, o in overlapping]
    return campaigns, problems


def _overlaps(campaigns: list[CampaignSettings]) -> list[tuple[CampaignSettings, str]]:
    found = []
    for n, one in enumerate(campaigns):
        for other in campaigns[:n]:
            if (
                one.establishment_code == other.establishment_code
                and one.first_day <= other.last_day
                and other.first_day <= one.last_day
            ):
                found.append((one, other.code))
    return found
