"""Assessment files that cannot be used are refused at import, naming the file, the
feature and the field; an assessment stored before these checks, with coordinates that
cannot be used, never breaks a page or an export: it is left out and named."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
import shapely
from sqlalchemy import insert

from conflictmap.assessment import DeepStateError, import_uploads
from conflictmap.cli import main
from conflictmap.ledger import Ledger, StoredAssessment, schema

RING = [[37.0, 48.2], [37.3, 48.2], [37.3, 48.4], [37.0, 48.4], [37.0, 48.2]]


def occupied(ring=RING, day="2025-12-02", text=None) -> bytes:
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"kind": "occupied", "date": day},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }
    return (text or json.dumps(data)).encode()


def with_point(i, lon, lat):
    ring = [list(p) for p in RING]
    ring[i] = [lon, lat]
    return ring


BAD = [
    (
        occupied(with_point(1, 1e308, 48.2)),
        "feature 1 has a broken geometry: geometry.coordinates[0][1][0]: longitude 1e+308",
    ),
    (
        occupied(with_point(2, 500, 48.4)),
        "coordinates[0][2][0]: longitude 500 is outside -180..180",
    ),
    (occupied(with_point(1, 37.3, 95)), "coordinates[0][1][1]: latitude 95 is outside -90..90"),
    (
        occupied(text=occupied().decode().replace("37.3", "NaN", 1)),
        "coordinates[0][1][0]: longitude nan is not a finite number",
    ),
    (
        occupied(text=occupied().decode().replace("48.4", "Infinity", 1)),
        "latitude inf is not a finite number",
    ),
    (occupied(day="9999-12-31"), "date 9999-12-31 is outside 2014-01-01"),
    (occupied(day="0001-01-01"), "date 0001-01-01 is outside"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"type": "FeatureCollection", "features": 5}', "no list of features"),
    (
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": [1]}]}',
        "properties that are not an object",
    ),
]


@pytest.mark.parametrize("content, message", BAD)
def test_bad_upload_is_refused_by_name(any_db_url, gazetteer, content, message):
    ledger = Ledger(any_db_url, gazetteer=gazetteer, seed_file=None)
    with pytest.raises(DeepStateError) as caught:
        import_uploads(ledger, [("good.geojson", occupied()), ("occupied_x.geojson", content)])
    assert str(caught.value).startswith("occupied_x.geojson: ")
    assert message in str(caught.value) and "nothing imported" in str(caught.value)
    assert ledger.assessments() == []


@pytest.mark.parametrize("content, message", BAD[:3] + BAD[5:6])
def test_bad_file_is_refused_by_the_command(any_db_url, tmp_path, capsys, content, message):
    path = tmp_path / "occupied_2025-12-02.geojson"
    path.write_bytes(content)
    assert main(["--db", any_db_url, "assessment", "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert Ledger(any_db_url, seed_file=None).assessments() == []


def test_a_directory_is_refused(tmp_path, capsys, db_url):
    (tmp_path / "occupied_2025-12-02.geojson").mkdir()
    assert (
        main(
            ["--db", db_url, "assessment", "import", str(tmp_path / "occupied_2025-12-02.geojson")]
        )
        == 2
    )
    assert "is a directory" in capsys.readouterr().err


def test_the_ledger_refuses_to_store_unusable_geometry(db_url, gazetteer):
    ledger = Ledger(db_url, gazetteer=gazetteer, seed_file=None)
    bad = shapely.Polygon(with_point(1, float("inf"), 48.2))
    with pytest.raises(ValueError, match="assessment 2025-12-02 occupied: a coordinate"):
        ledger.add_assessments([StoredAssessment(date(2025, 12, 2), "occupied", "x", bad)])
    assert ledger.assessments() == []


def store_unusable(url: str) -> None:
    """An assessment as an older version stored it: a coordinate of 1e308."""
    ledger = Ledger(url, seed_file=None)
    geom = shapely.Polygon(with_point(1, 1e308, 48.2))
    with ledger.engine.begin() as conn:
        conn.execute(
            insert(schema.assessments),
            [
                {
                    "assessed_on": date(2025, 12, 2),
                    "kind": "occupied",
                    "source": "Old import",
                    "geometry_wkb": shapely.to_wkb(geom),
                    "imported_at": datetime(2025, 12, 3),
                }
            ],
        )
    ledger.engine.dispose()


@pytest.fixture
def unusable_db(any_db_url, gazetteer):
    """The seeded ledger with a good grey zone and an unusable occupied area stored."""
    ledger = Ledger(any_db_url, gazetteer=gazetteer)
    import_uploads(
        ledger,
        [
            (
                "greyzone_2025-12-01.geojson",
                occupied(day="2025-12-01").replace(b"occupied", b"grey_zone"),
            )
        ],
    )
    store_unusable(any_db_url)
    return any_db_url


NAMED = "assessment 2025-12-02 occupied (Old import): left out: a coordinate is outside the globe"


@pytest.mark.parametrize(
    "args",
    [
        ["assessment", "compare", "--date", "2025-12-02"],
        ["assessment", "share", "Pokrovsk", "--date", "2025-12-02"],
        ["assessment", "list"],
        ["snapshot", "--date", "2025-12-02", "--out", "{tmp}/map.png"],
        ["snapshot", "--date", "2025-12-02", "--out", "{tmp}/map.html"],
        ["snapshot", "--date", "2025-12-02", "--out", "{tmp}/map.svg"],
    ],
)
def test_commands_carry_on_and_name_the_unusable_record(unusable_db, tmp_path, capsys, args):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    code = main(["--db", unusable_db, *args])
    err = capsys.readouterr().err
    assert "Traceback" not in err and "GEOSException" not in err
    assert f"warning: {NAMED}" in err
    assert code in (0, 2)
    if args[0] == "snapshot":
        assert code == 0 and (tmp_path / args[-1].rsplit("/", 1)[1]).stat().st_size > 1000
    if args[:2] == ["assessment", "list"]:
        assert code == 0
