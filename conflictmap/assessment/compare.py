"""Claims against an independent assessment: shares of a footprint, verdicts, lag.

Everything here is pure: geometries and numbers in, numbers and words out. The
ledger-facing side (which assessment is in force, which claims) is in
:mod:`conflictmap.assessment.layers`.

Shares
------
The *occupied share* of a shape is area(shape ∩ occupied) / area(shape), and the
*grey share* the same with the grey (unknown-status) zone, both measured in square
metres in the WGS 84 UTM zone of the shape (as :mod:`conflictmap.places.footprints` builds
footprints). The rest, ``1 - occupied - grey``, is what the assessment shows as held
by Ukraine (the *free share*). :class:`AssessmentIndex` projects each assessment
polygon once per UTM zone, cuts it into small pieces (at most
:data:`PIECE_VERTICES` vertices each, like PostGIS ``ST_Subdivide``) and puts them in
a shapely ``STRtree``: the overlap of thousands of shapes is then one vectorised
query and one vectorised intersection of small pieces, and point-in-polygon is
``shapely.contains_xy`` on the prepared polygon.

Verdicts
--------
A claim says that a controller holds a place, fully, partly (a fraction) or a named
part; the shape compared is the claimed part when there is one, else the place's
footprint. Let *held* be the share the assessment gives the claimed controller
(occupied for RU, free for UA) and *other* the share it gives the other side. With
the claimed fraction *f* (1 for a full claim):

- **consistent** when ``held >= f - TOLERANCE`` and ``other <= (1 - f) + TOLERANCE``;
- **inconsistent** when ``other >= (1 - f) + CONTRADICTION``;
- **unclear** otherwise: the grey zone covers what is missing, or the place is split.

``TOLERANCE = 0.25`` because footprints are approximate circles: a town's circle
reaches into fields and neighbouring villages, and the assessment's front line is
drawn at a scale of hundreds of metres, so a fully held town rarely measures above
0.8 (Bakhmut, held since 2023, measures 0.998-1.0 in a 3 km circle; Avdiivka 1.0).
``CONTRADICTION = 0.5``: the claim is called wrong only when the assessment shows
most of the shape held by the other side, not merely grey. A fraction is read as
"at least": the assessment showing more than the claimed share is no contradiction.

A claim of a part with no fraction (``extent = partial``, e.g. "RU holds part") is
consistent when ``held >= PART_MIN`` (0.1, a visible part), inconsistent when
``held + grey < PART_MIN`` (the assessment shows essentially all of it held by the
other side), unclear otherwise.

A **CONTESTED** claim is consistent when the place is split or grey
(``grey >= CONTESTED_GREY`` (0.25) or ``min(occupied, free) >= PART_MIN``),
inconsistent when one side holds nearly all of it
(``max(occupied, free) >= 1 - PART_MIN``), unclear otherwise (checked in that order).

Confirmation lag
----------------
For a Russian capture claim (RU claims RU holds the place, fully) made on day D, the
first assessment dated on or after D that *agrees* (:func:`agrees_with_capture`:
the place's centre lies inside the occupied polygon, or the occupied share of its
footprint reaches ``1 - TOLERANCE``), and the days from D to it; None if none agrees.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

TOLERANCE = 0.25
CONTRADICTION = 0.5
PART_MIN = 0.1
CONTESTED_GREY = 0.25
VERDICTS = ("consistent", "inconsistent", "unclear")
KINDS = ("occupied", "grey_zone", "liberated")
PIECE_VERTICES = 96
_MAX_DEPTH = 24


# -- verdicts ---------------------------------------------------------------------
def verdict(
    controller: str,
    occupied: float,
    grey: float,
    *,
    extent: str | None = "full",
    fraction: float | None = None,
) -> str:
    """The verdict on one claim given the assessment's shares of the compared shape.

    See the module docstring for the rules.

    >>> verdict("RU", 0.9, 0.05)
    'consistent'
    >>> verdict("RU", 0.1, 0.1)
    'inconsistent'
    >>> verdict("RU", 0.3, 0.6)
    'unclear'
    >>> verdict("CONTESTED", 0.4, 0.5)
    'consistent'
    """
    if occupied is None or grey is None or math.isnan(occupied) or math.isnan(grey):
        return "unclear"
    occupied = round(min(max(float(occupied), 0.0), 1.0), 9)
    grey = round(min(max(float(grey), 0.0), 1.0 - occupied), 9)
    free = round(max(0.0, 1.0 - occupied - grey), 9)
    if controller == "CONTESTED":
        if grey >= CONTESTED_GREY or min(occupied, free) >= PART_MIN:
            return "consistent"
        if max(occupied, free) >= 1.0 - PART_MIN:
            return "inconsistent"
        return "unclear"
    if controller not in ("RU", "UA"):
        return "unclear"
    held, other = (occupied, free) if controller == "RU" else (free, occupied)
    has_fraction = fraction is not None and not (
        isinstance(fraction, float) and math.isnan(fraction)
    )
    if extent == "partial" and not has_fraction:
        if held >= PART_MIN:
            return "consistent"
        if held + grey < PART_MIN:
            return "inconsistent"
        return "unclear"
    f = float(fraction) if has_fraction else 1.0
    if held >= f - TOLERANCE and other <= (1.0 - f) + TOLERANCE:
        return "consistent"
    if other >= (1.0 - f) + CONTRADICTION:
        return "inconsistent"
    return "unclear"


def verdicts(frame: pd.DataFrame) -> list[str]:
    """:func:`verdict` for each row of a frame with controller, extent, fraction,
    occupied_share and grey_share columns."""
    out = []
    for controller, extent, fraction, occ, grey in zip(
        frame["controller"],
        frame.get("extent", pd.Series([None] * len(frame))),
        frame.get("fraction", pd.Series([None] * len(frame))),
        frame["occupied_share"],
        frame["grey_share"],
    ):
        fraction = None if fraction is None or pd.isna(fraction) else float(fraction)
        extent = extent if isinstance(extent, str) else None
        out.append(verdict(controller, occ, grey, extent=extent, fraction=fraction))
    return out


def agrees_with_capture(centre_in_occupied: bool, occupied_share: float) -> bool:
    """Whether an assessment agrees that a place was captured (see the module docstring)."""
    return bool(centre_in_occupied) or (
        occupied_share is not None and float(occupied_share) >= 1.0 - TOLERANCE
    )


def first_agreeing(claim_date: date, agreements: list[tuple[date, bool]]) -> date | None:
    """The first assessment date on or after ``claim_date`` whose flag is True.

    >>> from datetime import date as d
    >>> first_agreeing(d(2025, 12, 1), [(d(2025, 11, 20), True), (d(2025, 12, 11), True)])
    datetime.date(2025, 12, 11)
    """
    for day, ok in sorted(agreements):
        if day >= claim_date and ok:
            return day
    return None


def lag_days(claim_date: date, confirmed_on: date | None) -> int | None:
    """Days from a claim to the assessment that confirmed it (None when not confirmed)."""
    return None if confirmed_on is None else (confirmed_on - claim_date).days


# -- geometry -----------------------------------------------------------------------
def utm_epsgs(lon, lat) -> np.ndarray:
    """EPSG codes of the WGS 84 UTM zones holding points (array-friendly).

    >>> utm_epsgs([37.18, 35.9], [48.28, 48.4]).tolist()
    [32637, 32636]
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    zone = np.clip(np.floor((lon + 180.0) / 6.0).astype(int) + 1, 1, 60)
    return np.where(lat >= 0, 32600, 32700) + zone


