"""Independent assessment (DeepStateMap): the overlay in force on a date, and claims
compared with it.

- :func:`overlay_as_of` gives the stored assessment nearest on or before a date, as
  an :class:`~conflictmap.assessment.overlay.AssessmentOverlay` the map draws;
- :func:`annotate_layers` adds to each claim layer the share of every claim's shape
  the assessment shows occupied or grey, and a verdict (rules in
  :mod:`conflictmap.assessment.compare`);
- :func:`confirmation_lags` gives, for each Russian capture claim, the first
  assessment on or after it that agrees, and the days in between;
- :func:`import_files` reads DeepStateMap files (:mod:`conflictmap.assessment.deepstate`) and
  stores them all or nothing; :func:`place_shares` and :func:`compare_claims` back
  the command line.
"""

from __future__ import annotations

import hashlib
import threading
from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..ledger import Ledger, StoredAssessment
from ..places import Footprints, UnmappedPlace
from .compare import (
    AssessmentIndex,
    IndexCache,
    agrees_with_capture,
    circle_shares,
    lag_days,
    utm_epsgs,
    verdicts,
)
from .overlay import AssessmentOverlay

ANNOTATION_COLUMNS = [
    "occupied_share",
    "grey_share",
    "verdict",
    "assessment_date",
    "assessment_summary",
]
MAP_KINDS = ("occupied", "grey_zone")  # what the map draws and claims are compared with
LAG_COLUMNS = ["confirmed_on", "confirmation_lag_days", "lag_exact"]
SOURCE_NAME = "DeepStateMap"

_cache = IndexCache(size=16)
_cache_lock = threading.Lock()


def overlay_key(overlay: AssessmentOverlay) -> tuple:
    """A hashable key identifying an overlay's content (for caches)."""
    digest = hashlib.sha1()
    for kind in sorted(overlay.shapes):
        digest.update(kind.encode())
        digest.update(shapely.to_wkb(overlay.shapes[kind]))
    return (overlay.assessed_on, overlay.source, digest.hexdigest())


class StoredOverlay(AssessmentOverlay):
    """An :class:`~conflictmap.assessment.overlay.AssessmentOverlay` read from the ledger, hashable
    by its content (:func:`overlay_key`) so that callers may cache on it; the plain
    dataclass does not hash because ``shapes`` is a dict."""

    def __hash__(self) -> int:
        return hash(overlay_key(self))


def index_for(overlay: AssessmentOverlay) -> AssessmentIndex:
    """The (cached) :class:`~conflictmap.assessment.compare.AssessmentIndex` of an overlay."""
    with _cache_lock:
        return _cache.get(overlay_key(overlay), overlay.shapes)


# -- which assessment ------------------------------------------------------------------
def assessment_date_as_of(ledger: Ledger, as_of: date) -> date | None:
    """The latest stored assessment date on or before ``as_of`` (None if none)."""
    dates = [d for d in ledger.assessment_dates() if d <= as_of]
    return dates[-1] if dates else None


def overlay_on(ledger: Ledger, day: date, kinds=None) -> AssessmentOverlay | None:
    """The assessment stored for exactly ``day`` as an overlay (None if none); only
    the given ``kinds`` when some are named."""
    items = [a for a in ledger.assessments(on=day) if kinds is None or a.kind in kinds]
    if not items:
        return None
    return StoredOverlay(
        assessed_on=day,
        source=join_sources(a.source for a in items),
        shapes={a.kind: a.geometry for a in items},
    )


def join_sources(sources) -> str:
    """The distinct sources of an assessment's kinds in one short phrase.

    >>> join_sources(["DeepStateMap via b/x", "DeepStateMap via a/y", "DeepStateMap via b/x"])
    'DeepStateMap via a/y, b/x'
    >>> join_sources(["DeepStateMap snapshot 2025-08-03T19:58:25Z (f.geojson)"] * 3)
    'DeepStateMap snapshot 2025-08-03T19:58:25Z (f.geojson)'
    """
    distinct = sorted(dict.fromkeys(s for s in sources if s))
    if not distinct:
        return SOURCE_NAME
    if len(distinct) == 1:
        return distinct[0]
    prefix = f"{SOURCE_NAME} via "
    if all(s.startswith(prefix) for s in distinct):
        return prefix + ", ".join(s[len(prefix) :] for s in distinct)
    return " | ".join(distinct)


