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

from ..places import Footprints
from .claims import FIELD_NAMES, Claim, describe_control

LAYERS = ("ru", "ua", "other", "contested", "agreed")
LAYER_TITLES = {
    "ru": "Russian claims",
    "ua": "Ukrainian claims",
    "other": "Third-party claims",
    "contested": "Contested",
    "agreed": "Agreed",
}
CLAIMANT_LAYER = {"RU": "ru", "UA": "ua", "OTHER": "other"}
COLUMNS = [
    "place_id",
    "place",
    "oblast",
    "layer",
    "controller",
    "extent",
    "fraction",
    "part",
    "claim_date",
    "claimant",
    "claimant_org",
    "source_publisher",
    "source_url",
    "source_title",
    "claim_id",
    "note",
    "summary",
    "lat",
    "lon",
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
    return describe_control(
        row["controller"], row.get("extent"), row.get("fraction"), row.get("part")
    )


class ControlIndex:
    """Claims sorted once for fast 'latest claim per place and claimant as of D'."""

    def __init__(self, frame: pd.DataFrame):
        df = frame.copy()
        if len(df):
            df["claim_date"] = pd.to_datetime(df["claim_date"]).dt.date
        group = pd.MultiIndex.from_arrays([df["place_id"].astype("int64"), df["claimant"]])
        codes, uniques = pd.factorize(group, sort=True) if len(df) else (np.array([], int), [])
        ordinals = (
            np.array([d.toordinal() for d in df["claim_date"]], dtype=np.int64)
            if len(df)
            else np.array([], dtype=np.int64)
        )
        self._base = int(ordinals.min()) if len(ordinals) else 0
        spec = _specificity(df) if len(df) else np.array([], dtype=np.int64)
        keys = codes.astype(np.int64) * _DATE_SHIFT + (ordinals - self._base) * 4 + spec
        order = np.lexsort((df["claim_id"].to_numpy(), keys)) if len(df) else np.array([], int)
        self.frame = df.iloc[order].reset_index(drop=True)
        self._keys = keys[order]
        self._n_groups = len(uniques)
        self._group_start = np.searchsorted(self._keys, np.arange(self._n_groups) * _DATE_SHIFT)
        self._group_place = (
            np.asarray(uniques.get_level_values(0), dtype=np.int64)
            if len(df)
            else np.array([], dtype=np.int64)
        )
        self.dates = sorted(set(self.frame["claim_date"])) if len(df) else []

    @classmethod
    def from_claims(cls, claims: list[Claim]) -> ControlIndex:
        """Build the index from Claim objects."""
        return cls(claims_frame(claims))

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def n_places(self) -> int:
        """How many places have claims."""
        return len(np.unique(self._group_place))

    def _group_positions(self, as_of: date) -> np.ndarray:
        """Per (place, claimant) group, the row of its latest claim on or before
        ``as_of``, or -1 where it made none."""
        offset = as_of.toordinal() - self._base
        if not self._n_groups or offset < 0:
            return np.full(self._n_groups, -1, dtype=np.int64)
        groups = np.arange(self._n_groups, dtype=np.int64)
        query = groups * _DATE_SHIFT + min(offset, _DATE_SHIFT // 4 - 1) * 4 + 3
        pos = np.searchsorted(self._keys, query, side="right") - 1
        return np.where(pos >= self._group_start, pos, -1)

    def latest_positions(self, as_of: date) -> np.ndarray:
        """Row positions of the latest claim per (place, claimant) made on or before ``as_of``."""
        pos = self._group_positions(as_of)
        return pos[pos >= 0]

    def changed_places(self, before: date, after: date) -> np.ndarray:
        """Ids of the places (sorted) whose latest claim of some claimant as of ``after``
        is not the one as of ``before``: the only places whose layers can differ."""
        moved = self._group_positions(before) != self._group_positions(after)
        return np.unique(self._group_place[moved])

    def latest_of(self, as_of: date, places: np.ndarray) -> pd.DataFrame:
        """:meth:`latest` for the given places only (ids, sorted), in the same order."""
        pos = self._group_positions(as_of)
        wanted = np.isin(self._group_place, places) & (pos >= 0)
        return self.frame.iloc[pos[wanted]]

    def latest(self, as_of: date) -> pd.DataFrame:
        """The latest claim per (place, claimant) made on or before ``as_of``."""
        return self.frame.iloc[self.latest_positions(as_of)]

    def history(self, place_id: int, as_of: date | None = None) -> pd.DataFrame:
        """Every claim about a place (up to ``as_of``), oldest first."""
        df = self.frame[self.frame["place_id"] == int(place_id)]
        if as_of is not None:
            df = df[df["claim_date"] <= as_of]
        return df.sort_values(["claim_date", "claimant"], kind="stable")


def values(df: pd.DataFrame, column: str) -> np.ndarray:
    """A column as a NumPy object array, to loop over in Python: pandas' Arrow-backed
    strings hand out their items one by one far more slowly."""
    return df[column].to_numpy(dtype=object)


def describe_frame(df: pd.DataFrame) -> pd.Series:
    """:func:`describe_row` for every row of a claims frame."""
    words = [
        describe_control(*row)
        for row in zip(*(values(df, c) for c in ("controller", "extent", "fraction", "part")))
    ]
    return pd.Series(words, index=df.index, dtype=object)


def _joined(values) -> str:
    return " | ".join(dict.fromkeys(v for v in values if isinstance(v, str) and v))


def _side_text(side: str, what, day, org) -> str | None:
    if not isinstance(what, str):
        return None
    org = f", {org}" if isinstance(org, str) and org else ""
    return f"{side}: {what} ({day}{org})"


def layer_rows(latest: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Split the latest claims into the five layers (no geometry yet)."""
    summary = describe_frame(latest)
    out: dict[str, pd.DataFrame] = {}
    for claimant, layer in CLAIMANT_LAYER.items():
        mask = latest["claimant"] == claimant
        rows = latest[mask].copy()
        rows["layer"] = layer
        rows["summary"] = summary[mask]
        out[layer] = rows
    cols = list(out["ru"].columns)
    pair = (
        out["ru"]
        .merge(out["ua"], on="place_id", how="outer", suffixes=("_ru", "_ua"), indicator=True)
        .sort_values("place_id", kind="stable")
    )
    has_ru = pair["_merge"].isin(["both", "left_only"]).to_numpy()
    has_ua = pair["_merge"].isin(["both", "right_only"]).to_numpy()
    says = np.zeros(len(pair), dtype=bool)
    for side in ("_ru", "_ua"):
        says |= (
            (pair["controller" + side] == "CONTESTED") | (pair["extent" + side] == "partial")
        ).to_numpy()
    disagree = has_ru & has_ua & (pair["controller_ru"] != pair["controller_ua"]).to_numpy()
    contested_mask = disagree | says
    agreed_mask = ~contested_mask & has_ru & has_ua

    side = {name: values(pair, name) for name in pair.columns if name.endswith(("_ru", "_ua"))}
    base = pd.DataFrame({"place_id": pair["place_id"].to_numpy()})
    for col in cols:
        if col == "place_id":
            continue
        base[col] = np.where(has_ru, side[col + "_ru"], side[col + "_ua"])
    both_sides = list(zip(has_ru.tolist(), has_ua.tolist()))
    base["claimant"] = ["+".join(s for s, h in (("RU", r), ("UA", u)) if h) for r, u in both_sides]
    for col in ("claimant_org", "source_publisher", "source_url", "source_title", "claim_id"):
        base[col] = [
            _joined([a if r else None, b if u else None])
            for a, b, (r, u) in zip(side[col + "_ru"], side[col + "_ua"], both_sides)
        ]
    base["claim_date"] = [
        max(d for d, h in ((a, r), (b, u)) if h)
        for a, b, (r, u) in zip(side["claim_date_ru"], side["claim_date_ua"], both_sides)
    ]
    base["summary"] = [
        "; ".join(
            t
            for t in (
                _side_text("Russia", wr, dr, orr) if r else None,
                _side_text("Ukraine", wu, du, oru) if u else None,
            )
            if t
        )
        for wr, dr, orr, wu, du, oru, (r, u) in zip(
            side["summary_ru"],
            side["claim_date_ru"],
            side["claimant_org_ru"],
            side["summary_ua"],
            side["claim_date_ua"],
            side["claimant_org_ua"],
            both_sides,
        )
    ]
    base["note"] = ""
    base["fraction"] = None
    base["part"] = None

    contested = base[contested_mask].copy()
    contested["layer"], contested["controller"], contested["extent"] = (
        "contested",
        "CONTESTED",
        None,
    )
    agreed = base[agreed_mask].copy()
    agreed["layer"], agreed["extent"] = "agreed", "full"
    agreed["controller"] = pair["controller_ru"].to_numpy()[agreed_mask]
    out["contested"] = contested.reindex(columns=cols).reset_index(drop=True)
    out["agreed"] = agreed.reindex(columns=cols).reset_index(drop=True)
    return out


def control_layers(
    index: ControlIndex, as_of: date, footprints: Footprints, layers=LAYERS
) -> dict[str, gpd.GeoDataFrame]:
    """The requested layers as of a date, as GeoDataFrames (EPSG:4326) with footprints.

    Claimant layers are drawn as the claimed part where the claim names one, else as
    the whole footprint; contested and agreed places as the whole footprint. Places
    nobody has placed yet (no coordinates) are left out: they cannot be drawn. Each
    layer has one row per place, in the order of the place ids.
    """
    rows = layer_rows(index.latest(as_of))
    return {layer: _drawn(rows[layer], footprints) for layer in layers}


def control_layers_near(
    index: ControlIndex,
    as_of: date,
    footprints: Footprints,
    near: tuple[date, dict[str, gpd.GeoDataFrame]],
    layers=LAYERS,
) -> dict[str, gpd.GeoDataFrame]:
    """:func:`control_layers` as of ``as_of``, made from the layers of another date
    (``near``: that date and its layers, from the same index, footprints and
    ``layers``): only the places whose claims differ between the two dates are worked
    out again, the other rows are kept, and a layer with no such place is the other
    date's table itself (layers are shared, never modified). The same rows as
    :func:`control_layers`; a date next to one already drawn takes a few hundredths of
    a second instead of a few tenths on the whole front."""
    near_date, near_layers = near
    changed = index.changed_places(near_date, as_of)
    if not len(changed):
        return {layer: near_layers[layer] for layer in layers}
    rows = layer_rows(index.latest_of(as_of, changed))
    out = {}
    for layer in layers:
        old = near_layers[layer]
        hit = np.isin(old["place_id"].to_numpy(), changed)
        if not hit.any() and not len(rows[layer]):
            out[layer] = old  # the same rows: the same table, shared as all layers are
            continue
        kept = old[~hit]
        new = _drawn(rows[layer], footprints)
        parts = [f for f in (kept, new) if len(f)]
        if len(parts) < 2:
            made = (parts[0] if parts else new).reset_index(drop=True)
        else:
            made = pd.concat(parts, ignore_index=True)
            made = made.iloc[np.argsort(made["place_id"].to_numpy(), kind="stable")]
            made = made.reset_index(drop=True)
        for col, dtype in old.dtypes.items():  # as made from scratch, not as concat joins
            if made[col].dtype != dtype and col != old.geometry.name and len(old):
                made[col] = made[col].astype(dtype)
        out[layer] = gpd.GeoDataFrame(made, geometry=old.geometry.name, crs=4326)
    return out


def _drawn(df: pd.DataFrame, footprints: Footprints) -> gpd.GeoDataFrame:
    """One layer's rows with the places' names, oblasts, points and shapes; the places
    without coordinates left out."""
    gaz = footprints.gazetteer
    df = df.copy()
    places = [gaz.get(pid) for pid in df["place_id"].tolist()]
    if len(df):
        mapped = [p.mapped for p in places]
        df = df[mapped]
        places = [p for p, m in zip(places, mapped) if m]
    if len(df):
        df["place"] = [p.name for p in places]
        df["oblast"] = [p.oblast for p in places]
        df["lat"] = [p.lat for p in places]
        df["lon"] = [p.lon for p in places]
        parts = [p if isinstance(p, str) and p else None for p in values(df, "part")]
        geoms = footprints.shapes(df["place_id"], parts)
    else:
        geoms = []
        for col in ("oblast", "lat", "lon"):
            df[col] = []
    df = df.reindex(columns=COLUMNS)
    df["claim_date"] = df["claim_date"].astype(str)
    return gpd.GeoDataFrame(df.reset_index(drop=True), geometry=list(geoms), crs=4326)


def control_table(layers: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """All layers stacked into one GeoDataFrame (layer order kept)."""
    frames = [gdf for gdf in layers.values() if len(gdf)]
    if not frames:
        return gpd.GeoDataFrame(columns=COLUMNS + ["geometry"], geometry="geometry", crs=4326)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=4326)
