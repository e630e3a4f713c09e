"""The live map: built once, then updated in place when the date or the layers change.

streamlit-folium remounts its frame whenever the map's own script changes. So the map
passed to ``st_folium`` is only the static part (:func:`conflictmap.render.mapview.base_map`:
identical for every date), and everything that depends on the date or the layers goes
through ``feature_group_to_add``, which the frame swaps in place: no reload, zoom and
pan kept. The map's layer control is made once by the map's script and follows.

Switching a layer in the map's own control comes back through ``selected_layers``
(see ``static/conflictmap.js``) and updates the sidebar; the sidebar's checkboxes
update the map. The view the map reports is kept in ``map_center``/``map_zoom``. The
ledger's shapes and places reach the browser once, as a cached script (see
``ui/assets.py``), and each place's claims when its popup first opens; each date then
only sends which shapes to draw and how.

The map's own date control (in its frame, see ``CM.dayFiles``) draws a day from a file
written ahead (``ui/day_files.py``) and reports the day through ``selected_layers``
(``conflictmap-date:`` items): the page then takes that day, and the frame leaves the
rerun's drawing of a day it already shows.
"""

from __future__ import annotations

import functools
from datetime import date

import streamlit as st
from streamlit_folium import st_folium

from conflictmap.assessment import AssessmentOverlay
from conflictmap.render import ASSESSMENT, mapview
from ui.assets import map_assets
from ui.sidebar import MapView, day_range

from . import data, day_files, state

MAP_KEY = "claims_map"
MAP_HEIGHT = 700
RETURNED = ["center", "zoom", "selected_layers"]
SHOWN_KEYS = "live_map_keys"  # the layer keys the map's control offered last time
MOUNTED = "live_map_mounted"  # the component key the map was last drawn under
FRAME_DAY = "live_map_frame_day"  # the last date choice of the map's own control seen
FRAME_DAY_URL = "conflictmap-date:"  # how the map's frame reports its date control


def _on_map_change(key: str = MAP_KEY) -> None:
    """Keep the view, and follow the user's switching in the map's layer control."""
    value = st.session_state.get(key) or {}
    center, zoom = value.get("center"), value.get("zoom")
    if center:
        st.session_state[state.MAP_CENTER] = (center["lat"], center["lng"])
    if zoom:
        st.session_state[state.MAP_ZOOM] = zoom
    for item in value.get("selected_layers") or []:
        url = str(item.get("url", ""))
        if url.startswith(FRAME_DAY_URL):
            _follow_frame_day(item)
        elif url.startswith("conflictmap:"):
            on = {x for x in str(item.get("name", "")).split(",") if x}
            offered = st.session_state.get(SHOWN_KEYS, set())
            state.set_visible((state.visible() - offered) | on)


def _follow_frame_day(item: dict) -> None:
    """The map's own date control chose a day (each choice has a URL of its own, and a
    choice is followed once): the page takes that day, if it is one the map offers."""
    url = str(item.get("url", ""))
    if url == st.session_state.get(FRAME_DAY):
        return
    st.session_state[FRAME_DAY] = url
    try:
        day = date.fromisoformat(str(item.get("name", "")))
    except ValueError:
        return
    dates = data.claim_dates()
    if dates:
        first, last = day_range(dates, state.as_of())
        if first <= day <= last:
            state.set_as_of(day)


def day_maker(ws, dates: list[date], visible: frozenset, known: frozenset, with_assessment: bool):
    """``make(day)``: the text of a day's file, drawn as this page draws that day (its
    layers, the note on since when its claims stand, no assessment: with the assessment
    on, no day files are used)."""

    def make(day: date) -> str:
        since = data.since_in(dates, day)
        layers = ws.layers(since or day)
        groups = mapview.feature_groups(
            layers,
            day,
            visible=visible,
            known=known,
            notes=[mapview.since_note(day, since, dates[0]), ""],
            assessment_slot=with_assessment,
        )
        return mapview.day_file_text(mapview.group_calls(groups), day)

    return make


# The map's frame has its height from the start: streamlit-folium sets it only once the
# map is drawn, and a map drawn into a frame of no height is drawn a second time when the
# frame grows (every shape, about 0.1 s on the whole front). On a phone the map fills
# the screen below the date bar (the iframe's own height is fixed in pixels); the main
# column's padding shrinks so the date bar stays on screen.
FRAME_CSS = (
    """<style>
iframe[title="streamlit_folium.st_folium"] { height: %dpx; }
@media (max-width: 640px) {
  iframe[title="streamlit_folium.st_folium"] {
    height: max(340px, calc(100svh - 270px)) !important;
  }
  [data-testid="stMainBlockContainer"] { padding: 3.6rem 0.8rem 1rem 0.8rem; }
}
</style>"""
    % MAP_HEIGHT
)


