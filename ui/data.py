"""Cached loaders: one Workspace per process (it keeps the layers per ledger version and
date), its layers warmed for the newest claim dates in the background; the bank of the
ledger for the live map (its shapes and places; the claims for the popups in shards
fetched when a popup opens)."""

from __future__ import annotations

import bisect
import threading
from datetime import date

import geopandas as gpd
import pandas as pd
import streamlit as st

from conflictmap.render import ASSESSMENT, mapview
from conflictmap.workspace import LAYER_CACHE_DATES, Workspace

_LOCK = threading.Lock()
_WARMING: set[tuple] = set()


def use_app_navigation() -> None:
    """Make sure the page runs inside app.py's navigation.

    Opened by its own URL (``/claims``) as the first page a fresh server sees, Streamlit
    runs a page in its old ``pages/`` directory mode, without app.py (no page titles,
    no wide layout). Switch that mode off and rerun: app.py then runs and shows the
    same page. (Streamlit switches it off itself once app.py has called st.navigation.)
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner_utils.script_run_context import (
        RunLocation,
        ThreadState,
    )

    if PagesManager.uses_pages_directory and ThreadState.get().run_location != RunLocation.CALLBACK:
        PagesManager.uses_pages_directory = False
        st.rerun()


_CURRENT: list[Workspace] = []  # the Workspace the cache holds now (background work's)


@st.cache_resource(show_spinner=False)
def _workspace() -> Workspace:
    ws = Workspace()
    _CURRENT[:] = [ws]
    return ws


def workspace() -> Workspace:
    """The process's Workspace (database from ``CONFLICTMAP_DB``, else data/)."""
    use_app_navigation()
    return _workspace()


def workspace_gazetteer():
    """The gazetteer of the process's Workspace (place search)."""
    return _workspace().gazetteer


def version() -> tuple:
    """Changes whenever claims are added: the cache key of everything derived."""
    return _workspace().ledger.version()


def revision() -> int:
    """The ledger's revision (grows with every write, from any process): cheap to poll."""
    return _workspace().ledger.revision()


def claim_dates() -> list[date]:
    """Distinct claim dates, oldest first."""
    return _workspace().claim_dates()


# Background work waits until a map has been sent (or this long): on a new server it
# would otherwise compete with the first page for the interpreter, and on the whole
# front that page took half a minute instead of fifteen seconds.
_MAP_SENT = threading.Event()
_WAIT_FOR_MAP_S = 30.0


def map_sent() -> None:
    """Say that a page has sent its map: the background warming may start, and (once a
    process) the static renderer is loaded, so the first PNG, SVG or PDF download does
    not wait for matplotlib and its fonts."""
    _MAP_SENT.set()
    with _LOCK:
        if _STATIC_WARMED:
            return
        _STATIC_WARMED.append(True)
    threading.Thread(target=_warm_static, daemon=True, name="conflictmap-warm-static").start()


_STATIC_WARMED: list[bool] = []


def _warm_static() -> None:
    from conflictmap.render import static

    static.warm_up()


