"""Leaflet, the map helpers and the ledger's bank, served by this Streamlit server,
never by a CDN.

Streamlit serves the files of every registered component folder at
``/component/<name>/<file>``. Declaring asset-only "components" (never rendered) makes
it serve Leaflet straight from the installed xstatic-leaflet package, our own
``conflictmap/static`` folder, and the bank files written to a cache folder, with no
copy and no configuration. The URLs are relative to streamlit-folium's frame
(``/component/streamlit_folium.st_folium/index.html``), so they also work under a
``server.baseUrlPath``.

The bank (every shape, place and claim of the ledger, see
:func:`conflictmap.mapview.claims_bank`) is a script named after its content's hash:
the browser fetches it once per ledger version and keeps it in its cache.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import streamlit.components.v1 as components

from conflictmap import mapview

CACHE_DIR = Path(tempfile.gettempdir()) / "conflictmap-mapcache"


def bank_file(text: str) -> Path:
    """Write the bank script (once per content) and return its path."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    path = CACHE_DIR / f"bank-{hashlib.sha1(text.encode()).hexdigest()[:16]}.js"
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return path


def map_assets(bank_text: str | None = None) -> mapview.MapAssets:
    """Register the asset folders (idempotent) and return their URLs for the map frame."""
    leaflet = components.declare_component("leaflet", path=str(mapview.leaflet_dir()))
    static = components.declare_component("static", path=str(mapview.STATIC_DIR))
    bank = None
    if bank_text is not None:
        path = bank_file(bank_text)
        cache = components.declare_component("mapcache", path=str(path.parent))
        bank = f"../{cache.name}/{path.name}"
    return mapview.MapAssets(leaflet=f"../{leaflet.name}", static=f"../{static.name}", bank=bank)