def overlay_as_of(ledger: Ledger, as_of: date, kinds=None) -> AssessmentOverlay | None:
    """The assessment nearest on or before ``as_of``, or None when there is none.

    Its ``assessed_on`` is the assessment's own date, which the map shows. ``kinds``
    (e.g. :data:`MAP_KINDS`) keeps only those kinds; by default every stored kind.
    """
    day = assessment_date_as_of(ledger, as_of)
    return None if day is None else overlay_on(ledger, day, kinds)


# -- claims against it ------------------------------------------------------------------
def _summary(occ: float, grey: float, verdict: str, day: date) -> str:
    if occ is None or np.isnan(occ):
        return ""
    return (
        f"DeepStateMap {day.isoformat()}: {round(occ * 100)}% occupied, "
        f"{round(grey * 100)}% grey zone; claim {verdict}"
    )


def annotate_frame(
    frame: pd.DataFrame, overlay: AssessmentOverlay, geometries, lon=None, lat=None
) -> pd.DataFrame:
    """``frame`` with the annotation columns for claims whose shapes are ``geometries``.

    ``frame`` needs controller, extent and fraction columns; ``lon``/``lat`` (the
    places' centres) choose the UTM zone each shape is measured in.
    """
    out = frame.copy()
    got = index_for(overlay).shares(list(geometries), lon, lat)
    out["occupied_share"] = got["occupied_share"].round(4).to_numpy()
    out["grey_share"] = got["grey_zone_share"].round(4).to_numpy()
    out["verdict"] = verdicts(out) if len(out) else []
    out["assessment_date"] = overlay.assessed_on.isoformat()
    out["assessment_summary"] = [
        _summary(o, g, v, overlay.assessed_on)
        for o, g, v in zip(out["occupied_share"], out["grey_share"], out["verdict"])
    ]
    return out


def annotate_layers(
    layers: dict[str, gpd.GeoDataFrame],
    overlay: AssessmentOverlay | None,
    footprints: Footprints | None = None,
    *,
    lags: pd.DataFrame | None = None,
) -> dict[str, gpd.GeoDataFrame]:
    """Each layer with ``occupied_share``, ``grey_share``, ``verdict``,
    ``assessment_date`` and ``assessment_summary`` columns.

    The share is of each row's geometry (the claimed part, or the place's footprint);
    when a row has no geometry the place's footprint from ``footprints`` is used.
    Verdicts follow :func:`conflictmap.assessment.compare.verdict`. With ``lags`` (from
    :func:`confirmation_lags`), rows also get ``confirmed_on`` and
    ``confirmation_lag_days`` for the claim they show. When ``overlay`` is None the
    layers are returned unchanged.
    """
    if overlay is None:
        return layers
    out = {}
    for name, gdf in layers.items():
        geoms = list(gdf.geometry) if len(gdf) else []
        if footprints is not None and len(gdf):
            missing = [i for i, g in enumerate(geoms) if g is None or g.is_empty]
            if missing:
                fill = footprints.shapes(
                    [gdf["place_id"].iloc[i] for i in missing], [None] * len(missing)
                )
                for i, g in zip(missing, fill):
                    geoms[i] = g
        lon = gdf["lon"].to_numpy(dtype=float) if "lon" in gdf and len(gdf) else None
        lat = gdf["lat"].to_numpy(dtype=float) if "lat" in gdf and len(gdf) else None
        frame = annotate_frame(
            pd.DataFrame(gdf.drop(columns=gdf.geometry.name)), overlay, geoms, lon, lat
        )
        if lags is not None:
            frame = _attach_lags(frame, lags)
        out[name] = gpd.GeoDataFrame(frame, geometry=list(gdf.geometry), crs=gdf.crs)
    return out


