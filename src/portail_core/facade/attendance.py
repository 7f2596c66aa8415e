"""The attendance's use cases, ports bound."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.facade.ports import Ports
from portail_core.services.attendance.pointage import MarkInput, PointageReport, record_pointage
from portail_core.services.attendance.pointage_sheet import PointageSheet, pointage_sheet
from portail_core.services.attendance.sheets import AttendanceSheet, attendance_sheet

__all__ = ["AttendanceUseCases"]


@frozen
class AttendanceUseCases:
    """What establishments need on the day: the attendance sheet and the staff's pointage
    (``portail.attendance``)."""

    _ports: Ports

    def sheet(self, establishment_code: str, day: date, *, actor: Actor) -> AttendanceSheet:
        """Who is expected in each unit, with what staff must know (the health read is
        audited)."""
        return attendance_sheet(
            self._ports.uow(), establishment_code, day, actor=actor, clock=self._ports.clock
        )

    def pointage_sheet(
        self, *, establishment_code: str, day: date, for_recording: bool = False
    ) -> PointageSheet:
        """Each booked child of the day and its mark so far."""
        ports = self._ports
        return pointage_sheet(
            ports.uow(read_only=True),
            ports.calendars,
            ports.clock,
            establishment_code=establishment_code,
            day=day,
            for_recording=for_recording,
        )

    def record_pointage(
        self,
        *,
        establishment_code: str,
        day: date,
        marks: Sequence[MarkInput],
        actor: Actor,
        dry_run: bool = False,
    ) -> PointageReport:
        """Record the day's marks, whole or not at all (``dry_run``: check and report only)."""
        ports = self._ports
        return record_pointage(
            ports.uow(read_only=dry_run),
            ports.calendars,
            ports.clock,
            establishment_code=establishment_code,
            day=day,
            marks=marks,
            actor=actor,
            dry_run=dry_run,
        )
