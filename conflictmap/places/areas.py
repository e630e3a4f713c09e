"""Approximate oblast areas, for checking that a point given for a village lies in its oblast.

No package with Ukraine's administrative boundaries can be had offline here, so the
areas are derived from the gazetteer: every mapped Ukrainian place gets the land
nearer to it than to any other (a Voronoi cell, cut to CELL_REACH_KM around it), and
the cells of each oblast are merged. Near a border the nearest place may lie across
it, so a point counts as inside an oblast when it lies within TOLERANCE_KM of that
oblast's area. Good enough to refuse a village put in the wrong oblast (Novoselydivka
near Kyiv), never to be read as a border.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np
import shapely

from .gazetteer import HOME_COUNTRY, Gazetteer, Place

CELL_REACH_KM = 30.0
TOLERANCE_KM = 10.0
KM_PER_DEG = 111.2


@dataclass(frozen=True)
class PlacementCheck:
    """Whether a point may stand for a place: ``ok``, else the ``message`` saying why not."""

    ok: bool
    message: str = ""


class OblastAreas:
    """Approximate oblast areas in a local equal-distance projection (km)."""

    _cache: dict[int, tuple[Gazetteer, OblastAreas]] = {}
    _lock = threading.Lock()

    def __init__(self, gazetteer: Gazetteer):
        places = [p for p in gazetteer.mapped() if p.country == HOME_COUNTRY and p.oblast]
        self._lat0 = float(np.mean([p.lat for p in places]))
        xy = np.array([self._xy(p.lat, p.lon) for p in places])
        cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(xy), extend_to=None))
        points = shapely.points(xy)
        tree = shapely.STRtree(points)
        owner = {}
        for cell in cells:
            hit = tree.query(cell, predicate="contains")
            if len(hit):
                owner[int(hit[0])] = cell
        by_oblast: dict[str, list] = {}
        for i, p in enumerate(places):
            cell = owner.get(i)
            reach = shapely.buffer(points[i], CELL_REACH_KM)
            shape = shapely.intersection(cell, reach) if cell is not None else reach
            by_oblast.setdefault(p.oblast, []).append(shape)
        self.areas = {o: shapely.union_all(shapes) for o, shapes in by_oblast.items()}
        self.ukraine = shapely.union_all(list(self.areas.values()))

    @classmethod
    def for_gazetteer(cls, gazetteer: Gazetteer) -> OblastAreas:
        """Built once per gazetteer (a second or two), then shared."""
        with cls._lock:
            # The gazetteer is kept with its areas, so its id cannot be taken by another.
            held = cls._cache.get(id(gazetteer))
            if held is None or held[0] is not gazetteer:
                held = cls._cache[id(gazetteer)] = (gazetteer, cls(gazetteer))
            return held[1]

    def _xy(self, lat: float, lon: float) -> tuple[float, float]:
        return (lon * KM_PER_DEG * math.cos(math.radians(self._lat0)), lat * KM_PER_DEG)

    def distance_km(self, oblast: str, lat: float, lon: float) -> float:
        """How far the point lies outside the oblast's area (0 inside; inf if unknown)."""
        area = self.areas.get(oblast)
        if area is None:
            return math.inf
        return float(shapely.distance(area, shapely.Point(self._xy(lat, lon))))

    def oblast_at(self, lat: float, lon: float) -> str | None:
        """The oblast whose area holds the point, or None (outside every area)."""
        pt = shapely.Point(self._xy(lat, lon))
        for oblast, area in self.areas.items():
            if area.contains(pt):
                return oblast
        return None

    def outline(self, oblast: str, tolerance_km: float = 2.0):
        """The oblast's approximate area in lon/lat (for drawing), simplified."""
        area = self.areas[oblast].simplify(tolerance_km)
        k = KM_PER_DEG * math.cos(math.radians(self._lat0))
        return shapely.transform(
            area, lambda c: np.column_stack([c[:, 0] / k, c[:, 1] / KM_PER_DEG])
        )

    def check(self, place: Place, lat: float, lon: float) -> PlacementCheck:
        """May (lat, lon) stand for ``place``? Inside its oblast, with TOLERANCE_KM."""
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return PlacementCheck(False, f"{lat}, {lon} is not a latitude and longitude")
        off = self.distance_km(place.oblast, lat, lon)
        if off <= TOLERANCE_KM:
            return PlacementCheck(True)
        there = self.oblast_at(lat, lon)
        where = f"in {there} oblast" if there else "outside Ukraine"
        return PlacementCheck(
            False,
            f"{place.name} lies in {place.oblast} oblast; the point {lat:.5f}, {lon:.5f} "
            f"is {where}, about {off:.0f} km from it. Not placed.",
        )
