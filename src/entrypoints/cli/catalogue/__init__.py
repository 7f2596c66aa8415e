"""The catalogue's command groups: ``portail catalogue`` (the commune file) and ``calendar``."""
