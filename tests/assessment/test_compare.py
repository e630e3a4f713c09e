"""Shares, verdicts and confirmation lag (conflictmap.assessment.compare) on hand-made polygons,
and the shares against DeepState's README table (point_checks.csv)."""

from __future__ import annotations

import csv
import json
import math
from datetime import date

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from conflictmap.assessment.compare import (
    CONTRADICTION,
    PART_MIN,
    TOLERANCE,
    AssessmentIndex,
    agrees_with_capture,
    circle_shares,
    first_agreeing,
    lag_days,
    subdivide,
    utm_epsgs,
    verdict,
)

EPSG = 32637
CENTRE = (37.1813, 48.2837)  # lon, lat of a point in UTM zone 37N


# -- verdicts -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "controller, occupied, grey, extent, fraction, expected",
    [
        # RU full claim: consistent from 0.75 occupied, inconsistent when half is free.
        ("RU", 1.0, 0.0, "full", None, "consistent"),
        ("RU", 0.75, 0.25, "full", None, "consistent"),
        ("RU", 0.74, 0.26, "full", None, "unclear"),
        ("RU", 0.37, 0.55, "full", None, "unclear"),  # grey dominates
        ("RU", 0.3, 0.2, "full", None, "inconsistent"),  # half shown free
        ("RU", 0.0, 0.0, "full", None, "inconsistent"),
        ("RU", 0.16, 0.25, "full", None, "inconsistent"),  # 59% free
        # UA full claim mirrors it: held = free share.
        ("UA", 0.0, 0.0, "full", None, "consistent"),
        ("UA", 0.1, 0.15, "full", None, "consistent"),
        ("UA", 0.2, 0.4, "full", None, "unclear"),
        ("UA", 0.5, 0.1, "full", None, "inconsistent"),
        ("UA", 1.0, 0.0, "full", None, "inconsistent"),
        # A fraction reads as "at least f": more than claimed is no contradiction.
        ("RU", 0.5, 0.1, "partial", 0.7, "consistent"),
        ("RU", 1.0, 0.0, "partial", 0.7, "consistent"),
        ("RU", 0.3, 0.3, "partial", 0.7, "unclear"),
        ("RU", 0.1, 0.05, "partial", 0.7, "inconsistent"),  # 85% free vs 30% allowed
        ("UA", 0.1, 0.0, "partial", 0.3, "consistent"),
        ("UA", 0.95, 0.05, "partial", 0.3, "unclear"),  # other 0.95 < 0.7 + 0.5
        # A part with no fraction: some of it held.
        ("RU", 0.15, 0.0, "partial", None, "consistent"),
        ("RU", 0.05, 0.5, "partial", None, "unclear"),
        ("RU", 0.02, 0.05, "partial", None, "inconsistent"),
        ("UA", 0.95, 0.0, "partial", None, "inconsistent"),
        # CONTESTED: split or grey is consistent, one side holding it all is not.
        ("CONTESTED", 0.0, 0.3, None, None, "consistent"),
        ("CONTESTED", 0.5, 0.0, None, None, "consistent"),
        ("CONTESTED", 0.95, 0.0, None, None, "inconsistent"),
        ("CONTESTED", 0.0, 0.05, None, None, "inconsistent"),
        ("CONTESTED", 0.05, 0.2, None, None, "unclear"),
        # No measurement: unclear.
        ("RU", float("nan"), float("nan"), "full", None, "unclear"),
    ],
)
def test_verdict_rules(controller, occupied, grey, extent, fraction, expected):
    assert verdict(controller, occupied, grey, extent=extent, fraction=fraction) == expected


def test_thresholds_are_ordered():
    assert 0 < PART_MIN < TOLERANCE < CONTRADICTION <= 0.5


@pytest.mark.parametrize(
    "inside, share, expected",
    [
        (True, 0.1, True),
        (False, 0.8, True),
        (False, 0.74, False),
        (False, 0.0, False),
    ],
)
def test_agrees_with_capture(inside, share, expected):
    assert agrees_with_capture(inside, share) is expected


