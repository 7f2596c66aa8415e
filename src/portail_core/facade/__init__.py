"""The core's façade: every use case, grouped by capability, with the ports bound.

``portail_core.Portail`` gathers one object per capability (``portail.bookings``,
``portail.billing``...), each built from the ``Ports`` the composition root (or an embedder)
gives. The web portal, the staff's command line and embedding software call the core only
through it.
"""
