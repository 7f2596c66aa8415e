"""The guide's chapters, in the order of the tour: one browser session goes through them all,
each step starting where the one before left the page."""

from __future__ import annotations

from entrypoints.guide.chapters.absences import ABSENCES
from entrypoints.guide.chapters.access import ACCESS, LOGIN
from entrypoints.guide.chapters.billing import BILLING
from entrypoints.guide.chapters.bookings import BOOKINGS
from entrypoints.guide.chapters.feeds import FEED
from entrypoints.guide.chapters.information import ACCESSIBILITY, INFORMATION
from entrypoints.guide.chapters.payments import ONLINE, OTHER_WAYS
from entrypoints.guide.chapters.preregistrations import PREREGISTRATION
from entrypoints.guide.chapters.sma import SMA
from entrypoints.guide.chapters.space import SPACE
from entrypoints.guide.script import Section

__all__ = ["CHAPTERS"]

CHAPTERS: tuple[Section, ...] = (
    ACCESS,
    LOGIN,
    SPACE,
    BOOKINGS,
    ABSENCES,
    FEED,
    PREREGISTRATION,
    SMA,
    BILLING,
    ONLINE,
    OTHER_WAYS,
    INFORMATION,
    ACCESSIBILITY,
)
