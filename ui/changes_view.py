"""The "What changed" page: two dates, the map of the changes, the list, the exports.

The dates come from the URL (``?since=2025-11-20&until=2025-12-02``) on the first run,
else the week up to the map date; they go back into the URL so the view can be shared.
Changes are computed by :meth:`conflictmap.workspace.Workspace.changes` and cached per
(ledger version, since, until).
"""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from conflictmap.ledger import ClaimError, describe_row, parse_date
from conflictmap.render import (
    CHANGES_FORMATS,
    MEDIA_TYPES,
    changes_file_name,
    changes_map,
    render_changes,
)
from conflictmap.render.changes import headline

from . import data, state

W_SINCE, W_UNTIL, W_PAPER = "w_changes_since", "w_changes_until", "w_changes_paper"
URL_SINCE, URL_UNTIL = "since", "until"
MAP_HEIGHT = 560
PAPERS = {"a4": "A4", "letter": "US Letter"}
_CACHE: dict[tuple, pd.DataFrame] = {}
_LOCK = threading.Lock()
LABELS = {
    "csv": "CSV",
    "geojson": "GeoJSON",
    "png": "PNG",
    "svg": "SVG",
    "pdf": "PDF",
    "html": "HTML",
}


def changes(since: date, until: date) -> pd.DataFrame:
    """The changes between two dates for the current ledger (cached)."""
    ws = data.workspace()
    key = (data.version(), since, until)
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is None:
        hit = ws.changes(since, until)
        with _LOCK:
            if len(_CACHE) > 64:
                _CACHE.clear()
            _CACHE[key] = hit
    return hit


def _url_date(name: str, fallback: date, problems: list[str]) -> date:
    text = st.query_params.get(name)
    if not text:
        return fallback
    try:
        return parse_date(text, name)
    except ClaimError as exc:
        problems.append(f"The URL's {exc}; using {fallback}.")
        return fallback


def pick_dates() -> tuple[date, date] | None:
    """The two date inputs (first run: from the URL); None when the ledger is empty."""
    dates = data.claim_dates()
    if not dates:
        st.info("The ledger holds no claims yet, so nothing has changed.")
        return None
    state.init(dates)
    problems: list[str] = []
    if W_UNTIL not in st.session_state:
        until = _url_date(URL_UNTIL, state.as_of() or dates[-1], problems)
        st.session_state[W_UNTIL] = until
        st.session_state[W_SINCE] = _url_date(URL_SINCE, until - timedelta(days=7), problems)
    for text in problems:
        st.warning(text)
    left, right, paper = st.columns([2, 2, 1])
    since = left.date_input(
        "Since (the state at the end of this day)",
        key=W_SINCE,
        min_value=dates[0] - timedelta(days=1),
        max_value=date.today(),
        format="YYYY-MM-DD",
    )
    until = right.date_input(
        "Until (compared with the end of this day)",
        key=W_UNTIL,
        min_value=dates[0],
        max_value=date.today(),
        format="YYYY-MM-DD",
    )
    paper.selectbox("PDF paper", list(PAPERS), format_func=PAPERS.get, key=W_PAPER)
    st.query_params.update({URL_SINCE: since.isoformat(), URL_UNTIL: until.isoformat()})
    if until < since:
        st.error(f"“Until” ({until}) is before “since” ({since}): pick a later end date.")
        return None
    return since, until


def claims_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per claim behind the changes: who said what, when, and where."""
    out = []
    for _, row in rows.iterrows():
        for c in row["claims"]:
            out.append(
                {
                    "place": row["place"],
                    "change": f"{row['claimant']} {row['kind']}",
                    "claim date": c["claim_date"],
                    "claimant": c["claimant"],
                    "who": c.get("claimant_org") or "",
                    "claim": describe_row(c),
                    "publisher": c.get("source_publisher") or "",
                    "title": c.get("source_title") or "",
                    "source": c.get("source_url") or None,
                }
            )
    return pd.DataFrame(out)


def _maker(since: date, until: date, fmt: str, paper: str):
    def make() -> bytes:
        ws = data.workspace()
        return render_changes(ws, changes(since, until), since, until, fmt, paper=paper)

    return make


def show(since: date, until: date) -> None:
    """The headline, the map of the changes, the list, the claims and the downloads."""
    rows = changes(since, until)
    st.subheader(headline(rows, since, until))
    if len(rows):
        m = changes_map(data.workspace(), rows, since, until, width=800, height=MAP_HEIGHT - 160)
        components.html(m.get_root().render(), height=MAP_HEIGHT)
    else:
        st.info("No claim changed between these dates. Pick an earlier “since”.")
    st.markdown("**Changes**, one row per place and claimant")
    st.dataframe(
        rows.reindex(
            columns=["place", "claimant", "kind", "before", "after", "claim_date_after", "sources"]
        ).rename(columns={"claim_date_after": "claimed on"}),
        hide_index=True,
        width="stretch",
    )
    if len(rows):
        with st.expander("The claims behind the changes, with their sources"):
            st.dataframe(
                claims_table(rows),
                hide_index=True,
                width="stretch",
                column_config={"source": st.column_config.LinkColumn("source")},
            )
    paper = st.session_state.get(W_PAPER, "a4")
    st.markdown(f"**Download the changes** from {since} to {until}")
    cols = st.columns(len(CHANGES_FORMATS))
    for col, fmt in zip(cols, CHANGES_FORMATS):
        col.download_button(
            LABELS[fmt],
            data=_maker(since, until, fmt, paper),
            file_name=changes_file_name(since, until, fmt),
            mime=MEDIA_TYPES[fmt],
            key=f"changes_{fmt}",
            on_click="ignore",
            icon=":material/download:",
            use_container_width=True,
        )
