"""Download buttons under the map: the current date, layers and view in every format.

One ``st.download_button`` per format; each file is made only when its button is
clicked (Streamlit runs the callable then, without a rerun), so showing the buttons
costs nothing. File names carry the date: ``claims-map_2025-12-02.png``.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from conflictmap.ledger import LAYERS
from conflictmap.render import FORMATS, MEDIA_TYPES, View, file_name, render, take_snapshot

LABELS = {
    "html": ("HTML", "One self-contained page with the date slider; opens offline in any browser."),
    "png": ("PNG", "Image for a story or a slide (matplotlib, no browser needed)."),
    "svg": ("SVG", "Vector image for a graphics editor; the text stays text."),
    "pdf": ("PDF", "Vector page for a report or print."),
    "geojson": ("GeoJSON", "The features shown, for QGIS and web maps."),
    "csv": (
        "CSV",
        "One row per feature with place, claim and source; safe to open in a spreadsheet.",
    ),
    "kml": ("KML", "For Google Earth: one folder per layer, claims in the balloons."),
}


def _view(view) -> View | None:
    """A View from None, a View, ((lat, lon), zoom) or {'center':..., 'zoom':...}."""
    if view is None or isinstance(view, View):
        return view
    if isinstance(view, dict):
        center, zoom = view.get("center"), view.get("zoom")
    else:
        center, zoom = view
    if center is None:
        return None
    if isinstance(center, dict):
        center = (center["lat"], center.get("lng", center.get("lon")))
    return View(float(center[0]), float(center[1]), int(round(zoom or 9)))


PAPERS = {"a4": "A4 landscape", "letter": "US Letter landscape"}
W_PAPER = "w_pdf_paper"


def _maker(
    ws, as_of: date, layers: tuple[str, ...], view: View | None, overlay, fmt: str, paper="a4"
):
    def make() -> bytes:
        snap = take_snapshot(ws, as_of, layers, overlay=overlay, view=view, paper=paper)
        return render(snap, fmt)

    return make


def render_downloads(
    ws, as_of: date | None, visible_layers, view=None, *, overlay=None, key: str = "snapshot"
) -> None:
    """Show one download button per snapshot format for this date, layers and view.

    ``visible_layers`` may hold keys other than the claim layers (the assessment):
    they are left out. ``view`` is None (fit the features), a
    :class:`conflictmap.render.snapshot.View`, or ``((lat, lon), zoom)``.
    """
    if as_of is None:
        return
    layers = tuple(name for name in LAYERS if name in set(visible_layers or ()))
    snap_view = _view(view)
    st.markdown(f"**Download this map** as of {as_of.isoformat()}")
    if not layers:
        st.caption("Switch on at least one layer to download the map.")
    paper = st.selectbox("PDF paper", list(PAPERS), format_func=PAPERS.get, key=W_PAPER, width=220)
    cols = st.columns(len(FORMATS))
    for col, fmt in zip(cols, FORMATS):
        label, help_text = LABELS[fmt]
        col.download_button(
            label,
            data=_maker(ws, as_of, layers, snap_view, overlay, fmt, paper),
            file_name=file_name(as_of, fmt),
            mime=MEDIA_TYPES[fmt],
            help=help_text,
            key=f"{key}_{fmt}",
            on_click="ignore",
            disabled=not layers,
            icon=":material/download:",
            use_container_width=True,
        )
    st.caption(
        "Every file carries the date, the legend and the sources. Shapes are "
        "approximate footprints of the places, not front lines."
    )


def render_page_downloads(view, *, overlay=None) -> None:
    """The download buttons for the map page: its workspace, the sidebar's date and
    layers (``view``, a :class:`ui.sidebar.MapView`) and the map's last centre and zoom."""
    from . import data, state

    center = st.session_state.get(state.MAP_CENTER)
    zoom = st.session_state.get(state.MAP_ZOOM)
    render_downloads(
        data.workspace(),
        view.as_of,
        view.visible,
        (center, zoom) if center else None,
        overlay=overlay,
    )
