"""Cached loaders: one Workspace per process, layers per (ledger version, date)."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd
import streamlit as st

from conflictmap import mapview
from conflictmap.workspace import Workspace


@st.cache_resource(show_spinner=False)
def workspace() -> Workspace:
    """The process's Workspace (database from ``CONFLICTMAP_DB``, else data/)."""
    return Workspace()


def version() -> tuple:
    """Changes whenever claims are added: the cache key of everything derived."""
    return workspace().ledger.version()


def claim_dates() -> list[date]:
    """Distinct claim dates, oldest first."""
    return workspace().claim_dates()


@st.cache_resource(max_entries=256, show_spinner=False)
def _layers(_version: tuple, as_of: date) -> dict[str, gpd.GeoDataFrame]:
    return workspace().layers(as_of)


def layers_as_of(as_of: date) -> dict[str, gpd.GeoDataFrame]:
    """The control layers as of a date (shared, do not modify in place)."""
    return _layers(version(), as_of)


def history() -> pd.DataFrame:
    """Every claim (the control index's frame), for popups, tables and charts."""
    return workspace().index.frame


@st.cache_resource(max_entries=4, show_spinner=False)
def _home_view(_version: tuple) -> tuple:
    frame = history()
    if not len(frame):
        return mapview.DEFAULT_CENTER, mapview.DEFAULT_ZOOM
    gaz = workspace().gazetteer
    points = [gaz.get(int(pid)) for pid in frame["place_id"].unique()]
    lats, lons = [p.lat for p in points], [p.lon for p in points]
    pad = 0.12
    bounds = [[min(lats) - pad, min(lons) - pad], [max(lats) + pad, max(lons) + pad]]
    return mapview.view_for(bounds, width=900, height=680)


def home_view() -> tuple:
    """(center, zoom) showing every place that has a claim."""
    return _home_view(version())


def has_assessments() -> bool:
    """True when the ledger holds an independent assessment for some date."""
    return bool(workspace().ledger.assessment_dates())
