"""Reading DeepStateMap files (conflictmap.assessment.deepstate): labels, dates, bad files, and the
real files in ../shared/deepstate read in place."""

from __future__ import annotations

import json
from datetime import date

import pytest
import shapely

from conflictmap.assessment.deepstate import (
    DeepStateError,
    classify_label,
    clean_label,
    date_from_filename,
    kind_from_filename,
    merge_results,
    parse,
    read_bytes,
    read_file,
)

NBSP = "\xa0"
PRIMARY_DATES = [
    "2023-05-20",
    "2024-02-17",
    "2025-02-07",
    "2025-11-20",
    "2025-12-01",
    "2025-12-02",
    "2025-12-11",
    "2025-12-27",
]


@pytest.mark.parametrize(
    "label, kind",
    [
        ("Окуповано /// Occupied /// geoJSON.status.occupied\n", "occupied"),
        (f"Окуповано /// Occupied{NBSP}/// geoJSON.status.occupied", "occupied"),
        (f"Статус невідомий /// Unknown status{NBSP}/// geoJSON.status.unknown\n", "grey_zone"),
        (f"Звільнено /// Liberated{NBSP}{NBSP}/// geoJSON.status.dismissed", "liberated"),
        (
            f"Звільнено 25.03 /// Liberated 25.03{NBSP}/// geoJSON.status.dismissed_at {{{{at:25.03}}}}",
            "liberated",
        ),
        (
            f"Звільнено{NBSP}27-29.03 /// Liberated 27-29.03{NBSP}/// geoJSON.status.dismissed_at "
            "{{at:27.03 - 29.03}}",
            "liberated",
        ),
        (f"ОРДЛО /// CADR and CALR{NBSP}/// geoJSON.territories.ordlo", "occupied"),
        (f"Окупований Крим /// Occupied Crimea{NBSP}/// geoJSON.territories.crimea", "occupied"),
        (f"Острів Тузла /// Occupied Tuzla Island{NBSP}/// geoJSON.territories.tuzla", "occupied"),
        (
            "Окупована область Петсамо\n///\nOccupied Petsamo\n/// geoJSON.territories.petsamo\n",
            None,
        ),
        (
            "Тимчасово окупована територія Карелії.\n///\nThe temporarily occupied territory of "
            "Karelia.\n/// geoJSON.territories.karelia\n",
            None,
        ),
        ("Придністров'я/// Transnistria /// geoJSON.territories.transnistria", None),
        (f"Зміїний ///{NBSP}Snake Island /// geoJSON.zmiinyi_island", None),
        ("Напрямок удару /// Direction of attack /// geoJSON.status.attack_direction\n", None),
        # Labels with no key (rsparks3's English-only names) fall back to the English part.
        ("Occupied", "occupied"),
        ("Unknown status", "grey_zone"),
        ("CADR and CALR", "occupied"),
        ("Liberated 25.03", "liberated"),
        ("328-й десантно-штурмовий полк /// 328th Airborne Assault Regiment", None),
        ("Occupied Petsamo", None),
    ],
)
def test_classify_label(label, kind):
    assert classify_label(label)[0] == kind


@pytest.mark.parametrize(
    "text, expected",
    [
        (f"Occupied{NBSP}\n", "Occupied"),
        ("  a \n\n b ", "a b"),
        (None, ""),
    ],
)
def test_clean_label(text, expected):
    assert clean_label(text) == expected


@pytest.mark.parametrize(
    "name, expected",
    [
        ("occupied_2025-12-02.geojson", date(2025, 12, 2)),
        ("occupied_2024-02-17_dr1708173171.geojson", date(2024, 2, 17)),
        ("deepstatemap_data_20251202.geojson", date(2025, 12, 2)),
        ("deepstatemap_raw_1754251105.geojson", date(2025, 8, 3)),
        ("1708121752.geojson", date(2024, 2, 16)),  # 22:15 UTC on the 16th
        ("snapshot.geojson", None),
        ("occupied_2025-13-45.geojson", None),
    ],
)
def test_date_from_filename(name, expected):
    assert date_from_filename(name) == expected


@pytest.mark.parametrize(
    "name, kind",
    [
        ("occupied_2025-12-02.geojson", "occupied"),
        ("greyzone_2025-12-02.geojson", "grey_zone"),
        ("deepstatemap_data_20251202.geojson", "occupied"),
        ("deepstatemap_data_20251202_polygons.geojson", None),
        ("whatever.geojson", None),
    ],
)
def test_kind_from_filename(name, kind):
    assert kind_from_filename(name) == kind


