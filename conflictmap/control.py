"""Control as of a date: each side's latest claim per place, and the map layers.

For a date D and each place, the latest claim of each claimant (RU, UA, OTHER) made
on or before D. Layers:

- ``ru``, ``ua``, ``other``: each claimant's latest claim;
- ``contested``: the Russian and Ukrainian latest claims disagree, or either says
  CONTESTED or partial;
- ``agreed``: both sides' latest claims name the same controller, fully.

:class:`ControlIndex` sorts the claims once by (place, claimant, date); resolving a
date is then one binary search per (place, claimant) group, so it stays fast for a
million claims. When one claimant made several claims about a place on the same
day, the most specific wins (a part or fraction over a full claim over a bare
"contested").
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

from .claims import FIELD_NAMES, Claim
from .footprints import Footprints

LAYERS = ("ru", "ua", "other", "contested", "agreed")
LAYER_TITLES = {
    "ru": "Russian claims", "ua": "Ukrainian claims", "other": "Third-party claims",
    "contested": "Contested", "agreed": "Agreed",
}
CLAIMANT_LAYER = {"RU": "ru", "UA": "ua", "OTHER": "other"}
COLUMNS = [
    "place_id", "place", "oblast", "layer", "controller", "extent", "fraction", "part",
    "claim_date", "claimant", "claimant_org", "source_publisher", "source_url",
    "source_title", "claim_id", "note", "summary", "lat", "lon",
]
_DATE_SHIFT = 1 << 24  # room for date ordinals (x4 for specificity) within a group key


def claims_frame(claims: list[Claim]) -> pd.DataFrame:
    """A DataFrame of claims with one column per Claim field plus ``claim_id``."""
    if not claims:
        return pd.DataFrame(columns=["claim_id"] + FIELD_NAMES)
    rows = []
    for c in claims:
        rec = {name: getattr(c, name) for name in FIELD_NAMES}
        rec["claim_id"] = c.id
        rows.append(rec)
    return pd.DataFrame(rows)


def _specificity(df: pd.DataFrame) -> np.ndarray:
    has_detail = df["part"].notna().to_numpy() | df["fraction"].notna().to_numpy()
    bare_contested = (df["controller"].to_numpy() == "CONTESTED") & ~has_detail
    return np.where(has_detail, 2, np.where(bare_contested, 0, 1))


def describe_row(row) -> str:
    """Short wording of a claim row: 'RU holds all', 'UA holds the north part', 'contested'."""
    if row["controller"] == "CONTESTED":
        return "contested"
    part, fraction = row.get("part"), row.get("fraction")
    if isinstance(part, str) and part:
        return f"{row['controller']} holds the {part} part"
    if fraction is not None and not pd.isna(fraction):
        return f"{row['controller']} holds {round(float(fraction) * 100)}%"
    if row.get("extent") == "partial":
        return f"{row['controller']} holds part"
    return f"{row['controller']} holds all"


class ControlIndex:
    """Claims sorted once for fast 'latest claim per place and claimant as of D'."""

    def __init__(self, frame: pd.DataFrame):
        df = frame.copy()
        if len(df):
            df["claim_date"] = pd.to_datetime(df["claim_date"]).dt.date
        group = pd.MultiIndex.from_arrays([df["place_id"].astype("int64"), df["claimant"]])
        codes, uniques = pd.factorize(group, sort=True) if len(df) else (np.array([], int), [])
        ordinals = np.array([d.toordinal() for d in df["claim_date"]], dtype=np.int64) \
            if len(df) else np.array([], dtype=np.int64)
        self._base = int(ordinals.min()) if len(ordinals) else 0
        spec = _specificity(df) if len(df) else np.array([], dtype=np.int64)
        keys = codes.astype(np.int64) * _DATE_SHIFT + (ordinals - self._base) * 4 + spec
        order = np.lexsort((df["claim_id"].to_numpy(), keys)) if len(df) else np.array([], int)
        self.frame = df.iloc[order].reset_index(drop=True)
        self._keys = keys[order]
        self._n_groups = len(uniques)
        self._group_start = np.searchsorted(self._keys, np.arange(self._n_groups) * _DATE_SHIFT)
        self.dates = sorted(set(self.frame["claim_date"])) if len(df) else []

    @classmethod
    def from_claims(cls, claims: list[Claim]) -> "ControlIndex":
        """Build the index from Claim objects."""
        return cls(claims_frame(claims))

    def __len__(self) -> int:
        return len(self.frame)

    def latest_positions(self, as_of: date) -> np.ndarray:
        """Row positions of the latest claim per (place, claimant) made on or before ``as_of``."""
        if not self._n_groups:
            return np.array([], dtype=np.int64)
        offset = as_of.toordinal() - self._base
        if offset < 0:
            return np.array([], dtype=np.int64)
        groups = np.arange(self._n_groups, dtype=np.int64)
        query = groups * _DATE_SHIFT + min(offset, _DATE_SHIFT // 4 - 1) * 4 + 3
        pos = np.searchsorted(self._keys, query, side="right") - 1
        return pos[pos >= self._group_start]

    def latest(self, as_of: date) -> pd.DataFrame:
        """The latest claim per (place, claimant) made on or before ``as_of``."""
        return self.frame.iloc[self.latest_positions(as_of)]

    def history(self, place_id: int, as_of: date | None = None) -> pd.DataFrame:
        """Every claim about a place (up to ``as_of``), oldest first."""
        df = self.frame[self.frame["place_id"] == int(place_id)]
        if as_of is not None:
            df = df[df["claim_date"] <= as_of]
        return df.sort_values(["claim_date", "claimant"], kind="stable")


def _pair_summary(ru, ua) -> str:
    parts = []
    for side, row in (("Russia", ru), ("Ukraine", ua)):
        if row is not None:
            org = f", {row['claimant_org']}" if row["claimant_org"] else ""
            parts.append(f"{side}: {describe_row(row)} ({row['claim_date']}{org})")
    return "; ".join(parts)


def _joined(values) -> str:
    return " | ".join(dict.fromkeys(v for v in values if isinstance(v, str) and v))


def layer_rows(latest: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Split the latest claims into the five layers (no geometry yet)."""
    out: dict[str, pd.DataFrame] = {}
    for claimant, layer in CLAIMANT_LAYER.items():
        rows = latest[latest["claimant"] == claimant].copy()
        rows["layer"] = layer
        rows["summary"] = [describe_row(r) for _, r in rows.iterrows()] if len(rows) else []
        out[layer] = rows
    ru = out["ru"].set_index("place_id")
    ua = out["ua"].set_index("place_id")
    contested, agreed = [], []
    for pid in sorted(set(ru.index) | set(ua.index)):
        r = ru.loc[pid] if pid in ru.index else None
        u = ua.loc[pid] if pid in ua.index else None
        sides = [x for x in (r, u) if x is not None]
        says_contested = any(x["controller"] == "CONTESTED" or x["extent"] == "partial"
                             for x in sides)
        disagree = r is not None and u is not None and r["controller"] != u["controller"]
        base = dict((r if r is not None else u).items())
        base.update(
            place_id=pid,
            claimant="+".join(s for s, x in (("RU", r), ("UA", u)) if x is not None),
            claimant_org=_joined(x["claimant_org"] for x in sides),
            claim_date=max(x["claim_date"] for x in sides),
            source_publisher=_joined(x["source_publisher"] for x in sides),
            source_url=_joined(x["source_url"] for x in sides),
            source_title=_joined(x["source_title"] for x in sides),
            claim_id=_joined(x["claim_id"] for x in sides),
            note="", summary=_pair_summary(r, u), fraction=None, part=None,
        )
        if disagree or says_contested:
            contested.append({**base, "layer": "contested", "controller": "CONTESTED",
                              "extent": None})
        elif r is not None and u is not None:
            agreed.append({**base, "layer": "agreed", "controller": r["controller"],
                           "extent": "full"})
    cols = list(out["ru"].columns)
    out["contested"] = pd.DataFrame(contested, columns=cols)
    out["agreed"] = pd.DataFrame(agreed, columns=cols)
    return out


