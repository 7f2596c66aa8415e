"""What the SMA use cases share: the commune's settings, the SMA structures, a request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.catalogue.establishments import Catalogue, Establishment, ServiceKind
from portail_core.domain.sma import SmaRequest, SmaSettings, waiting_rank
from portail_core.errors import NotFound

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["RequestLine", "lines_of", "request_of", "settings_of", "sma_establishments"]


@frozen
class RequestLine:
    """A request as a page or a command shows it: the structures' names, in order, and its rank
    on each one's waiting list (None: not waiting)."""

    request: SmaRequest
    wishes: tuple[tuple[str, str, int | None], ...]  # code, name, rank
    offered_at: str | None  # the offered structure's name


def settings_of(uow: UnitOfWork) -> SmaSettings:
    commune = uow.communes.get()
    return commune.sma if commune is not None else SmaSettings()


def sma_establishments(catalogue: Catalogue) -> list[Establishment]:
    return [e for e in catalogue.establishments if e.kind is ServiceKind.SMA]


def request_of(uow: UnitOfWork, request_id: int, *, for_update: bool = False) -> SmaRequest:
    request = uow.sma_requests.get(request_id, for_update=for_update)
    if request is None:
        raise NotFound(f"Aucune demande de pré-inscription à la SMA n° {request_id}.")
    return request


def lines_of(
    requests: list[SmaRequest], waiting: list[SmaRequest], catalogue: Catalogue
) -> list[RequestLine]:
    def name(code: str) -> str:
        found = catalogue.establishment(code)
        return found.name if found is not None else code

    return [
        RequestLine(
            request,
            tuple((c, name(c), waiting_rank(request, waiting, c)) for c in request.wishes),
            name(request.offer.establishment_code) if request.offer else None,
        )
        for request in requests
    ]
