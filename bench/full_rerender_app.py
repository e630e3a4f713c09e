"""Baseline for bench/bench_map.py: the same date bar and sidebar, but the whole map is rebuilt and
handed to st_folium on every change (so its frame reloads), the usual way of putting a
folium map in Streamlit. Not part of the app."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from streamlit_folium import st_folium  # noqa: E402

from conflictmap.render import mapview  # noqa: E402
from ui import data  # noqa: E402
from ui.assets import map_assets  # noqa: E402
from ui.sidebar import date_bar, map_sidebar, map_view  # noqa: E402

view = map_view()
date_bar(view.dates)
map_sidebar(view)
center, zoom = data.home_view()
full = mapview.build_map(
    view.layers,
    view.as_of,
    history=data.history(),
    visible=view.visible,
    center=center,
    zoom=zoom,
    assets=map_assets(""),
)
st_folium(full, key="full_map", height=700, use_container_width=True, returned_objects=[])
