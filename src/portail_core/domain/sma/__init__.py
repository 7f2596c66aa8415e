"""SMA (structure multi-accueil, the nursery) pre-registrations: a family's request for a place,
the commission's order of the candidates, the offers and the waiting list.

``requests``: the request (a child of the dossier or an expected child, the wished start, the
week's days and hours, the structures wished in order) and its states; ``commission``: the
commune's priority criteria, compared in order (lexicographically), ties broken by the date of
the request then its number; ``settings``: what the commune file's ``[sma]`` table says.
"""

from portail_core.domain.sma.commission import Candidate, commission_order, waiting_rank
from portail_core.domain.sma.requests import (
    OfferExpired,
    SmaOffer,
    SmaRequest,
    SmaState,
    WeekSlot,
)
from portail_core.domain.sma.settings import CRITERIA, SmaSettings

__all__ = [
    "CRITERIA",
    "Candidate",
    "OfferExpired",
    "SmaOffer",
    "SmaRequest",
    "SmaSettings",
    "SmaState",
    "WeekSlot",
    "commission_order",
    "waiting_rank",
]
