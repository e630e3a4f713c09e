"""Footprints: circles in metres, the parts a claim may name, boundary files."""

import json

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point, box

from conflictmap.places.footprints import Footprints, normalise_part, radius_m, read_boundaries

POKROVSK = 704422


@pytest.fixture(scope="module")
def footprints(gazetteer):
    return Footprints(gazetteer)


def metric_area_km2(geom):
    return gpd.GeoSeries([geom], crs=4326).to_crs(32637).area.iloc[0] / 1e6


def test_circle_area_matches_radius(footprints, gazetteer):
    pop = gazetteer.get(POKROVSK).population
    r_km = radius_m(pop) / 1000
    assert metric_area_km2(footprints.footprint(POKROVSK)) == pytest.approx(
        3.1416 * r_km**2, rel=0.02
    )


@pytest.mark.parametrize(
    "part, check",
    [
        ("north", lambda c, p: c.y > p.lat),
        ("south", lambda c, p: c.y < p.lat),
        ("east", lambda c, p: c.x > p.lon),
        ("west", lambda c, p: c.x < p.lon),
        ("northeast", lambda c, p: c.x > p.lon and c.y > p.lat),
        ("southwest", lambda c, p: c.x < p.lon and c.y < p.lat),
        ("centre", lambda c, p: abs(c.x - p.lon) < 1e-3 and abs(c.y - p.lat) < 1e-3),
    ],
)
def test_parts_lie_where_they_say(footprints, gazetteer, part, check):
    place = gazetteer.get(POKROVSK)
    geom = footprints.part(POKROVSK, part)
    assert check(geom.centroid, place)
    assert footprints.footprint(POKROVSK).buffer(1e-6).contains(geom)  # ~10 cm


@pytest.mark.parametrize(
    "part, share",
    [
        ("north", 0.5),
        ("east", 0.5),
        ("northwest", 0.25),
        ("centre", 0.25),
        ("outskirts", 0.75),
    ],
)
def test_part_areas(footprints, part, share):
    whole = metric_area_km2(footprints.footprint(POKROVSK))
    assert metric_area_km2(footprints.part(POKROVSK, part)) / whole == pytest.approx(
        share, abs=0.02
    )


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("northern", "north"),
        ("North", "north"),
        ("center", "centre"),
        ("north-east", "northeast"),
        ("outskirts", "outskirts"),
        ("", None),
        (None, None),
        ("nan", None),
    ],
)
def test_normalise_part(raw, expected):
    assert normalise_part(raw) == expected


def test_unknown_part_is_refused():
    with pytest.raises(ValueError, match="unknown part"):
        normalise_part("upstairs")


def test_radius_grows_with_population():
    small, medium, large = radius_m([500, 60_000, 1_000_000])
    assert 500 <= small < medium < large


def test_boundary_file_replaces_the_circle(gazetteer, tmp_path):
    square = box(37.10, 48.25, 37.25, 48.32)
    path = tmp_path / "bounds.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "Krasnoarmeysk"},
                        "geometry": shapely.geometry.mapping(square),
                    }
                ],
            }
        )
    )
    fp = Footprints(gazetteer, read_boundaries(path))
    assert fp.covered == {POKROVSK}
    assert (
        fp.footprint(POKROVSK).equals_exact(square, 1e-6)
        or fp.footprint(POKROVSK).symmetric_difference(square).area < 1e-9
    )
    north = fp.part(POKROVSK, "north")
    assert north.centroid.y > square.centroid.y
    # Places the file does not cover keep their circle.
    assert fp.footprint(704508).geom_type == "Polygon"


@pytest.mark.parametrize(
    "content, message",
    [
        ({"type": "FeatureCollection", "features": []}, "no features"),
        (
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "Pokrovsk"},
                        "geometry": {"type": "Point", "coordinates": [37.1, 48.2]},
                    }
                ],
            },
            "Polygon",
        ),
        (
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"x": 1},
                        "geometry": shapely.geometry.mapping(box(0, 0, 1, 1)),
                    }
                ],
            },
            "geonames_id or name",
        ),
    ],
)
def test_bad_boundary_files_say_why(tmp_path, content, message):
    path = tmp_path / "b.geojson"
    path.write_text(json.dumps(content))
    with pytest.raises(ValueError, match=message):
        read_boundaries(path)


def test_boundary_for_an_unknown_place_is_refused(gazetteer, tmp_path):
    gdf = gpd.GeoDataFrame({"name": ["Nowhereville"]}, geometry=[Point(0, 0).buffer(0.1)], crs=4326)
    with pytest.raises(LookupError, match="Nowhereville"):
        Footprints(gazetteer, gdf)


def test_whole_and_part_of_one_place_in_one_call(footprints):
    whole, north = footprints.shapes([POKROVSK, POKROVSK], [None, "north"])
    assert north.area == pytest.approx(whole.area / 2, rel=0.02)
