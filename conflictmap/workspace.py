"""The Workspace owns the data: gazetteer, ledger, footprints and the control index.

Entry points (the command line, the Streamlit pages, the exports) build one and ask
it questions; none of them holds domain logic of its own.
"""

from __future__ import annotations

import threading
from datetime import date

import geopandas as gpd
import pandas as pd

from .ledger import LAYERS, ControlIndex, Ledger, changes_between, control_layers
from .places import Footprints, Gazetteer


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
        """Control layers as of a date (see :func:`conflictmap.ledger.control.control_layers`)."""
        return control_layers(self.index, as_of, self.footprints, layers)

    def history(self, place_id: int, as_of: date | None = None) -> pd.DataFrame:
        """Claims about one place up to a date, oldest first."""
        return self.index.history(place_id, as_of)

    def changes(self, start: date, end: date) -> pd.DataFrame:
        """Each (place, claimant) whose claimed control changed from ``start`` to ``end``
        (see :func:`conflictmap.ledger.changes.changes_between`)."""
        return changes_between(self.index, start, end, self.gazetteer)
