"""A family's private calendar feed (iCalendar): its children's reservations, read by a phone's
or a computer's calendar at an address that holds a secret only the family was shown.

The family creates the feed on the portal (a new one replaces the old), sees its address once,
and revokes it; both are audited. Anyone holding the address reads the feed without logging
in: it names only the children's first names, the structures, units and hours (never the
family's name nor health information). Unknown and revoked addresses answer alike (NotFound),
and are counted per client address; each feed answers a limited number of reads an hour.
"""
