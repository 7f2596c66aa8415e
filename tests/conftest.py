"""Fixtures shared by the unit and integration suites."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from entrypoints.settings import Settings

# Shared CI machines are noisy: a slow example is not a failure. Properties stay exhaustive.
hypothesis_settings.register_profile("portail", deadline=None, print_blob=True)
hypothesis_settings.load_profile("portail")


@pytest.fixture
def instance_path(tmp_path: Path) -> Path:
    folder = tmp_path / "instance"
    folder.mkdir()
    return folder


@pytest.fixture
def sqlite_settings(instance_path: Path) -> Settings:
    """Settings of a fresh local installation (SQLite file in a temporary instance folder)."""
    return Settings.from_env({"PORTAIL_INSTANCE_PATH": str(instance_path)})
