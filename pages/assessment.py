"""Independent assessment: import DeepStateMap files, see what is stored, and how the
claims in force on a date compare with the assessment of that date."""

from __future__ import annotations

from datetime import date

import streamlit as st

from conflictmap.assessment import (
    CONTRADICTION,
    TOLERANCE,
    DeepStateError,
    compare_claims,
    import_uploads,
    stored_summary,
)
from conflictmap.ledger import NotAllowed
from ui import auth, data

st.title("Independent assessment")
st.caption(
    "DeepStateMap's occupied territory and grey (unknown-status) zone, to read the "
    "claims against. Daily processed files (`occupied_YYYY-MM-DD.geojson`, "
    "`greyzone_YYYY-MM-DD.geojson`) and raw snapshots as the DeepStateMap history "
    "archive publishes them are both accepted. A file for a date and kind already "
    "stored replaces it."
)

ws = data.workspace()

if auth.can("assess"):
    with st.form("assessment_import", clear_on_submit=True):
        uploads = st.file_uploader(
            "DeepStateMap files",
            type=["geojson", "json"],
            accept_multiple_files=True,
            key="assessment_files",
        )
        on = st.date_input(
            "Date (leave empty to take it from each file)",
            value=None,
            format="YYYY-MM-DD",
            key="assessment_date",
        )
        submitted = st.form_submit_button("Import")
else:
    st.caption(auth.refusal("assess"))
    submitted = False

if submitted:
    if not uploads:
        st.warning("Choose one or more files first.")
    else:
        try:
            results = import_uploads(
                ws.ledger,
                [(f.name, f.getvalue()) for f in uploads],
                on=on,
                author=auth.current_author(),
            )
        except (DeepStateError, NotAllowed) as exc:
            st.error(str(exc))
        else:
            st.success(f"Imported {len(results)} file(s).")
            for r in results:
                st.text(r.describe())

st.subheader("Stored assessments")
summary = stored_summary(ws.ledger)
if len(summary):
    st.dataframe(summary, hide_index=True)
else:
    st.info(
        "None yet. Import files above, or run `python -m conflictmap assessment import FILE...`."
        if auth.can("assess")
        else "None yet. An admin imports them here or with `conflictmap assessment import`."
    )

dates = data.claim_dates()
if len(summary) and dates:
    st.subheader("Claims compared with the assessment")
    as_of = st.select_slider(
        "As of",
        options=dates,
        value=dates[-1],
        format_func=date.isoformat,
        key="assessment_compare_date",
    )
    try:
        table = compare_claims(ws, as_of)
    except LookupError as exc:
        st.info(str(exc))
    else:
        st.dataframe(
            table,
            hide_index=True,
            column_config={
                "occupied_share": st.column_config.NumberColumn("occupied", format="percent"),
                "grey_share": st.column_config.NumberColumn("grey zone", format="percent"),
                "source_url": st.column_config.LinkColumn("source"),
            },
        )
    st.caption(
        f"A claim is *consistent* when the assessment gives the claimed side at least "
        f"the claimed share less {TOLERANCE:.0%} of the place's footprint (or claimed "
        f"part), *inconsistent* when it shows the other side holding {CONTRADICTION:.0%} "
        f"more than the claim allows, *unclear* otherwise (mostly grey, or split). "
        f"Confirmation lag: days from a Russian capture claim to the first assessment "
        f"showing the centre occupied (or {1 - TOLERANCE:.0%} of the footprint); "
        f"'lag_exact' is false when no assessment is stored for the days in between."
    )
