"""In-memory twins of the persistence ports, one module per capability, for unit tests, demos
and embedders."""

from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork

__all__ = ["InMemoryStore", "InMemoryUnitOfWork"]
