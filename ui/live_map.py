"""The live map: built once, then updated in place when the date or the layers change.

streamlit-folium remounts its frame whenever the map's own script changes. So the map
passed to ``st_folium`` is only the static part (:func:`conflictmap.render.mapview.base_map`:
identical for every date), and everything that depends on the date or the layers goes
through ``feature_group_to_add``, which the frame swaps in place: no reload, zoom and
pan kept. The map's layer control is made once by the map's script and follows.

Switching a layer in the map's own control comes back through ``selected_layers``
(see ``static/conflictmap.js``) and updates the sidebar; the sidebar's checkboxes
update the map. The view the map reports is kept in ``map_center``/``map_zoom``. The
ledger's shapes, places and claims reach the browser once, as a cached script (see
``ui/assets.py``); each date then only sends which shapes to draw and how.
"""

from __future__ import annotations

import functools

import streamlit as st
from streamlit_folium import st_folium

from conflictmap.assessment import AssessmentOverlay
from conflictmap.render import mapview
from ui.assets import map_assets
from ui.sidebar import MapView

from . import data, state

MAP_KEY = "claims_map"
MAP_HEIGHT = 700
RETURNED = ["center", "zoom", "selected_layers"]
SHOWN_KEYS = "live_map_keys"  # the layer keys the map's control offered last time
MOUNTED = "live_map_mounted"  # the component key the map was last drawn under


def _on_map_change(key: str = MAP_KEY) -> None:
    """Keep the view, and follow the user's switching in the map's layer control."""
    value = st.session_state.get(key) or {}
    center, zoom = value.get("center"), value.get("zoom")
    if center:
        st.session_state[state.MAP_CENTER] = (center["lat"], center["lng"])
    if zoom:
        st.session_state[state.MAP_ZOOM] = zoom
    for item in value.get("selected_layers") or []:
        if str(item.get("url", "")).startswith("conflictmap:"):
            on = {x for x in str(item.get("name", "")).split(",") if x}
            offered = st.session_state.get(SHOWN_KEYS, set())
            state.set_visible((state.visible() - offered) | on)


def show_map(view: MapView, *, layers=None, overlay: AssessmentOverlay | None = None):
    """Draw the map for the sidebar's view (``layers`` replaces ``view.layers``, e.g.
    annotated by the assessment; ``overlay`` is drawn under the claims)."""
    if view.as_of is None:
        st.info("The ledger holds no claims yet, so there is nothing to map.")
        return None
    layers = view.layers if layers is None else layers
    bank_text, known = data.bank()
    groups = mapview.feature_groups(
        layers, view.as_of, visible=view.visible, overlay=overlay, known=known
    )
    st.session_state[SHOWN_KEYS] = set(mapview.layer_keys(groups).values())
    center, zoom = data.home_view()
    base = mapview.base_map(
        center=center,
        zoom=zoom,
        assets=map_assets(bank_text),
        with_assessment=data.has_assessments(),
    )
    focus = state.take_focus()
    # A new ledger version brings a new bank (a new script file): the frame must load it,
    # so the component gets a key of its own per version, and a remounted map keeps the
    # view the user had.
    key = f"{MAP_KEY}_{data.version()[1]}"
    remounted = st.session_state.get(MOUNTED) not in (None, key)
    st.session_state[MOUNTED] = key
    if focus is None and remounted and st.session_state.get(state.MAP_CENTER):
        focus = (*st.session_state[state.MAP_CENTER], st.session_state.get(state.MAP_ZOOM))
    return st_folium(
        base,
        key=key,
        height=MAP_HEIGHT,
        use_container_width=True,
        returned_objects=RETURNED,
        feature_group_to_add=groups,
        center=focus[:2] if focus else None,
        zoom=focus[2] if focus else None,
        on_change=functools.partial(_on_map_change, key),
    )
