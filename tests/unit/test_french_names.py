"""The names of days and months written out by ``french_dates`` are pendulum's French locale's,
for every day of two centuries (they were formatted with it, a tenth of a millisecond a date)."""

from datetime import date, timedelta

import pendulum

from portail_core.domain.shared.french_dates import long_day_fr, month_fr


def test_every_day_and_month_is_named_as_pendulum_s_french_locale_names_it() -> None:
    day = date(1950, 1, 1)
    while day <= date(2100, 12, 31):
        named = pendulum.date(day.year, day.month, day.day)
        number = "1er" if day.day == 1 else str(day.day)
        month = named.replace(day=1).format("MMMM YYYY", locale="fr")
        assert long_day_fr(day) == f"{named.format('dddd', locale='fr')} {number} {month}"
        assert month_fr(f"{day.year}-{day.month:02d}") == month
        day += timedelta(days=11)  # every weekday and every month, day numbers 1 to 31
