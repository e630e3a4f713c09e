"""What changed: between two dates, each place whose claimed control changed."""

import streamlit as st

from ui.changes_view import pick_dates, show

st.title("What changed")
st.caption(
    "Each place whose claimed control changed between two dates: a capture claim, a "
    "denial, a part conceded, a withdrawal. Drawn as the claim in force at the end."
)
picked = pick_dates()
if picked is not None:
    show(*picked)
