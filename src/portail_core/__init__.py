"""Portail Famille's core: the domain of a commune's family portal, framework-free.

Build a ``Portail`` from ``Ports`` (adapters for the database, the mail server, the files...)
and call its use cases by capability: ``portail.bookings.validate(...)``,
``portail.billing.run_month(...)``. docs/embedding.md shows how; the errors are in
``portail_core.errors``.

``Portail`` and ``Ports`` are imported on first use, so that reading one domain module does not
import every use case.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portail_core.facade.portail import Portail
    from portail_core.facade.ports import Ports

__all__ = ["Portail", "Ports"]

_HOMES = {"Portail": "portail_core.facade.portail", "Ports": "portail_core.facade.ports"}


def __getattr__(name: str) -> object:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'portail_core' has no attribute {name!r}")