def subdivide(geom: BaseGeometry, max_vertices: int = PIECE_VERTICES) -> list[BaseGeometry]:
    """Cut a polygonal geometry into pieces of at most ``max_vertices`` vertices.

    The pieces cover the geometry exactly and overlap only along their edges, so the
    sum of their intersections with a shape equals the intersection with the whole.
    """
    out: list[BaseGeometry] = []
    stack = [(geom, 0)]
    while stack:
        g, depth = stack.pop()
        if g.is_empty:
            continue
        if shapely.get_num_coordinates(g) <= max_vertices or depth >= _MAX_DEPTH:
            out.extend(p for p in _polygons(g))
            continue
        x0, y0, x1, y1 = g.bounds
        if x1 - x0 >= y1 - y0:
            xm = (x0 + x1) / 2
            halves = shapely.box([x0, xm], [y0, y0], [xm, x1], [y1, y1])
        else:
            ym = (y0 + y1) / 2
            halves = shapely.box([x0, x0], [y0, ym], [x1, x1], [ym, y1])
        for half in shapely.intersection(g, halves):
            stack.append((half, depth + 1))
    return out


def _polygons(g: BaseGeometry) -> list[BaseGeometry]:
    """The polygonal parts of a geometry (intersections may add lines and points)."""
    parts = shapely.get_parts(g)
    return [p for p in parts if p.geom_type in ("Polygon", "MultiPolygon") and not p.is_empty]


def to_crs(geoms, epsg: int, source: int = 4326) -> np.ndarray:
    """Geometries (array) reprojected from ``source`` to ``epsg``."""
    return gpd.GeoSeries(list(geoms), crs=source).to_crs(epsg).values


@dataclass
class _Pieces:
    tree: shapely.STRtree
    pieces: np.ndarray


