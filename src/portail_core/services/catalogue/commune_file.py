"""What a commune file describes, once read: the commune and its catalogue."""

from __future__ import annotations

from attrs import frozen

from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.services.communes import CommuneDetails

__all__ = ["CommuneFile"]


@frozen
class CommuneFile:
    """The commune's identity and settings, and everything it offers (``adapters.commune_file``
    reads the TOML; ``portail.catalogue.check`` and ``load`` take its two parts)."""

    details: CommuneDetails
    catalogue: Catalogue
