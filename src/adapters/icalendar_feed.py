"""A family's calendar feed written as iCalendar (RFC 5545) with the ``icalendar`` library:
each event at the unit's hours on the Europe/Paris wall clock, with the zone's VTIMEZONE, so
that a phone in another zone still shows the right hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from portail_core.domain.feeds import FeedCalendar, FeedEvent

if TYPE_CHECKING:  # imported when a feed is written: not at the command line's start-up
    from icalendar import Event

__all__ = ["IcalendarFeedWriter"]

PARIS = ZoneInfo("Europe/Paris")
PRODUCT = "-//Portail Famille//Agenda des reservations//FR"
REFRESH = timedelta(hours=1)  # how often calendars are asked to read it again


class IcalendarFeedWriter:
    """Implements ``portail_core.ports.feeds.CalendarWriter``."""

    def write(self, calendar: FeedCalendar) -> bytes:
        from icalendar import Calendar

        document = Calendar()
        document.add("prodid", PRODUCT)
        document.add("version", "2.0")
        document.add("calscale", "GREGORIAN")
        document.add("method", "PUBLISH")
        document.add("x-wr-calname", calendar.name)
        document.add("x-wr-timezone", "Europe/Paris")
        document.add("x-published-ttl", "PT1H")  # the same, for older calendars
        document.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        for event in calendar.events:
            document.add_component(_event(event))
        document.add_missing_timezones()
        data: bytes = document.to_ical()
        return data


def _event(event: FeedEvent) -> Event:
    from icalendar import Event

    component = Event()
    component.add("uid", event.uid)
    component.add("dtstamp", datetime.fromtimestamp(event.stamp.timestamp(), ZoneInfo("UTC")))
    component.add("dtstart", datetime.combine(event.day, event.start, PARIS))
    component.add("dtend", datetime.combine(event.day, event.end, PARIS))
    component.add("summary", event.summary)
    component.add("location", event.location)
    component.add("description", event.description)
    component.add("transp", "OPAQUE")
    return component
