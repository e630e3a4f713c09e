"""Timeline: one place's claims over time, one row per claimant."""

import streamlit as st

from ui import data, state
from ui.charts import timeline_chart
from ui.tables import latest_by_claimant, timeline_rows

st.title("Timeline")
frame = data.history()
if not len(frame):
    st.info("The ledger holds no claims yet.")
    st.stop()

state.init(data.claim_dates())
counts = frame.groupby(["place_id", "place"]).size().sort_values(ascending=False)
options = [pid for pid, _ in counts.index]
names = dict(counts.index)
place_id = st.selectbox(
    "Place",
    options,
    format_func=names.get,
    key="timeline_place",
    help="Places with claims, most claimed first",
)
rows = timeline_rows(frame, place_id)
as_of = state.as_of()

st.markdown(
    "  \n".join(f"**{line}**" for line in latest_by_claimant(rows, as_of))
    or "No claims up to the map date."
)
st.caption(
    f"Each side's latest word as of the map date, {as_of}. The chart shows every "
    "claim; a dashed line marks the map date."
)
st.altair_chart(timeline_chart(rows, as_of), width="stretch")
with st.expander("The claims behind the chart"):
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_config={"date": st.column_config.DateColumn(format="YYYY-MM-DD")},
    )
