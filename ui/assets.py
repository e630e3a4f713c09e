"""Leaflet and the map helpers, served by this Streamlit server, never by a CDN.

Streamlit serves the files of every registered component folder at
``/component/<name>/<file>``. Declaring two asset-only "components" (never rendered)
makes it serve Leaflet straight from the installed xstatic-leaflet package and our own
``conflictmap/static`` folder, with no copy and no configuration. The URLs are relative
to streamlit-folium's frame (``/component/streamlit_folium.st_folium/index.html``),
so they also work under a ``server.baseUrlPath``.
"""

from __future__ import annotations

import streamlit.components.v1 as components

from conflictmap import mapview


def map_assets() -> mapview.MapAssets:
    """Register the asset folders (idempotent) and return their URLs for the map frame."""
    leaflet = components.declare_component("leaflet", path=str(mapview.leaflet_dir()))
    static = components.declare_component("static", path=str(mapview.STATIC_DIR))
    return mapview.MapAssets(leaflet=f"../{leaflet.name}", static=f"../{static.name}")