class AssessmentIndex:
    """One assessment's polygons (lon/lat), ready for fast shares and point tests.

    ``shapes`` maps a kind (``occupied``, ``grey_zone``, ...) to a geometry in lon/lat.
    Projected, subdivided pieces are built lazily per UTM zone and kept.
    """

    def __init__(self, shapes: dict[str, BaseGeometry]):
        self.shapes = {
            k: shapely.make_valid(g) for k, g in shapes.items() if g is not None and not g.is_empty
        }
        for g in self.shapes.values():
            shapely.prepare(g)
        self._pieces: dict[tuple[str, int], _Pieces] = {}

    def pieces(self, kind: str, epsg: int) -> _Pieces | None:
        """The kind's polygon projected to ``epsg``, subdivided and indexed."""
        key = (kind, epsg)
        if key not in self._pieces:
            geom = self.shapes.get(kind)
            if geom is None:
                return None
            projected = to_crs([geom], epsg)[0]
            projected = shapely.make_valid(projected)
            arr = np.array(subdivide(projected), dtype=object)
            self._pieces[key] = _Pieces(shapely.STRtree(arr), arr)
        return self._pieces[key]

    def contains(self, kind: str, lon, lat) -> np.ndarray:
        """Whether each point (lon/lat) lies inside the kind's polygon."""
        lon = np.asarray(lon, dtype=float)
        geom = self.shapes.get(kind)
        if geom is None:
            return np.zeros(lon.shape, dtype=bool)
        return shapely.contains_xy(geom, lon, np.asarray(lat, dtype=float))

    def projected_shares(
        self, geoms: np.ndarray, epsg: int, kinds=("occupied", "grey_zone")
    ) -> dict[str, np.ndarray]:
        """Shares of each already-projected geometry (in ``epsg``) covered by each kind."""
        geoms = np.asarray(geoms, dtype=object)
        area = shapely.area(geoms)
        out = {}
        for kind in kinds:
            covered = np.zeros(len(geoms))
            idx = self.pieces(kind, epsg)
            if idx is not None and len(geoms):
                gi, pi = idx.tree.query(geoms, predicate="intersects")
                if len(gi):
                    inter = shapely.area(shapely.intersection(geoms[gi], idx.pieces[pi]))
                    covered = np.bincount(gi, weights=inter, minlength=len(geoms))
            with np.errstate(invalid="ignore", divide="ignore"):
                share = np.where(area > 0, covered / np.where(area > 0, area, 1), np.nan)
            out[kind] = np.clip(share, 0.0, 1.0)
        return out

    def shares(self, geoms, lon=None, lat=None, kinds=("occupied", "grey_zone")) -> pd.DataFrame:
        """Shares of lon/lat geometries covered by each kind, measured in UTM metres.

        Each geometry is measured in the UTM zone of ``lon``/``lat`` (its centre;
        the centroid of the geometry when not given). Returns a frame with one
        ``<kind>_share`` column per kind, in the order of ``geoms``.
        """
        geoms = np.asarray(list(geoms), dtype=object)
        n = len(geoms)
        result = {f"{k}_share": np.full(n, np.nan) for k in kinds}
        valid = np.array([g is not None and not g.is_empty for g in geoms], dtype=bool)
        if n and valid.any():
            if lon is None or lat is None:
                cent = shapely.centroid(geoms[valid])
                lon_v, lat_v = shapely.get_x(cent), shapely.get_y(cent)
            else:
                lon_v = np.asarray(lon, dtype=float)[valid]
                lat_v = np.asarray(lat, dtype=float)[valid]
            positions = np.flatnonzero(valid)
            epsgs = utm_epsgs(lon_v, lat_v)
            for epsg in np.unique(epsgs):
                sel = positions[epsgs == epsg]
                projected = to_crs(geoms[sel], int(epsg))
                got = self.projected_shares(projected, int(epsg), kinds)
                for k in kinds:
                    result[f"{k}_share"][sel] = got[k]
        return pd.DataFrame(result)


def circle_shares(
    index: AssessmentIndex,
    lon: float,
    lat: float,
    radius_m: float,
    *,
    epsg: int | None = None,
    quad_segs: int = 64,
) -> dict:
    """Shares of a circle of ``radius_m`` metres around a point, and the point tests.

    The point is projected to ``epsg`` (its UTM zone by default) and buffered there
    with ``quad_segs`` segments per quarter circle.
    """
    epsg = int(epsg or utm_epsgs([lon], [lat])[0])
    centre = to_crs([shapely.Point(lon, lat)], epsg)[0]
    circle = shapely.buffer(centre, radius_m, quad_segs=quad_segs)
    got = index.projected_shares(np.array([circle], dtype=object), epsg)
    return {
        "occupied_share": float(got["occupied"][0]),
        "grey_share": float(got["grey_zone"][0]),
        "centre_in_occupied": bool(index.contains("occupied", [lon], [lat])[0]),
        "centre_in_grey_zone": bool(index.contains("grey_zone", [lon], [lat])[0]),
        "epsg": epsg,
    }


class IndexCache:
    """A small least-recently-used cache of :class:`AssessmentIndex` by key."""

    def __init__(self, size: int = 16):
        self.size = size
        self._items: OrderedDict = OrderedDict()

    def get(self, key, shapes: dict) -> AssessmentIndex:
        """The index for ``key``, built from ``shapes`` when not cached."""
        if key in self._items:
            self._items.move_to_end(key)
            return self._items[key]
        idx = AssessmentIndex(shapes)
        self._items[key] = idx
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return idx
