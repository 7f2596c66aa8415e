"""Billing: the month's run, the family's invoices and balance, the invoice's sheet and PDF."""
