"""The claims frame shaped for the pages: filters, the ledger table, the timeline rows."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from conflictmap.ledger import describe_row

from . import data

CLAIMANTS = {"RU": "Russia", "UA": "Ukraine", "OTHER": "Third party"}
CONTROLLERS = {"RU": "Russia", "UA": "Ukraine", "CONTESTED": "Contested"}
_HTTP = re.compile(r"https?://", re.IGNORECASE)


def _dates(frame: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(frame["claim_date"]).dt.date


def filter_claims(
    frame: pd.DataFrame,
    *,
    places=(),
    claimants=(),
    controllers=(),
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """The claims matching every filter given (an empty filter matches everything)."""
    keep = pd.Series(True, index=frame.index)
    if places:
        keep &= frame["place"].isin(list(places))
    if claimants:
        keep &= frame["claimant"].isin(list(claimants))
    if controllers:
        keep &= frame["controller"].isin(list(controllers))
    days = _dates(frame)
    if start:
        keep &= days >= start
    if end:
        keep &= days <= end
    return frame[keep]


def safe_url(url) -> str | None:
    """The URL when it is http(s), else None (nothing else becomes a link)."""
    text = "" if url is None or (isinstance(url, float) and pd.isna(url)) else str(url).strip()
    return text if _HTTP.match(text) else None


def claims_table(frame: pd.DataFrame, authorship: dict | None = None) -> pd.DataFrame:
    """One row per claim, newest first: date, place, claimant, claim, source and note,
    who entered it and how many versions it has (from ``authorship``, see
    :meth:`conflictmap.ledger.Ledger.authorship`), its id, plus place_id, lat and lon."""
    authorship = authorship or {}
    cols = [
        "date",
        "place",
        "oblast",
        "claimant",
        "organisation",
        "claim",
        "publisher",
        "source",
        "title",
        "note",
        "entered_by",
        "versions",
        "id",
        "place_id",
        "lat",
        "lon",
    ]
    if not len(frame):
        return pd.DataFrame(columns=cols)
    gaz = data.workspace().gazetteer
    places = [gaz.get(int(pid)) for pid in frame["place_id"]]
    out = pd.DataFrame(
        {
            "date": _dates(frame).to_numpy(),
            "place": frame["place"].to_numpy(),
            "oblast": [p.oblast for p in places],
            "claimant": frame["claimant"].map(CLAIMANTS).fillna(frame["claimant"]).to_numpy(),
            "organisation": frame["claimant_org"].to_numpy(),
            "claim": [describe_row(r) for r in frame.to_dict("records")],
            "publisher": frame["source_publisher"].to_numpy(),
            "source": [safe_url(u) for u in frame["source_url"]],
            "title": frame["source_title"].to_numpy(),
            "note": frame["note"].to_numpy(),
            "entered_by": [authorship.get(c, ("",))[0] for c in frame["claim_id"]],
            "versions": [authorship.get(c, ("", None, 1))[2] for c in frame["claim_id"]],
            "id": frame["claim_id"].to_numpy(),
            "place_id": frame["place_id"].to_numpy(),
            "lat": [p.lat for p in places],
            "lon": [p.lon for p in places],
        }
    )
    return out.sort_values(["date", "place"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


def timeline_rows(frame: pd.DataFrame, place_id: int) -> pd.DataFrame:
    """A place's claims grouped by (date, claimant, what was claimed): one mark each,
    with how many sources said so and who."""
    df = frame[frame["place_id"] == int(place_id)]
    cols = ["date", "claimant", "controller", "extent", "claim", "sources", "who", "publishers"]
    if not len(df):
        return pd.DataFrame(columns=cols)
    df = df.assign(
        date=_dates(df),
        claim=[describe_row(r) for r in df.to_dict("records")],
        extent=[
            "partial" if r.get("extent") == "partial" else "full" for r in df.to_dict("records")
        ],
    )
    grouped = df.groupby(["date", "claimant", "controller", "extent", "claim"], sort=True)
    out = grouped.agg(
        sources=("claim_id", "size"),
        who=("claimant_org", lambda s: "; ".join(dict.fromkeys(x for x in s if x))),
        publishers=("source_publisher", lambda s: "; ".join(dict.fromkeys(x for x in s if x))),
    ).reset_index()
    out["claimant"] = out["claimant"].map(CLAIMANTS).fillna(out["claimant"])
    return out[cols]


def latest_by_claimant(rows: pd.DataFrame, as_of: date | None = None) -> list[str]:
    """'Russia: RU holds all (2025-12-01)' per claimant: each side's latest word."""
    if not len(rows):
        return []
    df = rows if as_of is None else rows[rows["date"] <= as_of]
    out = []
    for claimant in CLAIMANTS.values():
        mine = df[df["claimant"] == claimant]
        if len(mine):
            last = mine.iloc[-1]
            same_day = mine[mine["date"] == last["date"]]["claim"].unique()
            out.append(f"{claimant}: {' / '.join(same_day)} ({last['date'].isoformat()})")
    return out
