"""Use cases, one module per capability; each runs inside one unit of work."""
