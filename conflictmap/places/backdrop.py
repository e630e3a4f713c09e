"""Offline reference geography for static maps: regions and cities from the gazetteer.

Without basemap tiles a map still has to show where things are. The gazetteer
knows, for some 11,000 places, their country and oblast; giving every place the
land nearer to it than to any other place (a Voronoi cell, cut to a radius around
the place) and merging the cells of each oblast yields **approximate** oblast and
country areas, good enough to orient a reader, never to be read as borders. The
reference cities are the largest places in view, skipping city districts and
places too close to a larger one to label legibly.

Everything is computed for one view box (lon/lat) at a time and cached in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import shapely

from .gazetteer import Gazetteer

# A place's cell reaches at most this far (degrees of latitude, about 28 km); beyond
# it there is sea, or too few places to say anything.
CELL_REACH_DEG = 0.25
# Extra margin around the view box whose places are taken into account (degrees).
MARGIN_DEG = 1.5
DISTRICT_WORDS = ("raion", "rayon", "district")


@dataclass(frozen=True)
class Backdrop:
    """Approximate regions (one row per country and oblast) and reference cities."""

    regions: gpd.GeoDataFrame  # columns country, oblast, geometry (lon/lat)
    countries: gpd.GeoDataFrame  # columns country, geometry (lon/lat)
    cities: gpd.GeoDataFrame  # columns name, geonames_id, population, geometry (points, lon/lat)


def _arrays(gazetteer: Gazetteer):
    places = list(gazetteer.mapped())
    lon = np.array([p.lon for p in places])
    lat = np.array([p.lat for p in places])
    return places, lon, lat


@lru_cache(maxsize=8)
def _backdrop(bbox: tuple[float, float, float, float], gazetteer_key: int) -> Backdrop:
    gazetteer = _GAZETTEERS[gazetteer_key]
    places, lon, lat = _arrays(gazetteer)
    x0, y0, x1, y1 = bbox
    inside = (
        (lon >= x0 - MARGIN_DEG)
        & (lon <= x1 + MARGIN_DEG)
        & (lat >= y0 - MARGIN_DEG)
        & (lat <= y1 + MARGIN_DEG)
    )
    idx = np.flatnonzero(inside)
    empty = gpd.GeoDataFrame({"country": [], "oblast": []}, geometry=[], crs=4326)
    if len(idx) < 3:
        return Backdrop(
            empty,
            empty[["country", "geometry"]],
            gpd.GeoDataFrame(
                {"name": [], "geonames_id": [], "population": []}, geometry=[], crs=4326
            ),
        )
    # Work in x = lon * cos(mean lat), y = lat: near enough to equal-distance for a
    # view, so cells and discs are fair; then back to lon/lat.
    cos = float(np.cos(np.radians(np.mean(lat[idx]))))
    pts = shapely.points(lon[idx] * cos, lat[idx])
    frame = shapely.box(
        (x0 - 2 * MARGIN_DEG) * cos,
        y0 - 2 * MARGIN_DEG,
        (x1 + 2 * MARGIN_DEG) * cos,
        y1 + 2 * MARGIN_DEG,
    )
    cells = np.asarray(
        shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=frame))
    )
    hit = shapely.STRtree(cells).query(pts, predicate="within")
    owner = np.full(len(pts), -1)
    owner[hit[0]] = hit[1]
    keep = owner >= 0
    # Cut each cell to a disc around its place, so the sea and empty land stay empty.
    discs = shapely.buffer(pts[keep], CELL_REACH_DEG, quad_segs=4)
    clipped = shapely.intersection(cells[owner[keep]], discs)
    clipped = shapely.transform(clipped, lambda xy: xy / np.array([cos, 1.0]))
    kept = [places[i] for i in idx[keep]]
    gdf = gpd.GeoDataFrame(
        {"country": [p.country for p in kept], "oblast": [p.oblast for p in kept]},
        geometry=clipped,
        crs=4326,
    )
    regions = gdf.dissolve(["country", "oblast"], as_index=False)
    regions["geometry"] = shapely.make_valid(regions.geometry.values)
    countries = regions.dissolve("country", as_index=False)[["country", "geometry"]]
    return Backdrop(
        regions[["country", "oblast", "geometry"]], countries, _cities(places, lon, lat, bbox)
    )


def _cities(places, lon, lat, bbox, limit: int = 14) -> gpd.GeoDataFrame:
    """The largest places in the box, each at least a tenth of the box apart."""
    x0, y0, x1, y1 = bbox
    inside = np.flatnonzero((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1))
    order = inside[np.argsort([-places[i].population for i in inside], kind="stable")]
    spacing = max(x1 - x0, y1 - y0) / 10
    chosen: list[int] = []
    for i in order:
        name = places[i].name.lower()
        if any(word in name for word in DISTRICT_WORDS):
            continue
        if all(
            abs(lon[i] - lon[j]) > spacing or abs(lat[i] - lat[j]) > spacing * 0.7 for j in chosen
        ):
            chosen.append(i)
        if len(chosen) >= limit:
            break
    return gpd.GeoDataFrame(
        {
            "name": [places[i].name for i in chosen],
            "geonames_id": [places[i].geonames_id for i in chosen],
            "population": [places[i].population for i in chosen],
        },
        geometry=shapely.points(lon[chosen], lat[chosen]) if chosen else [],
        crs=4326,
    )


_GAZETTEERS: dict[int, Gazetteer] = {}

# Ukraine, its neighbours and the Black Sea (lon/lat). Its backdrop is worked out once
# (about a second); a view inside it is cut from that one, in a hundredth of the time
# of working out the view's own.
WIDE_BBOX = (18.0, 40.0, 46.0, 56.0)


def backdrop(gazetteer: Gazetteer, bbox) -> Backdrop:
    """The approximate regions and the reference cities for a lon/lat view box.

    A box inside :data:`WIDE_BBOX` gets the regions of that area cut to the box (with
    the margin around it) rather than regions of its own places: a place's cell
    depends only on places within a cell's reach, so the two agree inside the box.
    """
    _GAZETTEERS[id(gazetteer)] = gazetteer
    box = tuple(round(float(v), 2) for v in bbox)
    inside = all(h <= v for h, v in zip(WIDE_BBOX[:2], box[:2])) and all(
        v <= h for h, v in zip(WIDE_BBOX[2:], box[2:])
    )
    if box == WIDE_BBOX or not inside:
        return _backdrop(box, id(gazetteer))
    return _cut(box, id(gazetteer))


@lru_cache(maxsize=8)
def _cut(bbox: tuple[float, float, float, float], gazetteer_key: int) -> Backdrop:
    home = _backdrop(WIDE_BBOX, gazetteer_key)
    x0, y0, x1, y1 = bbox
    frame = shapely.box(x0 - MARGIN_DEG, y0 - MARGIN_DEG, x1 + MARGIN_DEG, y1 + MARGIN_DEG)

    def cut(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        areas = areas[areas.intersects(frame)].copy()
        areas["geometry"] = shapely.intersection(areas.geometry.values, frame)
        return areas[~areas.geometry.is_empty].reset_index(drop=True)

    places, lon, lat = _arrays(_GAZETTEERS[gazetteer_key])
    return Backdrop(cut(home.regions), cut(home.countries), _cities(places, lon, lat, bbox))
