"""The ledger on a real database: seeding, all-or-nothing imports, exports."""

import csv
import io
import json
from datetime import date

import pytest

from conflictmap.ledger.claims import claim_from_record
from conflictmap.ledger.store import ImportRejected, Ledger, database_url
from conflictmap.paths import CLAIMS_FILE

N_SEEDED = sum(1 for _ in csv.DictReader(CLAIMS_FILE.open()))

GOOD_ROW = {
    "place": "Siversk",
    "claimant": "RU",
    "claimant_org": "Russian Defence Ministry",
    "controller": "RU",
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


def test_first_use_creates_and_seeds(any_db_url, gazetteer):
    ledger = Ledger(any_db_url, gazetteer=gazetteer)
    assert ledger.count() == N_SEEDED


def test_seeding_twice_adds_nothing(any_db_url, gazetteer):
    Ledger(any_db_url, gazetteer=gazetteer)
    again = Ledger(any_db_url, gazetteer=gazetteer)
    assert again.count() == N_SEEDED
    # Even a forced re-seed of the same file adds nothing.
    assert again.import_file(CLAIMS_FILE, author="os:test").added == []


def test_import_adds_and_skips_duplicates(any_db_url, gazetteer, tmp_path):
    ledger = Ledger(any_db_url, gazetteer=gazetteer)
    path = write_csv(tmp_path / "new.csv", [GOOD_ROW, {**GOOD_ROW, "place": "Seversk"}])
    result = ledger.import_file(path, author="os:test")
    assert len(result.added) == 1 and len(result.skipped) == 1
    assert ledger.count() == N_SEEDED + 1
    assert ledger.import_file(path, author="os:test").added == []


@pytest.mark.parametrize("title", ["By Andrew Osborn", "", "Russia says it took Siversk"])
def test_a_source_without_url_does_not_depend_on_its_title(any_db_url, gazetteer, title):
    """Finding: the same report stored again with its byline as the title was a new claim."""
    ledger = Ledger(any_db_url, gazetteer=gazetteer, seed_file=None)
    row = {**GOOD_ROW, "source_url": "", "source_published": "2025-12-11"}
    ledger.import_records(
        [{**row, "source_title": "Siversk captured, Moscow says"}], author="os:anna"
    )
    again = ledger.import_records([{**row, "source_title": title}], author="os:anna")
    assert again.added == [] and ledger.count() == 1
    assert len(again.skipped) + len(again.corrected) == 1


@pytest.mark.parametrize(
    "bad_row, reason",
    [
        ({"place": "Nowhereville"}, "unresolved"),
        ({"claimant": "XX"}, "claimant"),
        ({"claim_date": "yesterday"}, "claim_date"),
        ({"fraction": "2"}, "fraction"),
    ],
)
def test_one_bad_row_rejects_the_whole_file(any_db_url, gazetteer, tmp_path, bad_row, reason):
    ledger = Ledger(any_db_url, gazetteer=gazetteer)
    rows = [GOOD_ROW, {**GOOD_ROW, "claim_date": "2025-12-12"}, {**GOOD_ROW, **bad_row}]
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(ImportRejected) as err:
        ledger.import_file(path, author="os:test")
    assert err.value.errors[0][0] == 3
    assert "row 3" in str(err.value) and reason in str(err.value)
    assert "nothing imported" in str(err.value)
    assert ledger.count() == N_SEEDED


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("x.csv", b"\xff\xfe\x00binary", "not UTF-8"),
        ("x.json", b"{not json", "not valid JSON"),
        ("x.json", b'{"a": 1}', "FeatureCollection"),
        ("x.xlsx", b"PK", "unsupported file type"),
        ("x.csv", b"place,claimant\n", "no claims"),
    ],
)
def test_unreadable_files_write_nothing(workspace, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    before = workspace.ledger.count()
    with pytest.raises(ImportRejected, match=message):
        workspace.ledger.import_file(path, author="os:test")
    assert workspace.ledger.count() == before


def test_geojson_round_trip(workspace, db_url, tmp_path, gazetteer):
    data = workspace.ledger.export_geojson()
    assert len(data["features"]) == N_SEEDED
    pokrovsk = [f for f in data["features"] if f["properties"]["place"] == "Pokrovsk"]
    assert pokrovsk and pokrovsk[0]["geometry"]["coordinates"] == [37.17706, 48.28014]
    path = tmp_path / "claims.geojson"
    path.write_text(json.dumps(data))
    fresh = Ledger(f"sqlite:///{tmp_path / 'other.sqlite'}", gazetteer=gazetteer, seed_file=None)
    assert len(fresh.import_file(path, author="os:test").added) == N_SEEDED
    assert {c.id for c in fresh.claims()} == {c.id for c in workspace.ledger.claims()}


def test_csv_export_neutralises_formulas(workspace, gazetteer):
    hostile = claim_from_record(
        {**GOOD_ROW, "note": '=HYPERLINK("http://x")', "claimant_org": "@evil"}, gazetteer
    )
    workspace.ledger.add([hostile], author="os:test")
    rows = list(csv.DictReader(io.StringIO(workspace.ledger.export_csv())))
    row = next(r for r in rows if r["id"] == hostile.id)
    assert row["note"].startswith("'=") and row["claimant_org"] == "'@evil"
    assert len(rows) == N_SEEDED + 1


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"place_id": 704422}, lambda c: c.place == "Pokrovsk"),
        ({"claimant": "UA"}, lambda c: c.claimant == "UA"),
        ({"controller": "CONTESTED"}, lambda c: c.controller == "CONTESTED"),
        ({"start": date(2025, 12, 2)}, lambda c: c.claim_date >= date(2025, 12, 2)),
        ({"end": date(2024, 12, 31)}, lambda c: c.claim_date <= date(2024, 12, 31)),
    ],
)
def test_query_filters(workspace, filters, expected):
    everything = workspace.ledger.claims()
    got = workspace.ledger.claims(**filters)
    assert got and all(expected(c) for c in got)
    assert len(got) == sum(1 for c in everything if expected(c))


