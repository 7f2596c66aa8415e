"""Payments: received at the desk (and the family's credit), and SEPA direct debit (mandates, the
month's pain.008 export)."""
