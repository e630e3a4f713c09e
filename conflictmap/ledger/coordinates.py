"""Coordinates that can be used: finite longitudes and latitudes on the globe.

Imported files carry geometry as GeoJSON; a coordinate of ``1e308``, ``NaN``,
``Infinity`` or a longitude of 500 cannot be drawn, measured or projected, and one
such value in a stored record would break every page that draws it. The checks here
find the first bad coordinate and say where it is, so that imports can refuse it by
name, and readers of stored geometry can leave an unusable record out.
"""

from __future__ import annotations

import math

import numpy as np
import shapely

MAX_DEPTH = 6  # GeometryCollection > MultiPolygon > polygon > ring > point > number


def coordinate_problem(geometry) -> str | None:
    """What is wrong with a GeoJSON geometry mapping's coordinates, or None.

    >>> coordinate_problem({"type": "Point", "coordinates": [37.2, 48.3]}) is None
    True
    >>> coordinate_problem({"type": "Point", "coordinates": [500, 48.3]})
    'coordinates[0]: longitude 500 is outside -180..180'
    >>> coordinate_problem({"type": "Point", "coordinates": [37.2, float("nan")]})
    'coordinates[1]: latitude nan is not a finite number'
    """
    if geometry is None:
        return None
    if not isinstance(geometry, dict):
        return "geometry: not a GeoJSON geometry object"
    if geometry.get("type") == "GeometryCollection":
        parts = geometry.get("geometries")
        if not isinstance(parts, list):
            return "geometries: not a list"
        for i, part in enumerate(parts):
            why = coordinate_problem(part)
            if why:
                return f"geometries[{i}].{why}"
        return None
    if "coordinates" not in geometry:
        return "coordinates: missing"
    return _positions(geometry["coordinates"], "coordinates", 0)


def _positions(value, where: str, depth: int) -> str | None:
    if depth > MAX_DEPTH:
        return f"{where}: nested too deeply"
    if not isinstance(value, list):
        return f"{where}: not a list of coordinates"
    if value and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return _position(value, where)
    for i, item in enumerate(value):
        why = _positions(item, f"{where}[{i}]", depth + 1)
        if why:
            return why
    return None


def _position(position: list, where: str) -> str | None:
    if len(position) < 2:
        return f"{where}: a position needs a longitude and a latitude"
    for i, (name, limit) in enumerate((("longitude", 180), ("latitude", 90))):
        v = float(position[i])
        if not math.isfinite(v):
            return f"{where}[{i}]: {name} {v} is not a finite number"
        if abs(v) > limit:
            return f"{where}[{i}]: {name} {position[i]:g} is outside -{limit}..{limit}"
    for j, v in enumerate(position[2:], start=2):
        if not math.isfinite(float(v)):
            return f"{where}[{j}]: {v} is not a finite number"
    return None


def geometry_problem(geom) -> str | None:
    """What makes a shapely geometry unusable (non-finite or off-globe coordinates)."""
    if geom is None:
        return "no geometry"
    if geom.is_empty:
        return None
    xy = shapely.get_coordinates(geom)
    if not np.isfinite(xy).all():
        return "a coordinate is not a finite number"
    if (np.abs(xy[:, 0]) > 180).any() or (np.abs(xy[:, 1]) > 90).any():
        return "a coordinate is outside the globe"
    return None