def control_layers(index: ControlIndex, as_of: date, footprints: Footprints,
                   layers=LAYERS) -> dict[str, gpd.GeoDataFrame]:
    """The requested layers as of a date, as GeoDataFrames (EPSG:4326) with footprints.

    Claimant layers are drawn as the claimed part where the claim names one, else as
    the whole footprint; contested and agreed places as the whole footprint.
    """
    rows = layer_rows(index.latest(as_of))
    gaz = footprints.gazetteer
    out = {}
    for layer in layers:
        df = rows[layer].copy()
        if len(df):
            places = [gaz.get(int(pid)) for pid in df["place_id"]]
            df["place"] = [p.name for p in places]
            df["oblast"] = [p.oblast for p in places]
            df["lat"] = [p.lat for p in places]
            df["lon"] = [p.lon for p in places]
            parts = [p if isinstance(p, str) and p else None for p in df["part"]]
            geoms = footprints.shapes(df["place_id"], parts)
        else:
            geoms = []
            for col in ("oblast", "lat", "lon"):
                df[col] = []
        df = df.reindex(columns=COLUMNS)
        df["claim_date"] = df["claim_date"].astype(str)
        out[layer] = gpd.GeoDataFrame(df.reset_index(drop=True), geometry=list(geoms), crs=4326)
    return out


def control_table(layers: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """All layers stacked into one GeoDataFrame (layer order kept)."""
    frames = [gdf for gdf in layers.values() if len(gdf)]
    if not frames:
        return gpd.GeoDataFrame(columns=COLUMNS + ["geometry"], geometry="geometry", crs=4326)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=4326)
