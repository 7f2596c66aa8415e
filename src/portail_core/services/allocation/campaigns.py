"""The commune file's campaigns, loaded with the catalogue (in its transaction).

The rules are frozen once families may ask (from ``requests_from``, or as soon as one request
exists): the draw must follow the rules announced, not settings chosen after the requests are
known. Until the close, only the label may change and the window may be lengthened; then only
the label. A campaign in which families asked cannot leave the file either until published
(then it is kept, silently, as the record of its draw).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pendulum

from portail_core.domain.allocation import Campaign, CampaignSettings
from portail_core.domain.shared.french_dates import moment_fr
from portail_core.errors import Conflict

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["sync_campaigns"]

# CampaignSettings' fields, as the commune file names them
_FILE_KEYS = {
    "label": "label",
    "establishment_code": "establishment",
    "first_day": "first_day",
    "last_day": "last_day",
    "requests_from": "requests_from",
    "requests_until": "requests_until",
    "priorities": "priorities",
    "max_days_per_child": "max_days_per_child",
}


def sync_campaigns(
    uow: UnitOfWork, wanted: Sequence[CampaignSettings], now: pendulum.DateTime
) -> list[str]:
    """New campaigns get their seed; changed ones keep it, as long as their rules are not
    frozen (module docstring: a Conflict names the campaign and the key); a campaign gone from
    the file is forgotten if nobody asked in it. Returns what changed, in French."""
    changes = []
    existing = {c.code: c for c in uow.allocations.campaigns()}
    for settings in wanted:
        campaign = existing.pop(settings.code, None)
        if campaign is None:
            uow.allocations.add_campaign(Campaign(settings))
            changes.append(f"campagne {settings.code} ajoutée")
        elif campaign.settings != settings:
            _refuse_frozen(uow, campaign, settings, now)
            campaign.settings = settings
            uow.allocations.update_campaign(campaign)
            changes.append(f"campagne {settings.code} modifiée")
    for code, campaign in existing.items():
        if campaign.published_at is not None:
            continue  # over, and its days free: kept as the record of its draw
        if campaign.drawn_at is not None or uow.allocations.requests(code):
            raise Conflict(
                f"La campagne {code} ne peut plus être retirée du fichier de la commune : des "
                "familles y ont demandé des places. Remettez-la telle quelle."
            )
        uow.allocations.remove_campaign(code)
        changes.append(f"campagne {code} retirée")
    return changes


def _refuse_frozen(
    uow: UnitOfWork, campaign: Campaign, settings: CampaignSettings, now: pendulum.DateTime
) -> None:
    old, code = campaign.settings, settings.code
    if campaign.drawn_at is not None:
        raise Conflict(
            f"La campagne {code} a déjà été tirée : ses réglages ne peuvent "
            "plus changer dans le fichier de la commune."
        )
    if now < old.requests_from and not uow.allocations.requests(code):
        return  # nobody may have asked yet: anything may change
    closed = now > old.requests_until
    for name, key in _FILE_KEYS.items():
        before, after = getattr(old, name), getattr(settings, name)
        if before == after or name == "label":
            continue
        if name == "requests_until" and not closed and after > before:
            continue
        why = (
            f"les demandes sont closes depuis le {moment_fr(old.requests_until)}"
            if closed
            else f"les familles peuvent demander depuis le {moment_fr(old.requests_from)}"
        )
        allowed = "seul son libellé (label) peut changer" + (
            "" if closed else ", et sa fin des demandes (requests_until) être repoussée"
        )
        raise Conflict(
            f"La campagne {code} ne peut plus changer de {key} dans le fichier de la commune : "
            f"{why}, ses règles sont figées ({allowed})."
        )