@pytest.mark.parametrize(
    "value, expected",
    [
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url(value, expected):
    assert database_url(value) == expected


def test_database_url_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CONFLICTMAP_DB", str(tmp_path / "a.sqlite"))
    assert database_url() == f"sqlite:///{tmp_path / 'a.sqlite'}"


def test_a_changed_seed_file_adds_only_its_new_claims(tmp_path, gazetteer):
    seed = tmp_path / "seed.csv"
    write_csv(seed, [GOOD_ROW])
    url = f"sqlite:///{tmp_path / 'l.sqlite'}"
    assert Ledger(url, gazetteer=gazetteer, seed_file=seed).count() == 1
    write_csv(seed, [GOOD_ROW, {**GOOD_ROW, "claim_date": "2025-12-20"}])
    assert Ledger(url, gazetteer=gazetteer, seed_file=seed).count() == 2


def test_a_seed_row_given_its_url_replaces_the_row_without_one(tmp_path, gazetteer):
    seed = tmp_path / "seed.csv"
    bare = {**GOOD_ROW, "source_url": "", "source_publisher": "Example Wire"}
    other = {**GOOD_ROW, "claim_date": "2025-12-20"}
    write_csv(seed, [bare, other])
    url = f"sqlite:///{tmp_path / 'l.sqlite'}"
    first = Ledger(url, gazetteer=gazetteer, seed_file=seed)
    assert first.count() == 2
    # A person corrects the second claim; the next version of the file drops it too.
    (kept,) = [c for c in first.claims() if c.claim_date.isoformat() == "2025-12-20"]
    first.correct(kept.id, {"note": "checked"}, author="os:editor", reason="checked")
    write_csv(seed, [{**bare, "source_url": "https://example.org/with-url"}])
    again = Ledger(url, gazetteer=gazetteer, seed_file=seed)
    claims = again.claims()
    expected = sorted(["https://example.org/with-url", kept.source_url])
    assert sorted(c.source_url for c in claims) == expected
    (gone,) = [b for b in again.batches() if b.kind == "seed" and b.withdrawn]
    assert gone.withdrawn == 1 and gone.added == 1
    bare_id = next(v.claim_id for b in [gone] for v in again.batch_claims(b.id) if v.withdrawn)
    history = again.history(bare_id)
    assert [v.withdrawn for v in history] == [False, True]
    assert "no longer in the curated claims file" in history[-1].reason
