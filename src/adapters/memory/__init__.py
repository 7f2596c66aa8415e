"""In-memory twins of the persistence ports, for unit tests and demos."""

from adapters.memory.unit_of_work import InMemoryStore, InMemoryUnitOfWork

__all__ = ["InMemoryStore", "InMemoryUnitOfWork"]