def _attach_lags(frame: pd.DataFrame, lags: pd.DataFrame) -> pd.DataFrame:
    by_claim = {
        cid: (on, days, exact)
        for cid, on, days, exact in zip(
            lags["claim_id"], lags["confirmed_on"], lags["confirmation_lag_days"], lags["lag_exact"]
        )
    }
    confirmed, days, exacts = [], [], []
    for cid in frame.get("claim_id", pd.Series([""] * len(frame))):
        hits = [by_claim[c] for c in str(cid or "").split(" | ") if c in by_claim]
        on, d, exact = hits[0] if hits else (None, None, None)
        confirmed.append(on)
        days.append(None if d is None or pd.isna(d) else int(d))
        exacts.append(exact)
    frame = frame.copy()
    frame["confirmed_on"] = confirmed
    frame["confirmation_lag_days"] = pd.array(days, dtype="Int64")
    frame["lag_exact"] = exacts
    return frame


def capture_claims(frame: pd.DataFrame) -> pd.DataFrame:
    """Russian capture claims in a claims frame: RU says RU holds the whole place."""
    if not len(frame):
        return frame
    mask = (
        (frame["claimant"] == "RU")
        & (frame["controller"] == "RU")
        & (frame["extent"].fillna("full") == "full")
        & frame["part"].isna()
        & frame["fraction"].isna()
    )
    return frame[mask]


def confirmation_lags(
    ledger: Ledger, claims: pd.DataFrame, footprints: Footprints, *, as_of: date | None = None
) -> pd.DataFrame:
    """For each Russian capture claim in ``claims`` (a claims frame), the first
    assessment on or after the claim date (and on or before ``as_of``, when given)
    that agrees with it, and the lag in days.

    Agreement is :func:`conflictmap.assessment.compare.agrees_with_capture` on the place's centre
    and whole footprint. Columns: claim_id, place_id, place, claim_date, confirmed_on
    (ISO date or None), confirmation_lag_days (Int64, missing when not confirmed) and
    lag_exact: True when the lag is exact (confirmed on the claim date, or the stored
    assessment the day before disagreed), False when it is an upper bound because no
    assessment is stored for the days in between.
    """
    caps = capture_claims(claims)
    cols = ["claim_id", "place_id", "place", "claim_date"] + LAG_COLUMNS
    if not len(caps):
        return pd.DataFrame(columns=cols)
    gaz = footprints.gazetteer
    claim_ids = list(caps["claim_id"])
    place_ids = [int(p) for p in caps["place_id"]]
    claim_days = list(pd.to_datetime(caps["claim_date"]).dt.date)
    centres = {p: (gaz.get(p).lon, gaz.get(p).lat) for p in set(place_ids)}
    shapes = dict(zip(centres, footprints.shapes(list(centres), [None] * len(centres))))
    # Only the area around the claimed places matters: clip each assessment to it.
    area = shapely.box(*shapely.union_all(list(shapes.values())).bounds).buffer(0.1)
    first = min(claim_days)
    days = [d for d in ledger.assessment_dates() if d >= first and (as_of is None or d <= as_of)]
    pending = set(range(len(caps)))
    found: dict[int, tuple[date, bool]] = {}
    previous: date | None = None  # the last day with an occupied polygon looked at
    for day in days:
        todo = [i for i in pending if claim_days[i] <= day]
        if not todo:
            continue
        stored = ledger.assessments(kind="occupied", on=day)
        if not stored:
            continue
        idx = AssessmentIndex({"occupied": shapely.intersection(stored[0].geometry, area)})
        pids = sorted({place_ids[i] for i in todo})
        lon = [centres[p][0] for p in pids]
        lat = [centres[p][1] for p in pids]
        inside = idx.contains("occupied", lon, lat)
        share = idx.shares([shapes[p] for p in pids], lon, lat, kinds=("occupied",))
        agree = {
            p: agrees_with_capture(i, s)
            for p, i, s in zip(pids, inside, share["occupied_share"].to_numpy())
        }
        for i in todo:
            if agree[place_ids[i]]:
                exact = day == claim_days[i] or (
                    previous is not None
                    and previous >= claim_days[i]
                    and previous == day - timedelta(days=1)
                )
                found[i] = (day, exact)
                pending.discard(i)
        previous = day
        if not pending:
            break
    rows = []
    for i, (cid, pid, claimed) in enumerate(zip(claim_ids, place_ids, claim_days)):
        confirmed, exact = found.get(i, (None, None))
        rows.append(
            {
                "claim_id": cid,
                "place_id": pid,
                "place": gaz.get(pid).name,
                "claim_date": claimed.isoformat(),
                "confirmed_on": confirmed.isoformat() if confirmed else None,
                "confirmation_lag_days": lag_days(claimed, confirmed),
                "lag_exact": exact,
            }
        )
    out = pd.DataFrame(rows, columns=cols)
    out["confirmation_lag_days"] = out["confirmation_lag_days"].astype("Int64")
    return out


