"""Malformed claim files: one table of cases, each over the ``claims import`` command and
the import API, on SQLite and PostgreSQL. Each case gets a message naming the file, the
row (or feature) and the field; nothing is written; no traceback."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, func, select

from conflictmap.cli import main
from conflictmap.ledger import ImportRejected, Ledger, schema

HEADER = "place,claimant,controller,claim_date,source_publisher"
ROW = {
    "place": "Pokrovsk",
    "claimant": "RU",
    "controller": "RU",
    "claim_date": "2025-11-30",
    "source_publisher": "Example Wire",
}
TOMORROW = datetime.now(UTC).date() + timedelta(days=1)


def feature(props=None, geometry=None):
    return {"type": "Feature", "properties": ROW if props is None else props, "geometry": geometry}


def collection(*features, **extra):
    return json.dumps({"type": "FeatureCollection", "features": list(features), **extra})


def point(lon, lat):
    return {"type": "Point", "coordinates": [lon, lat]}


# (file name, content (str, bytes, or None for a directory), what the message must say)
CASES = [
    (
        "cr-only.csv",
        HEADER + "\rPokrovsk,RU,RU,2025-11-30,Wire\rToretsk,RU,XX,2025-11-30,W\r",
        "row 2: controller: 'XX'",
    ),
    (
        "long-field.csv",
        HEADER + ",note\nPokrovsk,RU,RU,2025-11-30,Wire," + "x" * 140_000 + "\n",
        "row 1: note: longer than 500 characters",
    ),
    (
        "inf-id.csv",
        "geonames_id,claimant,controller,claim_date,source_publisher\ninf,RU,RU,2025-11-30,Wire\n",
        "row 1: geonames_id: 'inf' is not a GeoNames id",
    ),
    (
        "nan-id.csv",
        "geonames_id,claimant,controller,claim_date,source_publisher\n"
        "1e999,RU,RU,2025-11-30,Wire\n",
        "row 1: geonames_id",
    ),
    ("a-directory.csv", None, "is a directory"),
    (
        "features-number.geojson",
        json.dumps({"type": "FeatureCollection", "features": 5}),
        "features: not a list",
    ),
    (
        "properties-list.geojson",
        collection(feature(props=[1, 2])),
        "feature 1: properties: not an object",
    ),
    ("feature-string.geojson", collection("x"), "feature 1: not a GeoJSON Feature"),
    ("deep.json", "[" * 100_000 + "]" * 100_000, "nested deeper than 64"),
    ("deep-object.geojson", '{"a":' * 100_000 + "1" + "}" * 100_000, "nested deeper than 64"),
    (
        "nan-point.geojson",
        collection(feature(geometry=point(37.2, 48.3))).replace("37.2", "NaN"),
        "feature 1: geometry.coordinates[0]: longitude nan is not a finite number",
    ),
    (
        "huge-point.geojson",
        collection(feature(geometry=point(1e308, 48.3))),
        "feature 1: geometry.coordinates[0]: longitude 1e+308 is outside -180..180",
    ),
    (
        "lon-500.geojson",
        collection(feature(), feature(geometry=point(500, 48.3))),
        "feature 2: geometry.coordinates[0]: longitude 500 is outside",
    ),
    (
        "inf-lat.geojson",
        collection(feature(geometry=point(37.2, 48.3))).replace("48.3", "-Infinity"),
        "latitude -inf is not a finite number",
    ),
    (
        "nul.csv",
        HEADER + "\nPokrovsk,RU,RU,2025-11-30,Wi\x00re\n",
        "row 1: source_publisher: contains a NUL character",
    ),
    ("nul.json", json.dumps([ROW, {**ROW, "note": "a\u0000b"}]), "row 2: note: contains a NUL"),
    (
        "year-1.csv",
        HEADER + "\nPokrovsk,RU,RU,0001-01-01,Wire\n",
        "row 1: claim_date: 0001-01-01 is outside 2014-01-01",
    ),
    (
        "year-9999.csv",
        HEADER + "\nPokrovsk,RU,RU,9999-12-31,Wire\n",
        "row 1: claim_date: 9999-12-31 is outside",
    ),
    (
        "next-week.csv",
        HEADER + f"\nPokrovsk,RU,RU,{TOMORROW + timedelta(days=6)},Wire\n",
        "row 1: claim_date",
    ),
    (
        "published-1900.json",
        json.dumps([{**ROW, "source_published": "1900-01-01"}]),
        "row 1: source_published: 1900-01-01 is outside",
    ),
    ("list-of-numbers.json", "[1, 2]", "item 1: not an object"),
    ("not-utf8.csv", b"\xff\xfe\x00bad", "not UTF-8"),
    ("extra-cells.csv", HEADER + "\nPokrovsk,RU,RU,2025-11-30,Wire,extra\n", "more cells"),
    (
        "place-is-a-list.json",
        json.dumps([{**ROW, "place": ["Pokrovsk"]}]),
        "row 1: place: a list or an object",
    ),
    ("bad-quote.csv", HEADER + '\nPokrovsk,RU,RU,2025-11-30,"Wire\n', "row 1:"),
]
IDS = [c[0] for c in CASES]


def write(tmp_path, name, content):
    path = tmp_path / name
    if content is None:
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def stored(url) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(schema.claims))
    finally:
        engine.dispose()


@pytest.mark.parametrize("name, content, message", CASES, ids=IDS)
def test_claims_import_command(any_db_url, gazetteer, tmp_path, capsys, name, content, message):
    path = write(tmp_path, name, content)
    Ledger(any_db_url, gazetteer=gazetteer)  # created and seeded, as the command would
    before = stored(any_db_url)
    code = main(["--db", any_db_url, "claims", "import", str(path)])
    out, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in err
    assert err.startswith(f"error: {name}: nothing imported") and message in err, err
    assert out == ""
    assert stored(any_db_url) == before


@pytest.mark.parametrize("name, content, message", CASES, ids=IDS)
def test_import_api(any_db_url, gazetteer, tmp_path, name, content, message):
    ledger = Ledger(any_db_url, gazetteer=gazetteer, seed_file=None)
    path = write(tmp_path, name, content)
    with pytest.raises(ImportRejected) as caught:
        ledger.import_file(path)
    assert str(caught.value).startswith(f"{name}: nothing imported")
    assert message in str(caught.value)
    assert ledger.count() == 0


@pytest.mark.parametrize(
    "record, field",
    [
        ({**ROW, "source_publisher": "Wi\x00re"}, "source_publisher"),
        ({**ROW, "claimant_org": "a\x00"}, "claimant_org"),
        ({**ROW, "claim_date": "0001-01-01"}, "claim_date"),
        ({**ROW, "claim_date": "9999-12-31"}, "claim_date"),
        ({**ROW, "geonames_id": float("inf")}, "geonames_id"),
        ({**ROW, "geonames_id": float("-inf")}, "geonames_id"),
        ("not a record", "not a record"),
    ],
)
def test_import_records_refuses_each_bad_value(any_db_url, gazetteer, record, field):
    """The API the pages use (hand entry, review): the same checks, both engines, with a
    valid record before the bad one, which is not written either."""
    ledger = Ledger(any_db_url, gazetteer=gazetteer, seed_file=None)
    with pytest.raises(ImportRejected, match=f"row 2: {field}"):
        ledger.import_records([{**ROW, "place": "Toretsk"}, record], "form")
    assert ledger.count() == 0


def test_a_good_file_still_imports(any_db_url, gazetteer, tmp_path):
    ledger = Ledger(any_db_url, gazetteer=gazetteer, seed_file=None)
    path = write(tmp_path, "good.csv", HEADER + f"\rPokrovsk,RU,RU,{TOMORROW},Wire\r")
    assert len(ledger.import_file(path).added) == 1


def store_unusable_claims(url: str, gazetteer) -> None:
    """Claims as an older version could store them: dated 9999-12-31, or on a place the
    gazetteer no longer has. They go into a database of the 0.2.0 schema, which the
    ledger then upgrades (the migration carries them over as they are)."""
    from sqlalchemy import create_engine, insert

    from conflictmap.ledger.claims import claim_from_record
    from tests.ledger.test_migrations import baseline_tables

    old = baseline_tables()
    engine = create_engine(url)
    old.create_all(engine)
    base = claim_from_record(ROW, gazetteer).as_record()
    base.update(source_published=None, added_at=datetime(2025, 12, 1))
    rows = [
        {**base, "id": "future0000000001", "claim_date": datetime(9999, 12, 31).date()},
        {**base, "id": "noplace000000001", "place_id": 999999999, "place": "Gone"},
    ]
    rows[1]["claim_date"] = datetime(2025, 11, 30).date()
    with engine.begin() as conn:
        conn.execute(insert(old.tables["claims"]), rows)
    engine.dispose()
    Ledger(url, gazetteer=gazetteer).engine.dispose()


@pytest.mark.parametrize(
    "args",
    [
        ["snapshot", "--date", "2025-12-02", "--out", "{tmp}/map.png"],
        ["snapshot", "--date", "2025-12-02", "--out", "{tmp}/map.html"],
        ["control", "--date", "2025-12-02", "--format", "csv"],
        ["claims", "export"],
    ],
)
def test_stored_claims_that_cannot_be_used_are_named_and_left_out(
    any_db_url, gazetteer, tmp_path, capsys, args
):
    store_unusable_claims(any_db_url, gazetteer)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert main(["--db", any_db_url, *args]) == 0
    out, err = capsys.readouterr()
    assert "9999-12-31): left out: its date is outside 2014-01-01" in err
    assert "(Gone, RU, 2025-11-30): left out: place 999999999 is not in the gazetteer" in err
    assert "9999-12-31" not in out
