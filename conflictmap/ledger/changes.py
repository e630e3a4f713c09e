"""What changed between two dates: each place whose claimed control changed.

For every (place, claimant) the latest claim as of ``start`` (the state before) is
compared with the latest claim as of ``end`` (the state after). A row is reported when
the stated control differs: controller, extent, part or fraction. A claim that only
repeats what the claimant already said is no change. Each row carries the claims made
in the window ``(start, end]`` that led to it, with their sources.

The ledger never deletes a claim: a side withdrawing from a place is stored as its
claim that the other side holds it, so it reads here as a "withdrawal".

Kinds of change (``kind``), by the claimant's side and the state after:

- ``capture claim``: a side says it now holds all of the place;
- ``partial claim``: a side says it holds a part or share, having claimed no more before;
- ``part conceded``: a side now claims less of the place than it did;
- ``withdrawal``: a side says the other side holds all of it;
- ``denial``: a side says the place is contested while the other side claims it;
- ``contested``: a side says the place is contested (no capture claim to deny);
- ``report``: a third party's account changed.

>>> from datetime import date
>>> change_kind("RU", None, ("RU", "full", None, None), None)
'capture claim'
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd

from .claims import describe_control
from .control import ControlIndex

CHANGE_COLUMNS = [
    "place_id",
    "place",
    "claimant",
    "kind",
    "before",
    "after",
    "controller_before",
    "controller_after",
    "extent_before",
    "extent_after",
    "part_before",
    "part_after",
    "fraction_before",
    "fraction_after",
    "claim_date_before",
    "claim_date_after",
    "status_before",
    "status_after",
    "claim_ids",
    "claimant_orgs",
    "sources",
    "source_urls",
    "lat",
    "lon",
]
KINDS = (
    "capture claim",
    "partial claim",
    "part conceded",
    "withdrawal",
    "denial",
    "contested",
    "report",
)
OPPONENT = {"RU": "UA", "UA": "RU"}
_STATE_COLUMNS = ("controller", "extent", "part", "fraction")


def _clean(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str) and not value:
        return None
    return value


def _state(row) -> tuple | None:
    """(controller, extent, part, fraction) of a claim row, blanks as None."""
    if row is None:
        return None
    controller, extent, part, fraction = (_clean(row[c]) for c in _STATE_COLUMNS)
    if controller == "CONTESTED":
        return ("CONTESTED", None, None, None)
    if part is not None or fraction is not None:
        extent = "partial"
    return (controller, extent or "full", part, None if fraction is None else float(fraction))


def _share(state: tuple | None, side: str) -> float:
    """How much of the place a state gives ``side`` (a part counts as a half)."""
    if state is None or state[0] != side:
        return 0.0
    if state[1] == "full":
        return 1.0
    if state[3] is not None:
        return state[3]
    return 0.5


def change_kind(claimant: str, before: tuple | None, after: tuple, opponent: tuple | None) -> str:
    """The kind of a change from ``before`` to ``after`` (states as in :func:`_state`).

    ``opponent`` is the other side's state at the end, which tells a denial of its
    capture claim from a plain "contested".
    """
    side = claimant if claimant in OPPONENT else None
    if side is None:
        return "report"
    controller = after[0]
    if controller == "CONTESTED":
        return "denial" if _share(opponent, OPPONENT[side]) > 0 else "contested"
    if controller == OPPONENT[side]:
        return "withdrawal" if after[1] == "full" else "part conceded"
    mine_before, mine_after = _share(before, side), _share(after, side)
    if after[1] == "full":
        return "capture claim" if mine_before < 1 else "part conceded"
    if before is not None and before[0] == side and mine_after < mine_before:
        return "part conceded"
    if before is not None and before[0] == side and before[1] == "full":
        return "part conceded"
    return "partial claim"


def _describe(state: tuple | None) -> str:
    if state is None:
        return "no claim"
    controller, extent, part, fraction = state
    return describe_control(controller, extent, fraction, part)


def _source_text(rec: dict) -> str:
    publisher = _clean(rec.get("source_publisher")) or "unnamed source"
    title = _clean(rec.get("source_title"))
    return f"{publisher}: {title}" if title else publisher


def place_status(ru: tuple | None, ua: tuple | None, other: tuple | None) -> str:
    """How the map shows a place from the two sides' states (and a third party's):
    'contested', 'agreed', 'RU only', 'UA only', 'third party only' or 'no claim'
    (the rules of :func:`conflictmap.ledger.control.layer_rows`)."""
    if ru is not None and ua is not None:
        disputed = ru[0] != ua[0] or "CONTESTED" in (ru[0], ua[0])
        partial = "partial" in (ru[1], ua[1])
        return "contested" if disputed or partial else "agreed"
    side = ru or ua
    if side is not None:
        if side[0] == "CONTESTED" or side[1] == "partial":
            return "contested"
        return "RU only" if ru is not None else "UA only"
    return "third party only" if other is not None else "no claim"


def _status(states: dict, pid: int) -> str:
    return place_status(*(states.get((pid, c)) for c in ("RU", "UA", "OTHER")))


def changes_between(index: ControlIndex, start: date, end: date, places=None) -> pd.DataFrame:
    """One row per (place, claimant) whose latest claim changed from ``start`` to ``end``.

    ``before`` is the claim in force at the end of ``start`` (made on or before it),
    ``after`` the one in force at the end of ``end``; the claims made in between
    (``start`` < date <= ``end``) by that claimant about that place are listed with
    their sources. ``places`` (a gazetteer) fills in coordinates. Rows are ordered by
    place then claimant (RU, UA, OTHER); columns are :data:`CHANGE_COLUMNS` plus
    ``claims``, the records of the claims behind the change (oldest first).

    Raises ValueError when ``end`` is before ``start``.
    """
    if end < start:
        raise ValueError(f"the end date {end} is before the start date {start}")
    frame = index.frame
    if not len(frame):
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    after_pos = index.latest_positions(end)
    before_pos = index.latest_positions(start)
    after = frame.iloc[after_pos]
    window = after[after["claim_date"] > start]
    if not len(window):
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    columns = ["place_id", "claimant", *_STATE_COLUMNS, "claim_date"]

    def states(rows: pd.DataFrame) -> dict:
        recs = rows[columns].to_dict("records")
        return {(int(r["place_id"]), r["claimant"]): r for r in recs}

    before = states(frame.iloc[before_pos])
    after_by_key = states(after)
    state_before = {k: _state(r) for k, r in before.items()}
    state_after = {k: _state(r) for k, r in after_by_key.items()}
    changed = [
        k
        for k in zip(window["place_id"].astype(int), window["claimant"])
        if state_before.get(k) != state_after[k]
    ]
    if not changed:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    # The window's claims about the changed (place, claimant) pairs: what lies behind.
    dates = frame["claim_date"]
    in_window = frame[(dates > start) & (dates <= end)]
    keys = pd.MultiIndex.from_arrays([in_window["place_id"].astype(int), in_window["claimant"]])
    behind: dict[tuple, list[dict]] = {}
    for rec in in_window[keys.isin(changed)].to_dict("records"):
        behind.setdefault((int(rec["place_id"]), rec["claimant"]), []).append(rec)
    changed_set = set(changed)
    rows = []
    for rec in window.to_dict("records"):
        pid, claimant = int(rec["place_id"]), rec["claimant"]
        if (pid, claimant) not in changed_set:
            continue
        old = before.get((pid, claimant))
        s_before, s_after = state_before.get((pid, claimant)), state_after[(pid, claimant)]
        opp = state_after.get((pid, OPPONENT.get(claimant, "")))
        claims = sorted(
            behind.get((pid, claimant), [rec]),
            key=lambda r: (r["claim_date"], str(r["claim_id"])),
        )
        place = places.get(pid) if places is not None else None
        rows.append(
            {
                "place_id": pid,
                "place": place.name if place is not None else rec["place"],
                "claimant": claimant,
                "kind": change_kind(claimant, s_before, s_after, opp),
                "before": _describe(s_before),
                "after": _describe(s_after),
                "controller_before": s_before[0] if s_before else None,
                "controller_after": s_after[0],
                "extent_before": s_before[1] if s_before else None,
                "extent_after": s_after[1],
                "part_before": s_before[2] if s_before else None,
                "part_after": s_after[2],
                "fraction_before": s_before[3] if s_before else None,
                "fraction_after": s_after[3],
                "claim_date_before": old["claim_date"].isoformat() if old is not None else None,
                "claim_date_after": rec["claim_date"].isoformat(),
                "status_before": _status(state_before, pid),
                "status_after": _status(state_after, pid),
                "claim_ids": " | ".join(str(c["claim_id"]) for c in claims),
                "claimant_orgs": " | ".join(
                    o for o in dict.fromkeys(_clean(c.get("claimant_org")) for c in claims) if o
                ),
                "sources": " | ".join(dict.fromkeys(_source_text(c) for c in claims)),
                "source_urls": " | ".join(
                    u for u in dict.fromkeys(_clean(c.get("source_url")) for c in claims) if u
                ),
                "lat": place.lat if place is not None else np.nan,
                "lon": place.lon if place is not None else np.nan,
                "claims": claims,
            }
        )
    if not rows:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    out = pd.DataFrame(rows)
    order = {"RU": 0, "UA": 1, "OTHER": 2}
    out["_o"] = out["claimant"].map(order)
    out = out.sort_values(["place", "_o"], kind="stable").drop(columns="_o")
    return out.reset_index(drop=True)