def annotate_as_of(
    workspace, layers: dict[str, gpd.GeoDataFrame], as_of: date, *, kinds=MAP_KINDS
) -> tuple[AssessmentOverlay | None, dict[str, gpd.GeoDataFrame]]:
    """The overlay in force on ``as_of`` (its occupied and grey-zone polygons by
    default) and the layers annotated with it, confirmation lags (as known on
    ``as_of``) included: one call for the map and the exports.

    Returns ``(None, layers)`` unchanged when no assessment is in force.
    """
    overlay = overlay_as_of(workspace.ledger, as_of, kinds)
    if overlay is None:
        return None, layers
    lags = confirmation_lags(
        workspace.ledger, workspace.index.latest(as_of), workspace.footprints, as_of=as_of
    )
    return overlay, annotate_layers(layers, overlay, workspace.footprints, lags=lags)


MAX_AGE_DAYS = 7


def _shapes(footprints: Footprints, ids: list, parts: list) -> list:
    """Footprints.shapes, asked for whole places and for parts in separate calls (it
    sorts the pairs it has to compute, and None does not sort against a part name)."""
    out: list = [None] * len(ids)
    for want_part in (False, True):
        idx = [i for i, p in enumerate(parts) if (p is not None) == want_part]
        if idx:
            for i, g in zip(idx, footprints.shapes([ids[i] for i in idx], [parts[i] for i in idx])):
                out[i] = g
    return out


CLAIM_VERDICT_COLUMNS = ["assessment_date", "occupied_share", "grey_share", "verdict"] + LAG_COLUMNS


def claim_verdicts(
    workspace, frame: pd.DataFrame, *, labels: dict | None = None, max_age_days: int = MAX_AGE_DAYS
) -> pd.DataFrame:
    """Each claim of a claims frame against the assessment of its own date, and the
    confirmation lag of each Russian capture claim (every stored assessment counted).

    "The assessment of its date" is the latest on or before the claim date, when it
    is at most ``max_age_days`` older (else the claim gets no verdict: an old picture
    says little about a new claim). The shape compared is the claimed part, or the
    footprint. One row per distinct (date, place_id, claimant, claim) — the claimant
    shown through ``labels`` (e.g. ``{"RU": "Russia"}``), the claim as
    :func:`conflictmap.ledger.control.describe_row` words it — so that a table of claims can
    be joined on those columns; then :data:`CLAIM_VERDICT_COLUMNS`.
    """
    from ..ledger import describe_row

    keys = ["date", "place_id", "claimant", "claim"]
    if not len(frame):
        return pd.DataFrame(columns=keys + CLAIM_VERDICT_COLUMNS)
    df = frame.reset_index(drop=True)
    days = list(pd.to_datetime(df["claim_date"]).dt.date)
    out = pd.DataFrame(
        {
            "date": days,
            "place_id": df["place_id"].astype("int64").to_numpy(),
            "claimant": [(labels or {}).get(c, c) for c in df["claimant"]],
            "claim": [describe_row(r) for r in df.to_dict("records")],
        }
    )
    for col in CLAIM_VERDICT_COLUMNS:
        out[col] = None
    stored = workspace.ledger.assessment_dates()
    in_force = []
    for d in days:
        earlier = [a for a in stored if a <= d]
        ok = earlier and (d - earlier[-1]).days <= max_age_days
        in_force.append(earlier[-1] if ok else None)
    parts = [p if isinstance(p, str) and p else None for p in df["part"]]
    gaz = workspace.footprints.gazetteer
    for day in sorted({d for d in in_force if d is not None}):
        rows = [i for i, d in enumerate(in_force) if d == day]
        overlay = overlay_on(workspace.ledger, day, MAP_KINDS)
        if overlay is None:
            continue
        sub = df.iloc[rows]
        shapes = _shapes(workspace.footprints, list(sub["place_id"]), [parts[i] for i in rows])
        lon = [gaz.get(int(p)).lon for p in sub["place_id"]]
        lat = [gaz.get(int(p)).lat for p in sub["place_id"]]
        got = annotate_frame(sub[["controller", "extent", "fraction"]], overlay, shapes, lon, lat)
        for col in ("assessment_date", "occupied_share", "grey_share", "verdict"):
            out.loc[rows, col] = got[col].to_numpy()
    lags = confirmation_lags(workspace.ledger, df, workspace.footprints)
    if len(lags):
        by_id = lags.set_index("claim_id")
        for i, cid in enumerate(df["claim_id"]):
            if cid in by_id.index:
                row = by_id.loc[cid]
                out.loc[i, "confirmed_on"] = row["confirmed_on"]
                days_ = row["confirmation_lag_days"]
                out.loc[i, "confirmation_lag_days"] = None if pd.isna(days_) else int(days_)
                out.loc[i, "lag_exact"] = row["lag_exact"]
    out["occupied_share"] = pd.to_numeric(out["occupied_share"])
    out["grey_share"] = pd.to_numeric(out["grey_share"])
    out["confirmation_lag_days"] = pd.array(out["confirmation_lag_days"], dtype="Int64")
    return out.drop_duplicates(subset=keys).reset_index(drop=True)


