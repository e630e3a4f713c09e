"""The claims ledger: the table (filter by place, claimant, controller and dates; pick a
row to see its history, correct or withdraw it, or show its place on the map), a form
to add a claim by hand, and the activity log with undo."""

import streamlit as st

from conflictmap.assessment import claim_verdicts
from ui import claims_view, data, state
from ui.tables import CLAIMANTS, CONTROLLERS, claims_table, filter_claims

st.title("Claims")
claims_view.show_notice()
ws = data.workspace()
listing, hand, log = st.tabs(["Claims", "Add a claim", "Activity"])

with hand:
    claims_view.hand_entry(ws.ledger)

with log:
    claims_view.activity(ws.ledger)

with listing:
    frame = data.history()
    if not len(frame):
        st.info("The ledger holds no claims yet. Add one by hand, or read a report.")
        st.stop()

    dates = data.claim_dates()
    state.init(dates)
    places = sorted(frame["place"].unique())
    c1, c2, c3, c4 = st.columns([3, 2, 2, 3])
    chosen_places = c1.multiselect("Place", places, key="claims_places")
    claimants = c2.multiselect(
        "Claimant", list(CLAIMANTS), format_func=CLAIMANTS.get, key="claims_claimants"
    )
    controllers = c3.multiselect(
        "Controller", list(CONTROLLERS), format_func=CONTROLLERS.get, key="claims_controllers"
    )
    span = c4.date_input(
        "Claim dates",
        value=(dates[0], dates[-1]),
        min_value=dates[0],
        max_value=dates[-1],
        format="YYYY-MM-DD",
        key="claims_dates",
    )
    start, end = (
        (span + (span[0],))[:2] if isinstance(span, tuple) and span else (dates[0], dates[-1])
    )

    shown = filter_claims(
        frame,
        places=chosen_places,
        claimants=claimants,
        controllers=controllers,
        start=start,
        end=end,
    )
    table = claims_table(shown, ws.ledger.authorship())  # one row per claim, newest first
    if data.has_assessments():  # each claim against DeepStateMap of its date
        table = table.merge(
            claim_verdicts(data.workspace(), shown, labels=CLAIMANTS),
            how="left",
            on=["date", "place_id", "claimant", "claim"],
        )
    st.caption(
        f"{len(table)} of {len(frame)} claims. Select a row to see its history, correct "
        f"or withdraw it, or show its place on the map."
    )
    picked = st.dataframe(
        table.drop(columns=["place_id", "lat", "lon"]),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="claims_table",
        column_config={
            "source": st.column_config.LinkColumn("Source", display_text=r"https?://([^/]+)"),
            "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
            "occupied_share": st.column_config.NumberColumn("Occupied", format="percent"),
            "grey_share": st.column_config.NumberColumn("Grey zone", format="percent"),
            "confirmation_lag_days": st.column_config.NumberColumn("Lag (days)"),
        },
    )
    rows = picked.selection.rows if picked else []
    if rows and rows[0] < len(table):
        row = table.iloc[rows[0]]
        if st.button(f"Show {row['place']} on the map (as of {row['date']})", type="primary"):
            state.set_as_of(state.snap(row["date"], dates))
            state.focus(row["lat"], row["lon"], 12)
            st.switch_page("pages/map.py")
        claims_view.claim_details(ws.ledger, row["id"])
