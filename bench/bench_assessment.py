"""Benchmark: occupied/grey shares and point-in-polygon for many places against one
DeepStateMap assessment.

Places are random footprints (circles of 1.2-5 km, built in their UTM zone like
conflictmap.places.footprints) scattered over the assessment's area, which straddles UTM
zones 36 and 37. Ours: conflictmap.assessment.compare.AssessmentIndex (polygons projected once
per zone, cut into small pieces, STRtree query, vectorised shapely intersections;
shapely.contains_xy for the centres), timed cold (index built inside the timing) and
warm (index cached, as the map reuses it). Baseline, same run, same data: a Python
loop over the places, intersecting each footprint with the whole projected polygon
and testing its centre with Polygon.contains. Both must give the same numbers.

Uses ../shared/deepstate/*_2025-12-02.geojson when present, else a synthetic wavy
front line. Run: python bench/bench_assessment.py [N_PLACES]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from timing import timed  # noqa: E402  (bench/ is on the path when run as a script)

from conflictmap.assessment import AssessmentIndex, to_crs, utm_epsgs  # noqa: E402
from conflictmap.paths import ROOT  # noqa: E402
from conflictmap.places import radius_m  # noqa: E402

SHARED = ROOT.parent / "shared" / "deepstate"
BBOX = (34.5, 46.8, 39.5, 50.6)


def load_assessment() -> tuple[dict, str]:
    occ, grey = SHARED / "occupied_2025-12-02.geojson", SHARED / "greyzone_2025-12-02.geojson"
    if occ.exists() and grey.exists():
        read = lambda p: shape(json.loads(p.read_text())["features"][0]["geometry"])  # noqa: E731
        return {"occupied": read(occ), "grey_zone": read(grey)}, "DeepStateMap 2025-12-02"
    # A wavy front line from north to south with a grey band east of it.
    ys = np.linspace(BBOX[1], BBOX[3], 1500)
    xs = 37.0 + 0.6 * np.sin(ys * 40) + 0.2 * np.sin(ys * 230)
    front = list(zip(xs, ys))
    occupied = shapely.Polygon(front + [(BBOX[2], BBOX[3]), (BBOX[2], BBOX[1])])
    grey = shapely.Polygon(front + [(x - 0.05, y) for x, y in reversed(front)])
    return {"occupied": occupied.buffer(0), "grey_zone": grey.buffer(0)}, "synthetic front"


def random_places(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    lon = rng.uniform(BBOX[0] + 0.1, BBOX[2] - 0.1, n)
    lat = rng.uniform(BBOX[1] + 0.1, BBOX[3] - 0.1, n)
    radii = radius_m(np.exp(rng.uniform(np.log(500), np.log(150_000), n)))
    shapes = np.empty(n, dtype=object)
    epsgs = utm_epsgs(lon, lat)
    for epsg in np.unique(epsgs):
        sel = np.flatnonzero(epsgs == epsg)
        centres = to_crs(shapely.points(lon[sel], lat[sel]), int(epsg))
        shapes[sel] = to_crs(
            shapely.buffer(centres, radii[sel], quad_segs=16), 4326, source=int(epsg)
        )
    return lon, lat, shapes


def ours(shapes_ll, lon, lat, index=None):
    idx = index or AssessmentIndex(SHAPES)
    got = idx.shares(shapes_ll, lon, lat)
    inside = idx.contains("occupied", lon, lat)
    return got["occupied_share"].to_numpy(), got["grey_zone_share"].to_numpy(), inside


def baseline(shapes_ll, lon, lat):
    """A per-place loop: whole polygon ∩ footprint, Polygon.contains(point)."""
    epsgs = utm_epsgs(lon, lat)
    projected = {
        int(e): {k: to_crs([g], int(e))[0] for k, g in SHAPES.items()} for e in np.unique(epsgs)
    }
    occ = np.zeros(len(lon))
    grey = np.zeros(len(lon))
    inside = np.zeros(len(lon), dtype=bool)
    for i, (geom, x, y, epsg) in enumerate(zip(shapes_ll, lon, lat, epsgs)):
        fp = to_crs([geom], int(epsg))[0]
        polys = projected[int(epsg)]
        occ[i] = fp.intersection(polys["occupied"]).area / fp.area
        grey[i] = fp.intersection(polys["grey_zone"]).area / fp.area
        inside[i] = SHAPES["occupied"].contains(shapely.Point(x, y))
    return occ, grey, inside


SHAPES, LABEL = load_assessment()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    lon, lat, shapes_ll = random_places(n)
    vertices = sum(shapely.get_num_coordinates(g) for g in SHAPES.values())
    print(f"{n} places against {LABEL} ({vertices} vertices, occupied and grey zone)")

    cold = timed(lambda: ours(shapes_ll, lon, lat), 5)
    warm_index = AssessmentIndex(SHAPES)
    ours(shapes_ll, lon, lat, warm_index)
    warm = timed(lambda: ours(shapes_ll, lon, lat, warm_index), 5)
    t = time.perf_counter()
    b_occ, b_grey, b_inside = baseline(shapes_ll, lon, lat)
    base = time.perf_counter() - t

    o_occ, o_grey, o_inside = ours(shapes_ll, lon, lat, warm_index)
    diff = max(np.max(np.abs(o_occ - b_occ)), np.max(np.abs(o_grey - b_grey)))
    print(
        f"places touching the occupied polygon: {(o_occ > 0).sum()}, "
        f"partly occupied: {((o_occ > 0) & (o_occ < 1)).sum()}, centres inside: {o_inside.sum()}"
    )
    print(f"ours, cold (index built in the timing): median {statistics.median(cold):.3f} s")
    print(f"ours, warm (index cached):              median {statistics.median(warm):.3f} s")
    print(f"baseline, per-place loop:               {base:.3f} s")
    print(
        f"ratio baseline / ours: cold {base / statistics.median(cold):.1f}x, "
        f"warm {base / statistics.median(warm):.1f}x"
    )
    print(
        f"largest difference between the two: {diff:.2e}; "
        f"centre tests equal: {bool((o_inside == b_inside).all())}"
    )
    if diff > 1e-6 or not (o_inside == b_inside).all():
        raise SystemExit("results differ from the baseline")


if __name__ == "__main__":
    main()