# -- storing ------------------------------------------------------------------------------
def import_files(ledger: Ledger, paths, *, on: date | None = None, author: str | None = None):
    """Read DeepStateMap files and store every assessment in one transaction.

    All or nothing: when any file is bad, :class:`conflictmap.assessment.deepstate.DeepStateError`
    is raised naming it and nothing is written. Returns the list of
    :class:`conflictmap.assessment.deepstate.ReadResult`, one per file. ``author`` must be
    allowed to import assessments (checked before any file is read).
    """
    from .deepstate import merge_results, read_file

    author = ledger.require(author, "assess")
    results = [read_file(Path(p), on=on) for p in paths]
    origin = ", ".join(Path(p).name for p in paths)
    ledger.add_assessments(merge_results(results), author=author, origin=origin)
    return results


def import_uploads(
    ledger: Ledger,
    uploads: list[tuple[str, bytes]],
    *,
    on: date | None = None,
    author: str | None = None,
):
    """Like :func:`import_files` for (file name, content) pairs (an upload form)."""
    from .deepstate import merge_results, read_bytes

    author = ledger.require(author, "assess")
    results = [read_bytes(data, name, on=on) for name, data in uploads]
    origin = "upload: " + ", ".join(name for name, _ in uploads)
    ledger.add_assessments(merge_results(results), author=author, origin=origin)
    return results


EQUAL_AREA_EPSG = 6933  # WGS 84 / NSIDC EASE-Grid 2.0 Global: areas in m², anywhere


def stored_summary(ledger: Ledger) -> pd.DataFrame:
    """One row per stored assessment: date, kind, source, polygons and area in km²
    (measured in an equal-area projection)."""
    items = ledger.assessments()
    cols = ["date", "kind", "source", "polygons", "area_km2"]
    if not items:
        return pd.DataFrame(columns=cols)
    geoms = [a.geometry for a in items]
    areas = gpd.GeoSeries(geoms, crs=4326).to_crs(EQUAL_AREA_EPSG).area.to_numpy() / 1e6
    return pd.DataFrame(
        {
            "date": [a.assessed_on.isoformat() for a in items],
            "kind": [a.kind for a in items],
            "source": [a.source for a in items],
            "polygons": [int(n) for n in shapely.get_num_geometries(geoms)],
            "area_km2": np.round(areas, 1),
        },
        columns=cols,
    )