def notes_for(view: MapView, overlay: AssessmentOverlay | None) -> dict[str, str]:
    """What the caption and the sidebar say under the date and the assessment:
    ``{"date": ..., "assessment": ...}`` (empty strings when nothing needs saying)."""
    first = view.dates[0] if view.dates else None
    out = {"date": mapview.since_note(view.as_of, view.since, first), "assessment": ""}
    if ASSESSMENT in view.visible and data.has_assessments():
        out["assessment"] = mapview.assessment_note(overlay, data.first_assessment())
    return out


def _focus_payload(focus: tuple | None) -> dict | None:
    if not focus or len(focus) < 4:
        return None
    place = data.workspace_gazetteer().get(focus[3])
    seq = st.session_state.get("focus_seq", 0) + 1
    st.session_state["focus_seq"] = seq
    return {"seq": seq, "pid": str(focus[3]), "zoom": focus[2], "place": mapview.place_entry(place)}


def show_map(
    view: MapView,
    *,
    layers=None,
    overlay: AssessmentOverlay | None = None,
    notes: dict[str, str] | None = None,
):
    """Draw the map for the controls' view (``layers`` replaces ``view.layers``, e.g.
    annotated by the assessment; ``overlay`` is drawn under the claims; ``notes`` from
    :func:`notes_for` go under the caption)."""
    if view.as_of is None:
        st.info("The ledger holds no claims yet, so there is nothing to map.")
        return None
    layers = view.layers if layers is None else layers
    notes = notes if notes is not None else notes_for(view, overlay)
    bank_text, known, shards = data.bank()
    data.prepare_map(known, view.visible)  # the newest dates' payloads, ahead of the slider
    focus = state.take_focus()
    flight = _focus_payload(focus)
    groups = mapview.feature_groups(
        layers,
        view.as_of,
        visible=view.visible,
        overlay=overlay,
        known=known,
        notes=[notes.get("date", ""), notes.get("assessment", "")],
        assessment_slot=data.has_assessments(),
        focus=flight,
    )
    st.session_state[SHOWN_KEYS] = set(mapview.layer_keys(groups).values())
    home = state.home()
    center, zoom = (home[:2], home[2]) if home else data.home_view()
    assets = map_assets(bank_text, shards)
    first, last = day_range(view.dates, view.as_of)
    prefix = None
    if ASSESSMENT not in view.visible:  # with it, each day's notes and layers differ
        parts = (data.version(), sorted(view.visible), assets.scripts, data.has_assessments())
        prefix = day_files.prefix_for(*parts)
    days = {
        "id": mapview.calls_id(mapview.group_calls(groups)),
        "day": view.as_of.isoformat(),
        "first": first.isoformat(),
        "last": last.isoformat(),
        "prefix": prefix,
        "ack": st.session_state.get(FRAME_DAY, ""),
    }
    base = mapview.base_map(
        center=center,
        zoom=zoom,
        assets=assets,
        with_assessment=data.has_assessments(),
        share=True,
    )
    # A new ledger version brings a new bank (a new script file): the frame must load it,
    # so the component gets a key of its own per version, and a remounted map keeps the
    # view the user had.
    key = MAP_KEY + "_" + "_".join(map(str, data.version()))
    remounted = st.session_state.get(MOUNTED) not in (None, key)
    st.session_state[MOUNTED] = key
    if focus is None and remounted and st.session_state.get(state.MAP_CENTER):
        focus = (*st.session_state[state.MAP_CENTER], st.session_state.get(state.MAP_ZOOM))
    st.html(FRAME_CSS)
    moved = focus if focus and flight is None else None  # a place flies in the map itself
    shown = st_folium(
        base,
        key=key,
        height=MAP_HEIGHT,
        use_container_width=True,
        returned_objects=RETURNED,
        feature_group_to_add=[mapview.day_group(days), *groups],
        center=moved[:2] if moved else None,
        zoom=moved[2] if moved else None,
        on_change=functools.partial(_on_map_change, key),
    )
    data.map_sent()  # the background warming may start now
    if prefix is not None:  # the days around this one, for the map's own date control
        make = day_maker(data.workspace(), view.dates, view.visible, known, data.has_assessments())
        day_files.request(prefix, view.as_of, first, last, make)
    return shown
