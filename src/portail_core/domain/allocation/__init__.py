"""Fair allocation of oversubscribed periods: a request window, then a reproducible draw."""

from portail_core.domain.allocation.campaign import (
    Campaign,
    CampaignSettings,
    CampaignState,
)
from portail_core.domain.allocation.draw import (
    RULES_REFUSAL,
    Decision,
    DrawInputs,
    Outcome,
    Wish,
    allocate,
    redraw,
    same_draw,
)
from portail_core.domain.allocation.lottery import lottery_order, new_seed, seed_hash, ticket
from portail_core.domain.allocation.priorities import (
    CRITERIA,
    FamilyStanding,
    class_labels,
    priority_class,
)
from portail_core.domain.allocation.requests import AllocationRequest

__all__ = [
    "CRITERIA",
    "RULES_REFUSAL",
    "AllocationRequest",
    "Campaign",
    "CampaignSettings",
    "CampaignState",
    "Decision",
    "DrawInputs",
    "FamilyStanding",
    "Outcome",
    "Wish",
    "allocate",
    "class_labels",
    "lottery_order",
    "new_seed",
    "priority_class",
    "redraw",
    "same_draw",
    "seed_hash",
    "ticket",
]
