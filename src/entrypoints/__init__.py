"""Entrypoints: the families' web portal (Flask) and the staff's command line (click)."""
