"""Fixtures shared by every test: the gazetteer, a fresh workspace, ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conflictmap.paths import ROOT
from conflictmap.places import Gazetteer

SHARED = Path(os.environ.get("CONFLICTMAP_SHARED", ROOT.parent / "shared"))
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture
def db_url(tmp_path) -> str:
    """A SQLite file of its own for each test."""
    return f"sqlite:///{tmp_path / 'ledger.sqlite'}"


@pytest.fixture
def workspace(db_url, gazetteer):
    """A Workspace on a fresh database seeded from geodata/claims.csv."""
    from conflictmap.workspace import Workspace

    return Workspace(db_url, gazetteer=gazetteer)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared (reports, DeepState files): skipped only when absent and not in CI."""
    if not SHARED.is_dir():
        if IN_CI:
            pytest.fail(f"{SHARED} is missing, and CI must not skip the tests that read it")
        pytest.skip(f"{SHARED} is absent")
    return SHARED
