"""Placing a village on the review page: a settlement the official register knows but
GeoNames gives no coordinates for is placed by clicking the map or typing "lat, lon".

The map shows the oblast's approximate area (derived from the gazetteer, see
:class:`conflictmap.places.OblastAreas`) and the places of the village's hromada (or
raion) that are on the map already, as landmarks. The point must fall inside the
oblast; the placing is stored in the database, for every user of it.

Session-state keys (set here only), per village: ``placing_point_<id>`` (the point
typed or clicked) and ``placing_click_<id>`` (the last click taken into it).
"""

from __future__ import annotations

import re

import folium
import streamlit as st
from streamlit_folium import st_folium

from conflictmap.ledger import NotAllowed, PlacementRejected
from conflictmap.places import TOLERANCE_KM, OblastAreas, Place
from conflictmap.render import mapview
from ui.assets import map_assets
from ui.markdown import plain

_POINT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?)\s*$")
MAX_LANDMARKS = 80


def unmapped_places(extraction, gazetteer) -> list[Place]:
    """Places the report names that the register knows but nobody has placed yet."""
    seen: dict[int, Place] = {}
    for m in extraction.mentions:
        if m.identified is None:
            continue
        p = gazetteer.get(m.identified.geonames_id)
        if not p.mapped:
            seen[p.geonames_id] = p
    return sorted(seen.values(), key=lambda p: p.name)


def parse_point(text: str) -> tuple[float, float]:
    """(lat, lon) from "48.03, 37.30"; ValueError with a message otherwise."""
    m = _POINT.match(text or "")
    if not m:
        raise ValueError(
            f"point: {text!r} is not “latitude, longitude” (for example 48.0337, 37.3021)"
        )
    return float(m.group(1)), float(m.group(2))


def landmarks(place: Place, gazetteer) -> list[Place]:
    """Mapped places of the village's hromada, else of its raion (a few dozen at most)."""
    same = [
        p
        for p in gazetteer.mapped()
        if p.oblast == place.oblast and p.hromada and p.hromada == place.hromada
    ]
    if len(same) < 3:
        same = [
            p
            for p in gazetteer.mapped()
            if p.oblast == place.oblast and p.raion and p.raion == place.raion
        ]
    same.sort(key=lambda p: -p.population)
    return same[:MAX_LANDMARKS]


def placing_map(place: Place, gazetteer, areas: OblastAreas, point=None) -> folium.Map:
    """The oblast's approximate area, the landmarks (named) and the chosen ``point``
    (lat, lon), on a map without tiles."""
    outline = areas.outline(place.oblast)
    marks = landmarks(place, gazetteer)
    centre = outline.centroid
    m = mapview.offline_map(center=(centre.y, centre.x), zoom=8, assets=map_assets(""))
    folium.GeoJson(
        outline.__geo_interface__,
        name=mapview.tooltip_text(f"{place.oblast} oblast (approximate)"),
        style_function=lambda _: {
            "color": "#0072B2",
            "weight": 2,
            "fillColor": "#56B4E9",
            "fillOpacity": 0.08,
        },
        tooltip=mapview.tooltip_text(f"{place.oblast} oblast (approximate)"),
    ).add_to(m)
    for p in marks:
        folium.CircleMarker(
            [p.lat, p.lon],
            radius=4,
            color="#333333",
            fill=True,
            fill_opacity=0.9,
            tooltip=folium.Tooltip(mapview.tooltip_text(p.name), permanent=len(marks) <= 25),
        ).add_to(m)
    if point is not None:
        folium.CircleMarker(
            list(point),
            radius=7,
            color="#D55E00",
            weight=3,
            fill=True,
            fill_opacity=0.6,
            tooltip=mapview.tooltip_text(f"{place.name}?"),
        ).add_to(m)
    if marks:
        lats, lons = [p.lat for p in marks], [p.lon for p in marks]
        m.fit_bounds([[min(lats) - 0.12, min(lons) - 0.12], [max(lats) + 0.12, max(lons) + 0.12]])
    else:
        x0, y0, x1, y1 = outline.bounds
        m.fit_bounds([[y0, x0], [y1, x1]])
    return m


def place_form(place: Place, ws, author: str) -> None:
    """The placing widgets for one village: map, point and the button; the placing is
    stored as ``author``'s. The review table is left as the reviewer edited it: its
    claims about the village are drawn once they are added."""
    key = str(place.geonames_id)
    point_key, click_key = f"placing_point_{key}", f"placing_click_{key}"
    st.markdown(
        f"**{plain(place.name)}** ({plain(place.identity)}) is a settlement of the "
        f"official register that is not on the map yet: no claim about it can be "
        f"drawn until it is placed. Click where it lies (the dots are places "
        f"of its hromada or raion already on the map), or type its latitude and "
        f"longitude. The point must be inside {plain(place.oblast)} oblast "
        f"(approximate area, {TOLERANCE_KM:.0f} km of tolerance at its edges)."
    )
    areas = OblastAreas.for_gazetteer(ws.ledger.base_gazetteer)
    try:
        chosen = parse_point(st.session_state.get(point_key, ""))
    except ValueError:
        chosen = None
    out = st_folium(
        placing_map(place, ws.gazetteer, areas, chosen),
        key=f"placing_map_{key}",
        height=380,
        use_container_width=True,
        returned_objects=["last_clicked"],
    )
    clicked = (out or {}).get("last_clicked")
    if clicked and clicked != st.session_state.get(click_key):
        st.session_state[click_key] = clicked
        st.session_state[point_key] = f"{clicked['lat']:.5f}, {clicked['lng']:.5f}"
    c1, c3 = st.columns([3, 1])
    point = c1.text_input(
        "Point (latitude, longitude)", key=point_key, placeholder="48.0337, 37.3021"
    )
    c3.write("")
    if c3.button(f"Place {plain(place.name)}", key=f"placing_go_{key}", type="primary"):
        try:
            lat, lon = parse_point(point)
            placed = ws.ledger.place(place.geonames_id, lat, lon, author=author)
        except (ValueError, PlacementRejected, NotAllowed) as exc:
            st.error(plain(str(exc)))
        else:
            st.success(
                f"Placed {plain(placed.name)} at {placed.lat:.5f}, {placed.lon:.5f} for every "
                f"user of this database; its claims are drawn on the map once added."
            )
