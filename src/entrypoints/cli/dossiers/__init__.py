"""The dossiers' command groups: ``portail family``, ``changes``, ``document``."""
