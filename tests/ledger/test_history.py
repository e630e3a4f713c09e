"""History, never loss: corrections, retractions, batches, undo and assessments kept when
replaced, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
from datetime import date

import pytest
import shapely
from sqlalchemy import func, select

from conflictmap.ledger import ClaimError, Ledger, StoredAssessment
from conflictmap.ledger import schema as tables

ROW = {
    "place": "Siversk",
    "claimant": "RU",
    "claimant_org": "Russian Defence Ministry",
    "controller": "RU",
    "extent": "partial",
    "fraction": "0.5",
    "claim_date": "2025-12-11",
    "source_publisher": "Example Wire",
    "source_url": "https://example.org/siversk",
}


def write_csv(path, rows):
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=sorted({k for r in rows for k in r}))
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture
def ledger(any_db_url, gazetteer):
    return Ledger(any_db_url, gazetteer=gazetteer, seed_file=None)


def rows_in(ledger, table) -> int:
    with ledger.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def test_reimport_with_a_corrected_fraction_is_a_correction(ledger, tmp_path):
    """Finding: re-importing fraction 0.2 for a stored 0.5 printed "1 already present"."""
    first = ledger.import_file(write_csv(tmp_path / "a.csv", [ROW]), author="os:alice")
    fixed = ledger.import_file(
        write_csv(tmp_path / "b.csv", [{**ROW, "fraction": "0.2"}]), author="os:bob"
    )
    assert len(first.added) == 1 and fixed.added == [] and fixed.skipped == []
    assert [c.fraction for c in fixed.corrected] == [0.2]
    assert "corrected 1" in fixed.summary()
    (claim,) = ledger.claims()
    assert claim.fraction == 0.2 and claim.id == first.added[0].id
    history = ledger.history(claim.id)
    assert [(v.version, v.claim.fraction, v.author) for v in history] == [
        (1, 0.5, "os:alice"),
        (2, 0.2, "os:bob"),
    ]
    assert "b.csv" in history[1].reason
    assert ledger.count() == 1 and rows_in(ledger, tables.claims) == 1


@pytest.mark.parametrize(
    "changes, check",
    [
        ({"fraction": "0.2"}, lambda c: c.fraction == 0.2),
        (
            {"controller": "CONTESTED", "extent": "", "fraction": ""},
            lambda c: c.controller == "CONTESTED",
        ),
        (
            {"note": "a second source confirms it"},
            lambda c: c.note == "a second source confirms it",
        ),
        ({"place": "Lyman", "oblast": "Donetsk"}, lambda c: c.place == "Lyman"),
    ],
)
def test_correct_makes_a_new_version(ledger, changes, check):
    (claim,) = ledger.import_records([ROW], author="os:alice").added
    after = ledger.correct(claim.id, changes, author="os:bob", reason="misread the report")
    assert check(after) and after.id == claim.id
    (now,) = ledger.claims()
    assert check(now) and now.id == claim.id
    versions = ledger.history(claim.id)
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].claim == claim  # the first version is kept as it was
    assert (versions[1].author, versions[1].reason, versions[1].kind) == (
        "os:bob",
        "misread the report",
        "correction",
    )


@pytest.mark.parametrize(
    "changes, reason, error, field",
    [
        ({"fraction": "7"}, "typo", ClaimError, "fraction"),
        ({"claimant": "XX"}, "typo", ClaimError, "claimant"),
        ({"colour": "red"}, "typo", ValueError, "colour"),
        ({"fraction": "0.5"}, "typo", ValueError, "changes nothing"),
        ({"fraction": "0.2"}, "  ", ValueError, "reason"),
    ],
)
def test_a_bad_correction_writes_nothing(ledger, changes, reason, error, field):
    (claim,) = ledger.import_records([ROW], author="os:alice").added
    before = rows_in(ledger, tables.claim_versions), ledger.revision()
    with pytest.raises(error, match=field):
        ledger.correct(claim.id, changes, author="os:bob", reason=reason)
    assert (rows_in(ledger, tables.claim_versions), ledger.revision()) == before
    assert ledger.claims() == [claim]


def test_retract_leaves_map_and_exports_but_keeps_history(ledger):
    (claim,) = ledger.import_records([ROW], author="os:alice").added
    ledger.retract(claim.id, author="os:bob", reason="the wire withdrew its story")
    assert ledger.claims() == [] and ledger.count() == 0
    assert ledger.export_geojson()["features"] == []
    assert claim.id not in ledger.export_csv()
    assert [c.id for c in ledger.claims(withdrawn=True)] == [claim.id]
    last = ledger.get(claim.id)
    assert last.withdrawn and last.author == "os:bob" and "withdrew" in last.reason
    with pytest.raises(ValueError, match="withdrawn already"):
        ledger.retract(claim.id, author="os:bob", reason="again")
    # Stored again, a withdrawn claim stays withdrawn (and says so).
    again = ledger.import_records([ROW], author="os:carol")
    assert again.withdrawn and not again.added and ledger.count() == 0


@pytest.mark.parametrize(
    "call",
    [
        lambda lg: lg.correct("0000000000000000", {"note": "x"}, author="os:anna", reason="r"),
        lambda lg: lg.retract("0000000000000000", author="os:anna", reason="r"),
        lambda lg: lg.history("0000000000000000"),
        lambda lg: lg.undo(999, author="os:anna"),
    ],
)
def test_unknown_ids_are_lookup_errors(ledger, call):
    with pytest.raises(LookupError):
        call(ledger)


def test_every_write_is_a_batch_with_its_author(ledger, tmp_path):
    ledger.import_file(write_csv(tmp_path / "wire.csv", [ROW]), author="os:alice")
    (claim,) = ledger.claims()
    ledger.correct(claim.id, {"fraction": "0.3"}, author="os:bob", reason="recount")
    ledger.enter({**ROW, "claim_date": "2025-12-12"}, author="local")
    ledger.add_assessments(
        [
            StoredAssessment(
                date(2025, 12, 11), "occupied", "DeepState", shapely.box(37, 48, 38, 49)
            )
        ],
        author="os:alice",
        origin="deepstate.geojson",
    )
    ledger.retract(claim.id, author="os:carol", reason="wrong town")
    got = [(b.kind, b.author, b.origin, b.describe()) for b in ledger.batches()]
    assert got == [
        ("retraction", "os:carol", f"claim {claim.id}", "1 withdrawn"),
        ("assessment", "os:alice", "deepstate.geojson", "1 assessment(s) stored"),
        ("hand", "local", "entered by hand", "1 added"),
        ("correction", "os:bob", f"claim {claim.id}", "1 changed"),
        ("import", "os:alice", "wire.csv", "1 added"),
    ]
    assert ledger.revision() == ledger.batches()[0].id
    who = ledger.authorship()
    assert who[claim.id][0] == "os:alice" and who[claim.id][2:] == (3, "os:carol")


@pytest.mark.parametrize("author", ["", "   ", "x" * 201, "nobody-we-know"])
def test_a_write_needs_an_author(ledger, author):
    with pytest.raises((ValueError, PermissionError)):
        ledger.import_records([ROW], author=author)
    assert ledger.count() == 0 and ledger.batches() == []


def test_undo_takes_back_a_whole_import(ledger, tmp_path):
    base = ledger.import_records([ROW], author="os:alice")
    rows = [
        {**ROW, "fraction": "0.8"},  # corrects the stored claim
        {**ROW, "place": "Lyman", "oblast": "Donetsk"},
        {**ROW, "place": "Kupiansk", "oblast": "Kharkiv"},
    ]
    batch = ledger.import_file(write_csv(tmp_path / "bad.csv", rows), author="os:bob")
    assert len(batch.added) == 2 and len(batch.corrected) == 1
    undone = ledger.undo(batch.batch, author="os:carol", reason="a bad file")
    assert sorted(undone.withdrawn) == sorted(c.id for c in batch.added)
    assert undone.restored == [base.added[0].id]
    assert ledger.claims() == base.added  # as before the import, fraction 0.5
    assert ledger.count() == 1 and ledger.claims(withdrawn=True)
    # Undoing the undo puts the import back.
    ledger.undo(undone.batch, author="os:carol", reason="it was fine after all")
    assert ledger.count() == 3
    assert {c.place: c.fraction for c in ledger.claims()}["Siversk"] == 0.8
    assert rows_in(ledger, tables.claims) == 3  # nothing stored twice, nothing deleted


def test_undo_leaves_claims_changed_since(ledger):
    batch = ledger.import_records([ROW], author="os:alice")
    cid = batch.added[0].id
    ledger.correct(cid, {"fraction": "0.6"}, author="os:bob", reason="recount")
    undone = ledger.undo(batch.batch, author="os:carol")
    assert undone.changed_since == [cid] and undone.batch is None
    assert ledger.claims()[0].fraction == 0.6


def test_replacing_an_assessment_keeps_the_one_it_replaced(ledger):
    """Finding: an upload for a date already stored replaced it; the old geometry was gone."""
    day = date(2025, 12, 2)
    old = shapely.box(36.0, 47.0, 39.0, 49.4)  # about 7 square degrees
    new = shapely.box(37.0, 48.0, 37.01, 48.01)
    ledger.add_assessments([StoredAssessment(day, "occupied", "DeepState", old)], author="os:alice")
    ledger.add_assessments([StoredAssessment(day, "occupied", "upload", new)], author="os:eve")
    (in_force,) = ledger.assessments(on=day)
    assert in_force.geometry.equals(new)
    history = ledger.assessment_history(on=day)
    assert [h["status"] for h in history] == ["replaced", "in force"]
    assert ledger.assessment_geometry(history[0]["id"]).equals(old)
    # Undo the replacing upload: the old one is in force again.
    ledger.undo(history[1]["batch"], author="os:alice", reason="vandalism")
    (back,) = ledger.assessments(on=day)
    assert back.geometry.equals(old) and back.source == "DeepState"
    assert [h["status"] for h in ledger.assessment_history(on=day)] == ["in force", "withdrawn"]
    assert rows_in(ledger, tables.assessments) == 2
