"""Portail Famille's domain library: the family dossier, reservations, billing and payments.

Framework-free: it depends only on the standard library, attrs, cattrs and pendulum. The outside
world (database, e-mail, payment provider, web, command line) reaches it through the ports in
:mod:`portail_core.ports`.
"""