# -- hand-made files -------------------------------------------------------------------
def poly(x0, y0, size=0.1, z=False):
    ring = [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]
    if z:
        ring = [p + [0] for p in ring]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(geometry, **props):
    return {"type": "Feature", "properties": props, "geometry": geometry}


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def test_processed_file():
    data = collection(
        feature(
            {
                "type": "MultiPolygon",
                "coordinates": [poly(37, 48)["coordinates"], poly(37.5, 48)["coordinates"]],
            },
            date="2025-12-02",
            kind="occupied",
            source="DeepStateMap via somebody",
        )
    )
    r = parse(data, "occupied_2025-12-02.geojson")
    assert (r.fmt, r.assessed_on, r.source) == (
        "processed",
        date(2025, 12, 2),
        "DeepStateMap via somebody",
    )
    assert list(r.shapes) == ["occupied"]
    assert r.shapes["occupied"].area == pytest.approx(0.02)


def test_raw_snapshot_classifies_skips_points_and_drops_z():
    data = collection(
        feature(poly(37, 48, z=True), name="Окуповано /// Occupied /// geoJSON.status.occupied\n"),
        feature(
            poly(37.1, 48, z=True),
            name=f"ОРДЛО /// CADR and CALR{NBSP}/// geoJSON.territories.ordlo",
        ),
        feature(
            poly(37.3, 48), name="Статус невідомий /// Unknown status /// geoJSON.status.unknown"
        ),
        feature(
            poly(30, 50),
            name=f"Звільнено 25.03 /// Liberated 25.03{NBSP}/// geoJSON.status.dismissed_at {{{{at:25.03}}}}",
        ),
        feature(
            poly(31, 69),
            name="Окупована область Петсамо\n///\nOccupied Petsamo\n/// geoJSON.territories.petsamo\n",
        ),
        feature(
            {"type": "Point", "coordinates": [37.2, 48.05, 0]},
            name="Напрямок удару /// Direction of attack /// geoJSON.status.attack_direction\n",
        ),
    )
    r = parse(data, "deepstatemap_raw_1754251105.geojson")
    assert r.fmt == "raw" and r.assessed_on == date(2025, 8, 3)
    assert sorted(r.shapes) == ["grey_zone", "liberated", "occupied"]
    assert r.polygons["occupied"] == 2
    occupied = r.shapes["occupied"]
    assert not shapely.has_z(occupied)
    assert occupied.area == pytest.approx(0.02)  # the two adjacent squares, merged
    assert occupied.geom_type == "Polygon"
    assert not occupied.intersects(shapely.Point(31.05, 69.05))  # Petsamo left out
    assert sum(r.skipped.values()) == 2
    assert "2025-08-03T19:58:25Z" in r.source


def test_invalid_polygon_is_repaired():
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[37, 48], [37.2, 48.2], [37.2, 48], [37, 48.2], [37, 48]]],
    }
    r = parse(collection(feature(bowtie, kind="occupied")), "occupied_2025-12-02.geojson")
    assert r.repaired == 1
    assert r.shapes["occupied"].is_valid
    assert r.shapes["occupied"].area == pytest.approx(0.02)


def test_date_argument_overrides_the_file():
    data = collection(feature(poly(37, 48), kind="grey_zone", date="2025-12-02"))
    assert parse(data, "x.geojson", on=date(2026, 1, 1)).assessed_on == date(2026, 1, 1)
    assert parse(data, "x.geojson").assessed_on == date(2025, 12, 2)


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"not json at all", "occupied_2025-12-02.geojson", "not valid JSON"),
        (b"\xff\xfe\x00bad", "occupied_2025-12-02.geojson", "not UTF-8"),
        (b"[1, 2]", "occupied_2025-12-02.geojson", "expected a GeoJSON FeatureCollection"),
        (json.dumps(collection()).encode(), "occupied_2025-12-02.geojson", "no occupied"),
        (
            json.dumps(
                collection(
                    feature(
                        {"type": "Point", "coordinates": [37, 48]},
                        name="x /// Occupied /// geoJSON.status.occupied",
                    )
                )
            ).encode(),
            "deepstatemap_raw_1754251105.geojson",
            "no occupied, grey-zone or liberated polygons",
        ),
        (
            json.dumps(collection(feature(poly(37, 48), kind="frontline"))).encode(),
            "occupied_2025-12-02.geojson",
            "unknown kind 'frontline'",
        ),
        (
            json.dumps(collection(feature(poly(37, 48), kind="occupied"))).encode(),
            "occupied.geojson",
            "no date",
        ),
        (
            json.dumps(
                collection(
                    feature(poly(37, 48), kind="occupied", date="2025-12-02"),
                    feature(poly(38, 48), kind="occupied", date="2025-12-03"),
                )
            ).encode(),
            "occupied.geojson",
            "different dates",
        ),
        (
            json.dumps(
                collection(feature(poly(37, 48), kind="occupied", date="yesterday"))
            ).encode(),
            "occupied.geojson",
            "'yesterday' is not a date",
        ),
        (json.dumps(collection(feature(poly(37, 48)))).encode(), "snapshot.geojson", "no kind"),
        (
            json.dumps(
                collection(feature({"type": "Polygon", "coordinates": "oops"}, kind="occupied"))
            ).encode(),
            "occupied_2025-12-02.geojson",
            "broken geometry",
        ),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(content, name, message):
    with pytest.raises(DeepStateError) as err:
        read_bytes(content, name)
    assert message in str(err.value)
    assert name in str(err.value) and "nothing imported" in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(DeepStateError, match="does not exist"):
        read_file(tmp_path / "nope.geojson")


