"""Adapters: the outside world behind the core's ports (database, clock, e-mail, payment...)."""
