"""Shared pytest fixtures: the repository root and the shared TrackMate fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def trackmate_fixtures() -> Path:
    """``../shared/fixtures/trackmate``; skips the test when it is absent."""
    folder = SHARED / "fixtures" / "trackmate"
    if not folder.is_dir():
        pytest.skip(f"shared TrackMate fixtures not found at {folder}")
    return folder
