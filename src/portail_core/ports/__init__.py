"""The interfaces the core needs from the outside world (``typing.Protocol``), one module per
capability, and the unit of work that gathers their repositories.

Adapters implement them (``adapters.persistence`` for a database, ``adapters.memory`` for the
in-memory twins used by unit tests and demos); the core never names an implementation.
"""
