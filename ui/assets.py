"""The map's script and data, served by this Streamlit server, never by a CDN.

The live map loads one script: Leaflet (read from the installed xstatic-leaflet
package), our helpers (``conflictmap/static/conflictmap.js``), styles and the area's
outline, joined into a file named after its content's hash in a cache folder. That
script fetches the ledger's bank (every shape and place, see
:func:`conflictmap.render.mapview.live_bank`) from a file beside it, gzipped once when
it is written: Streamlit's server compresses every other file it serves on each
request, at its highest level (about 0.2 s of the server's time for a whole front's
4 MB, on every page load, while nothing else is served), but leaves a ``.gz`` file as
it is; the browser unpacks it with its own ``DecompressionStream`` (a plain copy is
there for a browser without one). The claims behind the popups are beside it too, in
shards (``claims-<hash>-<n>.json``, see :func:`conflictmap.render.mapview.claim_shards`)
that the map fetches when a popup of one of their places first opens: a page load never
carries the whole ledger's history.

Streamlit serves the files of every registered component folder at
``/component/<name>/<file>``; declaring the cache folder as an asset-only "component"
(never rendered) makes it serve them, with no configuration. The URLs are relative to
streamlit-folium's frame (``/component/streamlit_folium.st_folium/``), so they also
work under a ``server.baseUrlPath``.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from pathlib import Path

import streamlit.components.v1 as components

from conflictmap.render import mapview

CACHE_DIR = Path(tempfile.gettempdir()) / "conflictmap-mapcache"
_WRITTEN: dict[int, tuple[str, tuple[str, ...]]] = {}  # id(bank text) -> (it, file names)
_WRITTEN_MAX = 4  # the map's bank and the placing maps' empty one, across versions


def write_once(path: Path, data: str | bytes) -> None:
    """Write ``path`` once, atomically: sessions are threads of one process, so each
    writer has a temporary file of its own."""
    if path.exists():
        return
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=CACHE_DIR, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


BANK_SUFFIXES = (".json.gz", ".json")  # the bank gzipped, and plain (see the module)


def script_file(bank_text: str, shards: tuple[str, ...] = ()) -> tuple[Path, tuple[Path, ...]]:
    """Write the map's script, its bank (``bank_text``: the bank's JSON, see
    :func:`conflictmap.render.mapview.bank_json`; none when empty) and the claim shards
    once per content: (the script's path, the bank's paths, gzipped first)."""
    raw = bank_text.encode()
    digest = hashlib.sha1(raw)
    for shard in shards:
        digest.update(shard.encode())
    stem = digest.hexdigest()[:16]
    text = mapview.script_bundle()
    banks: tuple[Path, ...] = ()
    if bank_text:
        name = f"bank-{stem}"
        banks = tuple(CACHE_DIR / (name + suffix) for suffix in BANK_SUFFIXES)
        if not banks[0].exists():  # compressing a whole front takes most of a second
            write_once(banks[0], gzip.compress(raw, compresslevel=9, mtime=0))
        write_once(banks[1], raw)
        text += f"conflictmap.loadBank({mapview.js_json(name)});\n"
    if shards:
        prefix = f"claims-{stem}-"
        text += f"conflictmap.claimShards({mapview.js_json(prefix)}, {len(shards)});\n"
        for i, shard in enumerate(shards):
            write_once(CACHE_DIR / f"{prefix}{i}.json", shard)
    name = f"map-{hashlib.sha1(text.encode()).hexdigest()[:16]}.js"
    write_once(CACHE_DIR / name, text)
    return CACHE_DIR / name, banks


def map_assets(bank_text: str, shards: tuple[str, ...] = ()) -> mapview.MapAssets:
    """Register the cache folder (idempotent) and return the map's script URL."""
    hit = _WRITTEN.get(id(bank_text))
    if hit is not None and hit[0] is bank_text and all((CACHE_DIR / n).exists() for n in hit[1]):
        names = hit[1]
    else:  # hash the text only when it is a new one
        script, banks = script_file(bank_text, shards)
        names = (script.name, *(p.name for p in banks))
        if len(_WRITTEN) >= _WRITTEN_MAX:
            _WRITTEN.pop(next(iter(_WRITTEN)))
        _WRITTEN[id(bank_text)] = (bank_text, names)
    cache = components.declare_component("mapcache", path=str(CACHE_DIR))
    return mapview.MapAssets(scripts=(f"../{cache.name}/{names[0]}",))
