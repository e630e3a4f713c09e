"""Fixtures shared by every test: the gazetteer, a fresh workspace, ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conflictmap.paths import ROOT
from conflictmap.places.gazetteer import Gazetteer
from tests.payloads import HOSTILE

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


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


@pytest.fixture(scope="session")
def pg_url():
    """A throwaway PostgreSQL cluster on loopback for this test session; yields its URL."""
    import shutil
    import socket
    import subprocess
    import tempfile

    bindir = _pg_bin()
    if bindir is None:
        message = "PostgreSQL server binaries are missing (scripts/test.sh installs them)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    # Not under pytest's own temp tree: that is private to root, and the server runs
    # as the postgres user when the tests run as root.
    base = Path(tempfile.mkdtemp(prefix="conflictmap-pg-"))
    data = base / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(base, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run = dict(check=True, capture_output=True, text=True)
    subprocess.run(
        as_user + [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"], **run
    )
    subprocess.run(
        as_user
        + [
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(base / "log"),
            "-w",
            "-o",
            f"-p {port} -k {base} -c listen_addresses=127.0.0.1",
            "start",
        ],
        **run,
    )
    try:
        subprocess.run(
            as_user
            + [
                str(bindir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "conflictmap",
            ],
            **run,
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/conflictmap"
    finally:
        subprocess.run(
            as_user + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request, tmp_path):
    """A fresh database on each engine: a SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    url = request.getfixturevalue("pg_url")
    empty_pg(url)
    return url


def empty_pg(url: str) -> None:
    """Drop everything in the PostgreSQL database (tables, the migration version, types)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="module")
def ws(tmp_path_factory, gazetteer):
    """One seeded workspace for a test module (read-only tests)."""
    from conflictmap.workspace import Workspace

    db = tmp_path_factory.mktemp("snapdb") / "ledger.sqlite"
    return Workspace(f"sqlite:///{db}", gazetteer=gazetteer)


SMALL_CLAIMS = Path(__file__).parent / "data" / "small_claims.csv"


@pytest.fixture(scope="module")
def small_ws(tmp_path_factory, gazetteer):
    """A workspace holding only the first curated ledger (35 claims, up to 2 December 2025).

    For tests that follow the story of those claims; the bundled ledger has grown since.
    """
    from conflictmap.workspace import Workspace

    db = tmp_path_factory.mktemp("smalldb") / "ledger.sqlite"
    ws = Workspace(f"sqlite:///{db}", gazetteer=gazetteer, seed=False)
    ws.ledger.seed(SMALL_CLAIMS)
    return ws


@pytest.fixture(scope="module")
def hostile_ws(tmp_path_factory, gazetteer):
    """A workspace whose ledger holds a claim with hostile text and a formula cell."""
    from conflictmap.workspace import Workspace

    db = tmp_path_factory.mktemp("hostiledb") / "ledger.sqlite"
    ws = Workspace(f"sqlite:///{db}", gazetteer=gazetteer, seed=False)
    ws.ledger.import_records(
        author="os:test",
        records=[
            {
                "place": "Toretsk",
                "claimant": "RU",
                "controller": "RU",
                "claim_date": "2025-11-30",
                "claimant_org": '=HYPERLINK("http://evil.example","x")',
                "source_publisher": "@SUM(A1) " + HOSTILE,
                "source_url": "https://example.org/a?b=<c>",
                "note": HOSTILE,
                "oblast": "Donetsk",
            }
        ],
    )
    return ws


@pytest.fixture
def fast_password_hashes(monkeypatch):
    """argon2id with light parameters, so tables of cases that add many users stay quick
    (the same library and algorithm; production keeps argon2-cffi's default profile)."""
    from argon2 import PasswordHasher

    from conflictmap.ledger import users

    monkeypatch.setattr(
        users, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
