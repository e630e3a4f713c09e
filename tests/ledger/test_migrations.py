"""Schema migrations: a database made by version 0.2.0 (metadata.create_all, no Alembic)
upgrades in place without losing a claim; the migrations build what schema.py says."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
from datetime import UTC, datetime

import pytest
import shapely
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, insert, inspect, select

from conflictmap.ledger import Ledger, migrate
from conflictmap.ledger import schema as tables
from conflictmap.paths import CLAIMS_FILE
from tests.ledger.test_concurrency import synthetic_rows

BASELINE = migrate.MIGRATIONS / "versions" / "0001_baseline.py"


def baseline_tables() -> MetaData:
    """The 0.2.0 tables, from the frozen copy in the first migration."""
    spec = importlib.util.spec_from_file_location("baseline_0001", BASELINE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    metadata = MetaData()
    module.tables(metadata)
    return metadata


def old_id(rec: dict) -> str:
    """Claim.id as 0.2.0 computed it (the title was part of a source without a URL)."""
    if rec["source_url"]:
        source = rec["source_url"]
    elif rec["source_title"]:
        source = f"{rec['source_publisher']} | {rec['source_title']}"
    else:
        source = rec["source_publisher"]
    key = (rec["place_id"], rec["claimant"], rec["controller"], rec["claim_date"].isoformat())
    return hashlib.sha1("\x1f".join(map(str, (*key, source))).encode()).hexdigest()[:16]


def make_old_database(url, gazetteer) -> list[dict]:
    """A database as 0.2.0 left it: the seed file and 4,000 more claims, an assessment,
    the seed digest in meta. Returns the claim rows stored."""
    from conflictmap.ledger.claims import claim_from_record

    old = baseline_tables()
    engine = create_engine(url)
    old.create_all(engine)
    records = list(csv.DictReader(CLAIMS_FILE.open()))
    records += [r for n in range(8) for r in synthetic_rows(gazetteer, n, 500)]
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = []
    for rec in records:
        c = claim_from_record(rec, gazetteer)
        row = {k: getattr(c, k) for k in tables.claims.c.keys() if k not in ("id", "added_at")}
        rows.append({**row, "id": old_id(row), "added_at": now})
    digest = hashlib.sha256(CLAIMS_FILE.read_bytes()).hexdigest()
    with engine.begin() as conn:
        conn.execute(insert(old.tables["claims"]), rows)
        conn.execute(insert(old.tables["meta"]), [{"key": "seeded:claims.csv", "value": digest}])
        conn.execute(
            insert(old.tables["assessments"]),
            [
                {
                    "assessed_on": rows[0]["claim_date"],
                    "kind": "occupied",
                    "source": "DeepStateMap",
                    "geometry_wkb": shapely.to_wkb(shapely.box(37, 48, 38, 49)),
                    "imported_at": now,
                }
            ],
        )
    assert not inspect(engine).has_table("alembic_version")
    engine.dispose()
    return rows


@pytest.mark.timeout(600)
def test_a_database_made_by_0_2_upgrades_without_losing_a_claim(any_db_url, gazetteer):
    old_rows = make_old_database(any_db_url, gazetteer)
    seeded = sum(1 for _ in csv.DictReader(CLAIMS_FILE.open()))
    assert seeded >= 35 and len(old_rows) == seeded + 4000
    ledger = Ledger(any_db_url, gazetteer=gazetteer)
    with ledger.engine.connect() as conn:
        assert migrate.current(conn) == migrate.head()
    stored = {c.id: c for c in ledger.claims()}
    assert len(stored) == len(old_rows) == ledger.count()
    for row in old_rows:
        claim = stored[row["id"]]  # same id as before
        assert {k: getattr(claim, k) for k in row if k not in ("id", "added_at")} == {
            k: v for k, v in row.items() if k not in ("id", "added_at")
        }
    # Its history starts with the upgrade; the seed file read again adds nothing.
    (first,) = ledger.history(old_rows[0]["id"])
    assert first.kind == "upgrade" and first.version == 1
    again = ledger.import_file(CLAIMS_FILE, author="os:test")
    assert again.added == [] and again.corrected == [] and len(again.skipped) == seeded
    assert len(ledger.assessments()) == 1
    # Opening it again changes nothing.
    assert migrate.upgrade(ledger.engine) == "current"
    assert Ledger(any_db_url, gazetteer=gazetteer).count() == len(old_rows)


def test_the_migrations_build_what_schema_py_says(any_db_url, gazetteer):
    ledger = Ledger(any_db_url, gazetteer=gazetteer, seed_file=None)
    with ledger.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), tables.metadata)
    assert diff == []
    with ledger.engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        assert set(tables.metadata.tables) | {"alembic_version"} == names
        assert conn.scalar(select(tables.batches.c.id)) is None