# -- questions the command line asks ----------------------------------------------------
def place_shares(
    ledger: Ledger,
    footprints: Footprints,
    place_id: int,
    as_of: date,
    *,
    radius_km: float | None = None,
    at: tuple[float, float] | None = None,
) -> dict:
    """Occupied and grey shares of a place's footprint (or of a circle of
    ``radius_km`` around its centre) in the assessment in force on ``as_of``.

    The centre is the gazetteer's (GeoNames) unless ``at`` gives (lat, lon), which
    only a circle can use. Shares are measured in the centre's UTM zone, the circle
    with 64 segments per quarter. Raises LookupError when no assessment is in force.
    """
    overlay = overlay_as_of(ledger, as_of)
    if overlay is None:
        raise LookupError(
            f"no assessment on or before {as_of.isoformat()}; "
            "import one with: python -m conflictmap assessment import FILE"
        )
    place = footprints.gazetteer.get(place_id)
    if at is None and not place.mapped:
        raise UnmappedPlace(place)
    lat, lon = (place.lat, place.lon) if at is None else (float(at[0]), float(at[1]))
    idx = index_for(overlay)
    if radius_km is not None:
        if not radius_km > 0:
            raise ValueError("--radius-km must be a positive number")
        got = circle_shares(idx, lon, lat, radius_km * 1000.0)
        basis = "circle"
    elif at is not None:
        raise ValueError(
            "a centre given with --at needs --radius-km (the footprint is the gazetteer's)"
        )
    else:
        shape = footprints.footprint(place.geonames_id)
        sh = idx.shares([shape], [place.lon], [place.lat])
        got = {
            "occupied_share": float(sh["occupied_share"].iloc[0]),
            "grey_share": float(sh["grey_zone_share"].iloc[0]),
            "centre_in_occupied": bool(idx.contains("occupied", [place.lon], [place.lat])[0]),
            "centre_in_grey_zone": bool(idx.contains("grey_zone", [place.lon], [place.lat])[0]),
        }
        got["epsg"] = int(utm_epsgs([place.lon], [place.lat])[0])
        basis = "footprint"
    return {
        "place": place.name,
        "place_id": place.geonames_id,
        "oblast": place.oblast,
        "lat": lat,
        "lon": lon,
        "as_of": as_of.isoformat(),
        "assessment_date": overlay.assessed_on.isoformat(),
        "source": overlay.source,
        "basis": basis,
        "radius_km": radius_km,
        "occupied_share": round(got["occupied_share"], 6),
        "grey_share": round(got["grey_share"], 6),
        "centre_in_occupied": got["centre_in_occupied"],
        "centre_in_grey_zone": got["centre_in_grey_zone"],
        "epsg": got["epsg"],
    }


COMPARE_COLUMNS = (
    [
        "place",
        "place_id",
        "oblast",
        "claimant",
        "claimant_org",
        "claim_date",
        "controller",
        "extent",
        "fraction",
        "part",
        "summary",
        "occupied_share",
        "grey_share",
        "verdict",
        "assessment_date",
    ]
    + LAG_COLUMNS
    + ["source_publisher", "source_url", "claim_id"]
)


def compare_claims(workspace, as_of: date) -> pd.DataFrame:
    """Every claim in force on ``as_of`` (each side's latest per place) with its shares
    and verdict against the assessment in force that day, and for Russian capture
    claims the confirmation lag as known on ``as_of``.

    Raises LookupError when no assessment is in force on that date.
    """
    layers = workspace.layers(as_of, ("ru", "ua", "other"))
    overlay, annotated = annotate_as_of(workspace, layers, as_of)
    if overlay is None:
        raise LookupError(
            f"no assessment on or before {as_of.isoformat()}; "
            "import one with: python -m conflictmap assessment import FILE"
        )
    frames = [g.drop(columns="geometry") for g in annotated.values() if len(g)]
    if not frames:
        return pd.DataFrame(columns=COMPARE_COLUMNS)
    table = pd.concat(frames, ignore_index=True)
    for col in LAG_COLUMNS:
        if col not in table:
            table[col] = None
    return (
        table.sort_values(["place", "claimant", "claim_date"], kind="stable")
        .reindex(columns=COMPARE_COLUMNS)
        .reset_index(drop=True)
    )


def stored_assessment(
    day: date, kind: str, geometry, source: str = SOURCE_NAME
) -> StoredAssessment:
    """A :class:`~conflictmap.ledger.store.StoredAssessment` (convenience for callers and tests)."""
    return StoredAssessment(day, kind, source, geometry)