def test_same_date_and_kind_twice_is_refused():
    a = parse(collection(feature(poly(37, 48), kind="occupied")), "occupied_2025-12-02.geojson")
    b = parse(collection(feature(poly(38, 48), kind="occupied")), "occupied_2025-12-02_alt.geojson")
    with pytest.raises(DeepStateError, match="already gives the occupied assessment"):
        merge_results([a, b])


# -- the real files, read in place -----------------------------------------------------
@pytest.mark.shared
@pytest.mark.parametrize("day", PRIMARY_DATES)
def test_real_processed_files(shared_dir, day):
    folder = shared_dir / "deepstate"
    occ = read_file(folder / f"occupied_{day}.geojson")
    grey = read_file(folder / f"greyzone_{day}.geojson")
    assert (occ.assessed_on, grey.assessed_on) == (date.fromisoformat(day),) * 2
    assert list(occ.shapes) == ["occupied"] and list(grey.shapes) == ["grey_zone"]
    assert occ.source.startswith("DeepStateMap via ")
    # Bakhmut's centre is occupied on every date (README table); Kramatorsk's never.
    assert occ.shapes["occupied"].contains(shapely.Point(38.0003, 48.5953))
    assert not occ.shapes["occupied"].contains(shapely.Point(37.5842, 48.7389))
    # The grey zone essentially does not overlap the occupied territory.
    overlap = occ.shapes["occupied"].intersection(grey.shapes["grey_zone"]).area
    assert overlap < 1e-4 * grey.shapes["grey_zone"].area


@pytest.fixture(scope="module")
def raw(shared_dir):
    return read_file(shared_dir / "deepstate" / "raw" / "deepstatemap_raw_1754251105.geojson")


@pytest.mark.shared
def test_real_raw_snapshot(raw):
    assert raw.fmt == "raw" and raw.assessed_on == date(2025, 8, 3)
    assert sorted(raw.shapes) == ["grey_zone", "liberated", "occupied"]
    assert all(g.is_valid and not shapely.has_z(g) for g in raw.shapes.values())
    skipped_points = raw.skipped["points and lines (units, attack directions, places)"]
    assert skipped_points == 392
    assert sum(raw.polygons.values()) + sum(raw.skipped.values()) == 500
    outside = [k for k in raw.skipped if k.endswith("outside Ukraine")]
    assert {
        "territories.petsamo: outside Ukraine",
        "territories.karelia: outside Ukraine",
        "territories.transnistria: outside Ukraine",
    } <= set(outside)


@pytest.mark.shared
@pytest.mark.parametrize(
    "name, lon, lat, kind, inside",
    [
        ("Simferopol (Crimea)", 34.10, 44.95, "occupied", True),
        ("Donetsk (ORDLO)", 37.80, 48.00, "occupied", True),
        ("Bakhmut", 38.0003, 48.5953, "occupied", True),
        ("Kramatorsk", 37.5842, 48.7389, "occupied", False),
        ("Kyiv", 30.52, 50.45, "occupied", False),
        ("Petsamo (Pechenga)", 31.12, 69.55, "occupied", False),
        ("Sukhumi (Abkhazia)", 41.02, 43.00, "occupied", False),
        ("Tiraspol (Transnistria)", 29.63, 46.84, "occupied", False),
    ],
)
def test_real_raw_snapshot_places(raw, name, lon, lat, kind, inside):
    assert raw.shapes[kind].contains(shapely.Point(lon, lat)) is inside, name


@pytest.mark.shared
def test_raw_occupied_agrees_with_bounds_of_ukraine(raw):
    x0, y0, x1, y1 = raw.shapes["occupied"].bounds
    assert 31 < x0 and x1 < 41 and 44 < y0 and y1 < 52.5
