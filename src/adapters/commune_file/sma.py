"""The ``[sma]`` table of the commune file, read into the commune's SMA settings."""

from __future__ import annotations

from adapters.commune_file.model import FileSma
from portail_core.domain.sma.settings import SmaSettings

__all__ = ["sma_settings_of"]


def sma_settings_of(section: FileSma | None) -> tuple[SmaSettings | None, tuple[str, str] | None]:
    """The settings (None without the table: the defaults apply), or the key at fault and the
    French message saying why."""
    if section is None:
        return None, None
    try:
        settings = SmaSettings.create(
            criteria=section.criteria,
            confirm_months=section.confirm_months,
            grace_days=section.grace_days,
        )
    except ValueError as error:
        message = str(error)
        key = next((k for k in ("confirm_months", "grace_days") if k in message), "criteria")
        return None, (key, message)
    return settings, None