@pytest.mark.parametrize(
    "claim, flags, expected",
    [
        (
            date(2025, 12, 1),
            [(date(2025, 11, 20), True), (date(2025, 12, 1), True)],
            date(2025, 12, 1),
        ),
        (
            date(2025, 12, 1),
            [(date(2025, 11, 20), True), (date(2025, 12, 2), False), (date(2025, 12, 11), True)],
            date(2025, 12, 11),
        ),
        (date(2025, 12, 1), [(date(2025, 12, 11), False)], None),
        (date(2025, 12, 1), [], None),
    ],
)
def test_first_agreeing(claim, flags, expected):
    assert first_agreeing(claim, flags) == expected
    assert lag_days(claim, expected) == (None if expected is None else (expected - claim).days)


@pytest.mark.parametrize(
    "lon, lat, epsg",
    [
        (37.18, 48.28, 32637),
        (35.99, 47.0, 32636),
        (36.0, 47.0, 32637),
        (30.5, 50.4, 32636),
        (-70.0, -33.0, 32719),
    ],
)
def test_utm_epsgs(lon, lat, epsg):
    assert utm_epsgs([lon], [lat])[0] == epsg


# -- hand-made polygons in metres -------------------------------------------------------
@pytest.fixture(scope="module")
def centre_m():
    pt = gpd.GeoSeries([shapely.Point(*CENTRE)], crs=4326).to_crs(EPSG).iloc[0]
    return pt.x, pt.y


def to_lonlat(geom_m):
    """A polygon drawn in UTM metres, densified so straight lines stay straight."""
    dense = shapely.segmentize(geom_m, 50.0)
    return gpd.GeoSeries([dense], crs=EPSG).to_crs(4326).iloc[0]


def segment_share(r: float, d: float) -> float:
    """Share of a circle of radius r beyond a chord at distance d from its centre."""
    return (r * r * math.acos(d / r) - d * math.sqrt(r * r - d * d)) / (math.pi * r * r)


def test_half_plane_and_ring_shares(centre_m):
    x, y = centre_m
    east = to_lonlat(shapely.box(x + 100, y - 20_000, x + 20_000, y + 20_000))
    ring = to_lonlat(
        shapely.Point(x, y)
        .buffer(2000, quad_segs=64)
        .difference(shapely.Point(x, y).buffer(1000, quad_segs=64))
    )
    idx = AssessmentIndex({"occupied": east, "grey_zone": ring})
    got = circle_shares(idx, *CENTRE, 3000.0)
    assert got["epsg"] == EPSG
    assert got["occupied_share"] == pytest.approx(segment_share(3000, 100), abs=1e-3)
    assert got["grey_share"] == pytest.approx((4 - 1) / 9, abs=2e-3)
    assert got["centre_in_occupied"] is False  # 100 m west of the edge
    assert got["centre_in_grey_zone"] is False  # in the ring's hole
    inside = circle_shares(idx, CENTRE[0] + 0.01, CENTRE[1], 3000.0)
    assert inside["centre_in_occupied"] is True
    far = circle_shares(idx, CENTRE[0] - 0.5, CENTRE[1], 3000.0)
    assert far["occupied_share"] == 0.0 and far["grey_share"] == 0.0


@pytest.mark.parametrize(
    "dx, expected",
    [
        (-10_000, 0.0),
        (0, 0.5),
        (10_000, 1.0),
    ],
)
def test_vectorised_shares_match_geometry(centre_m, dx, expected):
    x, y = centre_m
    east = to_lonlat(shapely.box(x, y - 50_000, x + 50_000, y + 50_000))
    idx = AssessmentIndex({"occupied": east})
    circle = to_lonlat(shapely.Point(x + dx, y).buffer(2500, quad_segs=32))
    frame = idx.shares([circle])
    assert frame["occupied_share"].iloc[0] == pytest.approx(expected, abs=2e-3)
    assert frame["grey_zone_share"].iloc[0] == 0.0


def test_shares_keep_order_across_utm_zones(centre_m):
    # A square straddling 36°E: places on both sides are measured in their own zone.
    square = shapely.box(35.5, 47.0, 36.5, 48.0)
    idx = AssessmentIndex({"occupied": square})
    pts = [(35.7, 47.5), (40.0, 47.5), (36.3, 47.5), (36.5, 47.5)]
    shapes = [
        gpd.GeoSeries([shapely.Point(lo, la)], crs=4326)
        .to_crs(utm_epsgs([lo], [la])[0])
        .buffer(1000)
        .to_crs(4326)
        .iloc[0]
        for lo, la in pts
    ]
    got = idx.shares(shapes, [p[0] for p in pts], [p[1] for p in pts])
    assert got["occupied_share"].round(2).tolist() == [1.0, 0.0, 1.0, 0.5]


