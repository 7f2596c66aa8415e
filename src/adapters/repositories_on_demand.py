"""A unit of work's repositories, each capability's imported at its first use.

A unit of work gives every capability's repositories (``uow.families``, ``uow.outbox``...),
each a property of its capability's mixin (``SqlDossierRepositories``...). Inheriting every
mixin would import every capability's repositories, and with them its domain, in any process
that opens a unit of work, when a short-lived one (a staff command) uses one or two. A class
based on ``RepositoriesOnDemand`` names instead where each attribute is; at its first access,
the mixin's module is imported and its properties are set on the class, so that the next
accesses are ordinary ones. (The type checker sees the mixins as bases: see the unit of work.)
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Mapping
from typing import Any, ClassVar

__all__ = ["RepositoriesOnDemand", "mixin_of"]

_installing = threading.Lock()


def mixin_of(place: str) -> type:
    """The mixin at ``place`` (``"package.module:ClassName"``), its module imported."""
    module, _, name = place.partition(":")
    mixin = getattr(importlib.import_module(module), name)
    if not isinstance(mixin, type):
        raise TypeError(f"{place} is not a class")
    return mixin


class RepositoriesOnDemand:
    """Gives the repositories named in ``repositories`` (attribute -> its mixin's place)."""

    repositories: ClassVar[Mapping[str, str]] = {}

    def __getattr__(self, name: str) -> Any:
        # Called only when the ordinary lookup fails: the first access to a capability.
        owner = type(self)
        place = owner.repositories.get(name)
        if place is None:
            raise AttributeError(f"{owner.__name__!r} object has no attribute {name!r}")
        mixin = mixin_of(place)
        with _installing:
            for attribute, value in vars(mixin).items():
                if isinstance(value, property) and owner.repositories.get(attribute) == place:
                    setattr(owner, attribute, value)
        if not isinstance(vars(mixin).get(name), property):
            raise AttributeError(f"{place} has no repository {name!r}")
        return getattr(self, name)
