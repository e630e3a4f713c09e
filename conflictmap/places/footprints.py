"""Footprints: the approximate built-up area of each place, and its named parts.

By default a footprint is a circle whose radius grows with population (a fourth
root: about 1.2 km for a village of 500, 3.9 km for a town of 60,000, 4.9 km for a
city of 150,000), computed in metres in the place's UTM zone. A part (oriented to true north) a claim may name
is cut from it: a half for north/south/east/west, a quadrant for north-east and the
like, the inner half-radius disc for the centre, and the ring around it for the
outskirts. A user-supplied boundary file (GeoJSON or GeoPackage with a
``geonames_id`` or ``name`` per feature) replaces the circle for the places it
covers; parts are then cut around the boundary's centroid.
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Proj
from shapely import affinity
from shapely.geometry.base import BaseGeometry

from .gazetteer import Gazetteer, UnmappedPlace

PARTS = (
    "north",
    "south",
    "east",
    "west",
    "centre",
    "outskirts",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
)
# Half-planes and quadrants as (xmin, ymin, xmax, ymax) in units of the radius.
_BOXES = {
    "north": (-2, 0, 2, 2),
    "south": (-2, -2, 2, 0),
    "east": (0, -2, 2, 2),
    "west": (-2, -2, 0, 2),
    "northeast": (0, 0, 2, 2),
    "northwest": (-2, 0, 0, 2),
    "southeast": (0, -2, 2, 0),
    "southwest": (-2, -2, 0, 0),
}
BOUNDARIES_ENV = "CONFLICTMAP_BOUNDARIES"


def radius_m(population) -> np.ndarray:
    """Footprint radius in metres for a population (array-friendly).

    >>> [int(r) for r in radius_m([500, 60_000, 150_000])]
    [1182, 3912, 4919]
    """
    pop = np.maximum(np.asarray(population, dtype=float), 1.0)
    return np.maximum(250.0 * pop**0.25, 500.0)


def utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the WGS 84 UTM zone holding a point."""
    zone = int((lon + 180) // 6) + 1
    return (32600 if lat >= 0 else 32700) + zone


def normalise_part(part: str | None) -> str | None:
    """Canonical part name ("northern" -> "north", "center" -> "centre"), or None."""
    if part is None:
        return None
    text = str(part).strip().lower().replace("-", "").replace(" ", "")
    if not text or text in ("none", "nan", "null"):
        return None
    aliases = {
        "northern": "north",
        "southern": "south",
        "eastern": "east",
        "western": "west",
        "center": "centre",
        "central": "centre",
        "citycentre": "centre",
        "outskirt": "outskirts",
        "suburbs": "outskirts",
        "periphery": "outskirts",
        "northeastern": "northeast",
        "northwestern": "northwest",
        "southeastern": "southeast",
        "southwestern": "southwest",
    }
    text = aliases.get(text, text)
    if text not in PARTS:
        raise ValueError(f"unknown part {part!r}; expected one of {', '.join(PARTS)}")
    return text


def _cut(
    shape: BaseGeometry,
    centre: BaseGeometry,
    radius: float,
    part: str | None,
    convergence: float = 0.0,
):
    """Cut a part out of a shape (metres); ``convergence`` turns grid north to true north."""
    if part is None:
        return shape
    if part in _BOXES:
        x0, y0, x1, y1 = _BOXES[part]
        box = shapely.box(
            centre.x + x0 * radius,
            centre.y + y0 * radius,
            centre.x + x1 * radius,
            centre.y + y1 * radius,
        )
        if convergence:
            box = affinity.rotate(box, convergence, origin=centre)
        return shapely.intersection(shape, box)
    inner = shapely.buffer(centre, radius * 0.5, quad_segs=16)
    if part == "centre":
        return shapely.intersection(shape, inner)
    return shapely.difference(shape, inner)  # outskirts


class Footprints:
    """Footprint and part geometries for gazetteer places, cached per (place, part)."""

    def __init__(self, gazetteer: Gazetteer, boundaries: gpd.GeoDataFrame | None = None):
        self.gazetteer = gazetteer
        self._cache: dict[tuple[int, str | None], BaseGeometry] = {}
        self._boundaries: dict[int, BaseGeometry] = {}
        if boundaries is not None:
            self._boundaries = self._match_boundaries(boundaries)

    @classmethod
    def from_env(cls, gazetteer: Gazetteer) -> Footprints:
        """Footprints using the boundary file named by ``CONFLICTMAP_BOUNDARIES``, if set."""
        path = os.environ.get(BOUNDARIES_ENV)
        return cls(gazetteer, read_boundaries(path) if path else None)

    @property
    def covered(self) -> set[int]:
        """Ids of places whose footprint comes from the boundary file."""
        return set(self._boundaries)

    def _match_boundaries(self, gdf: gpd.GeoDataFrame) -> dict[int, BaseGeometry]:
        gdf = gdf.to_crs(4326) if gdf.crs is not None else gdf.set_crs(4326)
        out = {}
        for i, row in gdf.iterrows():
            gid = row.get("geonames_id")
            if gid is None or (isinstance(gid, float) and np.isnan(gid)):
                name = row.get("name")
                if not name:
                    raise ValueError(f"boundary feature {i} has neither geonames_id nor name")
                gid = self.gazetteer.by_name(str(name), str(row.get("oblast") or "")).geonames_id
            gid = int(gid)
            if gid not in self.gazetteer:
                raise ValueError(f"boundary feature {i}: geonames_id {gid} is not in the gazetteer")
            geom = shapely.make_valid(row.geometry)
            out[gid] = shapely.union(out[gid], geom) if gid in out else geom
        return out

    def footprint(self, geonames_id: int) -> BaseGeometry:
        """The place's footprint in lon/lat."""
        return self.shapes([geonames_id], [None])[0]

    def part(self, geonames_id: int, part: str | None) -> BaseGeometry:
        """The named part of the place's footprint in lon/lat (the whole when None)."""
        return self.shapes([geonames_id], [part])[0]

    def shapes(self, ids, parts) -> list[BaseGeometry]:
        """Geometries for pairs of place ids and parts (None = whole), in lon/lat."""
        ids = [int(i) for i in ids]
        parts = [normalise_part(p) for p in parts]
        todo = sorted(
            {(i, p) for i, p in zip(ids, parts) if (i, p) not in self._cache},
            key=lambda item: (item[0], item[1] or ""),
        )
        if todo:
            self._compute(todo)
        return [self._cache[(i, p)] for i, p in zip(ids, parts)]

    def _compute(self, todo: list[tuple[int, str | None]]) -> None:
        by_zone: dict[int, list[tuple[int, str | None]]] = {}
        for gid, part in todo:
            place = self.gazetteer.get(gid)
            if not place.mapped:
                raise UnmappedPlace(place)
            by_zone.setdefault(utm_epsg(place.lon, place.lat), []).append((gid, part))
        for epsg, items in by_zone.items():
            places = [self.gazetteer.get(gid) for gid, _ in items]
            pts = gpd.GeoSeries(
                gpd.points_from_xy([p.lon for p in places], [p.lat for p in places]), crs=4326
            )
            centres = pts.to_crs(epsg).values
            radii = radius_m([p.population for p in places])
            whole = shapely.buffer(centres, radii, quad_segs=16)
            for k, (gid, _) in enumerate(items):
                if gid in self._boundaries:
                    shape = gpd.GeoSeries([self._boundaries[gid]], crs=4326).to_crs(epsg).iloc[0]
                    whole[k] = shape
                    centres[k] = shape.centroid
                    x0, y0, x1, y1 = shape.bounds
                    radii[k] = max(x1 - x0, y1 - y0)
            # True north differs from grid north by the meridian convergence.
            factors = Proj(CRS.from_epsg(epsg)).get_factors(
                [p.lon for p in places], [p.lat for p in places]
            )
            conv = np.asarray(factors.meridian_convergence, dtype=float)
            cut = [
                _cut(whole[k], centres[k], radii[k], part, float(conv[k]))
                for k, (_, part) in enumerate(items)
            ]
            back = gpd.GeoSeries(cut, crs=epsg).to_crs(4326).values
            for (gid, part), geom in zip(items, back):
                self._cache[(gid, part)] = geom


def read_boundaries(path: str | Path) -> gpd.GeoDataFrame:
    """Read a boundary file (GeoJSON or GeoPackage); a clear error if it is unusable."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"boundary file {path} does not exist")
    gdf = gpd.read_file(path)
    if gdf.empty:
        raise ValueError(f"boundary file {path} has no features")
    if not set(gdf.geom_type.dropna()) <= {"Polygon", "MultiPolygon"}:
        raise ValueError(
            f"boundary file {path}: only Polygon and MultiPolygon features are allowed"
        )
    if "geonames_id" not in gdf.columns and "name" not in gdf.columns:
        raise ValueError(f"boundary file {path}: each feature needs a geonames_id or name property")
    return gdf