def _newest(ws: Workspace, ver: tuple, dates: list[date]):
    """The newest claim dates (as many as the layer cache holds half of), newest first,
    while ``ws`` is the cached Workspace and its ledger stays at version ``ver``: work
    for a Workspace the cache let go, or for an older version, stops. Starts once a
    map has been sent (:func:`map_sent`)."""
    _MAP_SENT.wait(_WAIT_FOR_MAP_S)
    for day in list(reversed(dates))[: LAYER_CACHE_DATES // 2]:
        if ws not in _CURRENT or ws.ledger.version() != ver:
            return
        yield day


def _warm(ws: Workspace, ver: tuple, dates: list[date]) -> None:
    for day in _newest(ws, ver, dates):
        ws.layers(day)


_PREPARED: set[tuple] = set()


def _prepare(ws: Workspace, ver: tuple, dates: list[date], known: frozenset, visible) -> None:
    for day in _newest(ws, ver, dates):
        mapview.prepare(ws.layers(day), day, known=known, visible=visible, notes=("", ""))


def prepare_map(known: frozenset, visible: frozenset) -> None:
    """Start (once per ledger version and set of layers) a background thread that works
    out the live map's per-date payloads for the newest claim dates, so that moving the
    slider over them only sends what is ready (see ``mapview.prepare``). Not with the
    assessment on: its notes and annotated layers differ for every date."""
    if ASSESSMENT in visible:
        return
    ws, ver = _workspace(), version()
    key = (id(ws), ver, visible)
    with _LOCK:
        if key in _PREPARED:
            return
        _PREPARED.add(key)
    threading.Thread(
        target=_prepare,
        args=(ws, ver, claim_dates(), known, visible),
        daemon=True,
        name="conflictmap-prepare-map",
    ).start()


def in_force_since(day: date) -> date | None:
    """The latest claim date on or before ``day`` (the claims in force on ``day`` are
    those of that date), or None when no claim was made before ``day``."""
    return since_in(claim_dates(), day)


def since_in(dates: list[date], day: date) -> date | None:
    """The latest of ``dates`` (oldest first) on or before ``day``, or None.

    >>> since_in([date(2025, 7, 31), date(2025, 12, 1)], date(2025, 11, 25))
    datetime.date(2025, 7, 31)
    """
    i = bisect.bisect_right(dates, day)
    return dates[i - 1] if i else None


def layers_as_of(as_of: date) -> dict[str, gpd.GeoDataFrame]:
    """The control layers as of any day (shared, do not modify in place): those of the
    latest claim date on or before it, the same claims being in force.

    The first call for a ledger version starts a background thread that computes the
    layers of every claim date, so moving the slider finds them ready.
    """
    as_of = in_force_since(as_of) or as_of
    ws, ver = _workspace(), version()
    key = (id(ws), ver)
    with _LOCK:
        start = key not in _WARMING
        _WARMING.add(key)
    if start:
        threading.Thread(
            target=_warm, args=(ws, ver, claim_dates()), daemon=True, name="conflictmap-warm-layers"
        ).start()
    return ws.layers(as_of)


def history() -> pd.DataFrame:
    """Every claim (the control index's frame), for tables and charts."""
    return _workspace().index.frame


@st.cache_resource(max_entries=2, show_spinner=False)
def _bank(ver: tuple) -> tuple[str, frozenset, tuple[str, ...]]:
    return mapview.live_bank(_workspace())


def bank() -> tuple[str, frozenset, tuple[str, ...]]:
    """The ledger's bank for the live map: (script text of its shapes and places, the
    shape keys it holds, the popups' claims in shards: see ``mapview.claim_shards``)."""
    return _bank(version())


@st.cache_resource(max_entries=4, show_spinner=False)
def _home_view(ver: tuple) -> tuple:
    frame = history()
    if not len(frame):
        return mapview.DEFAULT_CENTER, mapview.DEFAULT_ZOOM
    gaz = _workspace().gazetteer
    points = [gaz.get(int(pid)) for pid in frame["place_id"].unique()]
    lats, lons = [p.lat for p in points], [p.lon for p in points]
    pad = 0.12
    # More room east and south: the legend sits in the bottom-right corner, over the
    # Russian side of the border where no place is claimed.
    east = max(lons) + pad + 0.3 * (max(lons) - min(lons))
    south = min(lats) - pad - 0.2 * (max(lats) - min(lats))
    bounds = [[south, min(lons) - pad], [max(lats) + pad, east]]
    return mapview.view_for(bounds, width=900, height=680)


def home_view() -> tuple:
    """(center, zoom) showing every place that has a claim."""
    return _home_view(version())


def first_assessment() -> date | None:
    """The date of the first stored independent assessment, or None."""
    dates = _workspace().ledger.assessment_dates()
    return dates[0] if dates else None


def has_assessments() -> bool:
    """True when the ledger holds an independent assessment for some date."""
    return bool(_workspace().ledger.assessment_dates())
