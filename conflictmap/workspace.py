"""The Workspace owns the data: gazetteer, ledger, footprints and the control index.

Entry points (the command line, the Streamlit pages, the exports) build one and ask
it questions; none of them holds domain logic of its own.
"""

from __future__ import annotations

import threading
from datetime import date

import geopandas as gpd
import pandas as pd

from .ledger import (
    LAYERS,
    ControlIndex,
    Ledger,
    changes_between,
    control_layers,
    control_layers_near,
)
from .places import Footprints, Gazetteer

# Layers of one date take about 5 MB for 3,000 places: keep at most this many dates, so
# a whole front stays well under a gigabyte.
LAYER_CACHE_DATES = 128
# A date's layers are made from those of the nearest date already made when at most
# this share of places has other claims between the two (else from scratch).
NEAR_DATE_SHARE = 0.25


class Workspace:
    """Everything the map, the exports and the reader need, loaded once."""

    def __init__(
        self,
        db_url: str | None = None,
        *,
        gazetteer: Gazetteer | None = None,
        footprints: Footprints | None = None,
        seed: bool = True,
    ):
        kwargs = {} if seed else {"seed_file": None}
        self.ledger = Ledger(db_url, gazetteer=gazetteer or Gazetteer.load(), **kwargs)
        self._fixed_footprints = footprints
        self._footprints: Footprints | None = None
        self._index: ControlIndex | None = None
        self._index_version = None
        self._lock = threading.RLock()
        self._layers: dict[tuple, dict[str, gpd.GeoDataFrame]] = {}
        self._building: dict[tuple, threading.Event] = {}  # layers being made

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer with the villages placed in this database."""
        return self.ledger.gazetteer

    @property
    def footprints(self) -> Footprints:
        """Footprints over :attr:`gazetteer` (made again when a village is placed)."""
        if self._fixed_footprints is not None:
            return self._fixed_footprints
        gaz = self.gazetteer
        with self._lock:
            if self._footprints is None or self._footprints.gazetteer is not gaz:
                self._footprints = Footprints.from_env(gaz)
            return self._footprints

    @property
    def index(self) -> ControlIndex:
        """The control index, rebuilt only when the ledger has changed."""
        version = self.ledger.version()
        with self._lock:
            if self._index is None or version != self._index_version:
                gaz = self.gazetteer
                mapped = [c for c in self.ledger.claims() if gaz.get(c.place_id).mapped]
                self._index = ControlIndex.from_claims(mapped)
                self._index_version = version
            return self._index

    def claim_dates(self) -> list[date]:
        """Distinct claim dates, oldest first."""
        return self.index.dates

    def layers(self, as_of: date, layers=LAYERS) -> dict[str, gpd.GeoDataFrame]:
        """Control layers as of a date (see :func:`conflictmap.ledger.control.control_layers`).

        Made once per ledger version, date and set of layers, and shared by every caller
        (the live map, its background warming and the exports): do not modify them in
        place. A caller asking while another thread makes them waits for those.
        """
        key = (self.ledger.version(), as_of, tuple(layers))
        while True:
            with self._lock:
                hit = self._layers.get(key)
                if hit is not None:
                    return hit
                building = self._building.get(key)
                if building is None:
                    building = self._building[key] = threading.Event()
                    break
            building.wait()  # made by another thread: look again
        try:
            index, near = self.index, self._nearest_made(key)
            if near is None:
                made = control_layers(index, as_of, self.footprints, layers)
            else:
                made = control_layers_near(index, as_of, self.footprints, near, layers)
            with self._lock:
                if len(self._layers) >= LAYER_CACHE_DATES:
                    self._layers.clear()
                self._layers[key] = made
            return made
        finally:
            with self._lock:
                self._building.pop(key, None)
            building.set()

    def _nearest_made(self, key: tuple) -> tuple[date, dict] | None:
        """The layers already made for the same ledger version and layers on the date
        nearest ``key``'s, with that date; None when there are none, or when that date
        is so far that most places' claims differ (worked out from scratch then)."""
        version, as_of, layers = key
        with self._lock:
            made = [
                (k[1], v) for k, v in self._layers.items() if k[0] == version and k[2] == layers
            ]
        if not made:
            return None
        day, near = min(made, key=lambda kv: abs((kv[0] - as_of).days))
        index = self.index
        changed = len(index.changed_places(day, as_of))
        return (day, near) if changed <= index.n_places * NEAR_DATE_SHARE else None

    def history(self, place_id: int, as_of: date | None = None) -> pd.DataFrame:
        """Claims about one place up to a date, oldest first."""
        return self.index.history(place_id, as_of)

    def changes(self, start: date, end: date) -> pd.DataFrame:
        """Each (place, claimant) whose claimed control changed from ``start`` to ``end``
        (see :func:`conflictmap.ledger.changes.changes_between`)."""
        return changes_between(self.index, start, end, self.gazetteer)
