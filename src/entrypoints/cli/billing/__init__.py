"""The billing's command groups: ``portail billing`` (the month's run) and ``invoices``."""
