"""The map's script, served by this Streamlit server, never by a CDN.

The live map loads one script: Leaflet (read from the installed xstatic-leaflet
package), our helpers (``conflictmap/static/conflictmap.js``) and the ledger's bank
(every shape and place, see :func:`conflictmap.render.mapview.claims_bank`), joined
into a file named after its content's hash in a cache folder. The claims behind the
popups are beside it, in shards (``claims-<hash>-<n>.json``, see
:func:`conflictmap.render.mapview.claim_shards`) that the map fetches when a popup of
one of their places first opens: a page load never carries the whole ledger's history.
Streamlit serves the files of every registered component folder at
``/component/<name>/<file>``; declaring the cache folder as an asset-only "component"
(never rendered) makes it serve them, with no configuration. The browser fetches the
script once per ledger version and keeps it. The URL is relative to streamlit-folium's
frame (``/component/streamlit_folium.st_folium/``), so it also works under a
``server.baseUrlPath``; the shards are found next to the script.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import streamlit.components.v1 as components

from conflictmap.render import mapview

CACHE_DIR = Path(tempfile.gettempdir()) / "conflictmap-mapcache"
_WRITTEN: dict[int, tuple[str, str]] = {}  # id(bank text) -> (bank text, file name)
_WRITTEN_MAX = 4  # the map's bank and the placing maps' empty one, across versions


def write_once(path: Path, text: str) -> None:
    """Write ``path`` once, atomically: sessions are threads of one process, so each
    writer has a temporary file of its own."""
    if path.exists():
        return
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=CACHE_DIR, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def script_file(bank_text: str, shards: tuple[str, ...] = ()) -> Path:
    """Write the map's script (Leaflet, helpers, bank) and the claim shards once per
    content; the script's path."""
    digest = hashlib.sha1(bank_text.encode())
    for shard in shards:
        digest.update(shard.encode())
    stem = digest.hexdigest()[:16]
    text = mapview.script_bundle() + bank_text
    if shards:
        prefix = f"claims-{stem}-"
        text += f"conflictmap.claimShards({mapview.js_json(prefix)}, {len(shards)});\n"
        for i, shard in enumerate(shards):
            write_once(CACHE_DIR / f"{prefix}{i}.json", shard)
    name = f"map-{hashlib.sha1(text.encode()).hexdigest()[:16]}.js"
    write_once(CACHE_DIR / name, text)
    return CACHE_DIR / name


def map_assets(bank_text: str, shards: tuple[str, ...] = ()) -> mapview.MapAssets:
    """Register the cache folder (idempotent) and return the map's script URL."""
    hit = _WRITTEN.get(id(bank_text))
    if hit is not None and hit[0] is bank_text and (CACHE_DIR / hit[1]).exists():
        name = hit[1]
    else:  # hash the text only when it is a new one
        name = script_file(bank_text, shards).name
        if len(_WRITTEN) >= _WRITTEN_MAX:
            _WRITTEN.pop(next(iter(_WRITTEN)))
        _WRITTEN[id(bank_text)] = (bank_text, name)
    cache = components.declare_component("mapcache", path=str(CACHE_DIR))
    return mapview.MapAssets(scripts=(f"../{cache.name}/{name}",))