def test_empty_and_missing_geometries_give_nan():
    idx = AssessmentIndex({"occupied": shapely.box(0, 0, 1, 1)})
    got = idx.shares([shapely.Polygon(), None])
    assert got["occupied_share"].isna().all()


def test_invalid_assessment_geometry_is_repaired():
    bowtie = shapely.Polygon([(37, 48), (37.2, 48.2), (37.2, 48), (37, 48.2), (37, 48)])
    assert not bowtie.is_valid
    idx = AssessmentIndex({"occupied": bowtie})
    assert idx.shapes["occupied"].is_valid
    assert idx.contains("occupied", [37.02, 37.1], [48.1, 48.19]).tolist() == [True, False]


@pytest.mark.parametrize("max_vertices", [8, 32, 96])
def test_subdivide_keeps_area_and_bounds_vertices(max_vertices):
    blob = shapely.Point(0, 0).buffer(1000, quad_segs=64).union(shapely.box(0, 0, 3000, 200))
    pieces = subdivide(blob, max_vertices)
    assert len(pieces) > 1
    assert max(shapely.get_num_coordinates(p) for p in pieces) <= max_vertices + 8
    assert sum(p.area for p in pieces) == pytest.approx(blob.area, rel=1e-9)
    assert shapely.union_all(pieces).symmetric_difference(blob).area < 1e-6


# -- the README table -------------------------------------------------------------------
def _geometry(path):
    return shape(json.loads(path.read_text())["features"][0]["geometry"])


@pytest.fixture(scope="module")
def point_checks(shared_dir):
    with open(shared_dir / "deepstate" / "point_checks.csv", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.shared
def test_circle_shares_reproduce_point_checks(shared_dir, point_checks):
    """Every row (primary and alt files): centre tests equal, fractions to 3 decimals."""
    folder = shared_dir / "deepstate"
    indexes = {}
    assert len(point_checks) >= 100
    for row in point_checks:
        occ_file = folder / row["file"]
        grey_file = occ_file.with_name(occ_file.name.replace("occupied_", "greyzone_"))
        if row["file"] not in indexes:
            indexes[row["file"]] = AssessmentIndex(
                {"occupied": _geometry(occ_file), "grey_zone": _geometry(grey_file)}
            )
        got = circle_shares(indexes[row["file"]], float(row["lon"]), float(row["lat"]), 3000.0)
        where = f"{row['file']} {row['city']}"
        assert got["epsg"] == EPSG, where
        assert got["centre_in_occupied"] == (row["in_occupied"] == "True"), where
        assert got["centre_in_grey_zone"] == (row["in_greyzone"] == "True"), where
        assert round(got["occupied_share"], 3) == round(float(row["frac3km_occupied"]), 3), where
        assert round(got["grey_share"], 3) == round(float(row["frac3km_greyzone"]), 3), where
        assert abs(got["occupied_share"] - float(row["frac3km_occupied"])) < 1e-5, where


@pytest.mark.shared
def test_vectorised_path_equals_single_circle(shared_dir, point_checks):
    """The many-shapes path gives the single-circle numbers for the same circles."""
    folder = shared_dir / "deepstate"
    rows = [r for r in point_checks if r["file"] == "occupied_2025-12-11.geojson"]
    idx = AssessmentIndex(
        {
            "occupied": _geometry(folder / "occupied_2025-12-11.geojson"),
            "grey_zone": _geometry(folder / "greyzone_2025-12-11.geojson"),
        }
    )
    lon = np.array([float(r["lon"]) for r in rows])
    lat = np.array([float(r["lat"]) for r in rows])
    centres = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326).to_crs(EPSG)
    circles = centres.buffer(3000, quad_segs=64).to_crs(4326)
    got = idx.shares(list(circles), lon, lat)
    expected = [float(r["frac3km_occupied"]) for r in rows]
    assert np.allclose(got["occupied_share"], expected, atol=1e-5)
    assert np.allclose(
        got["grey_zone_share"], [float(r["frac3km_greyzone"]) for r in rows], atol=1e-5
    )
