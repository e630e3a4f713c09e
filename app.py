"""The conflict-claims map: ``streamlit run app.py``.

Navigation over the pages in pages/ (the map first); the ingest and assessment pages
are included when their files exist, People (users and roles) for admins only. The
sign-in box is in every page's sidebar. Pages stay thin: they call ui/ and conflictmap/.
"""

from pathlib import Path

import streamlit as st

from ui import auth
from ui.guard import run_page

PAGES = Path(__file__).resolve().parent / "pages"

st.set_page_config(page_title="Conflict-claims map", layout="wide")

pages = [
    st.Page("pages/map.py", title="Map", default=True),
    st.Page("pages/changes.py", title="What changed"),
    st.Page("pages/claims.py", title="Claims"),
    st.Page("pages/timeline.py", title="Timeline"),
]
# No page icons: Streamlit fetches an icon's favicon from the internet.
for name, title in (("ingest", "Read reports"), ("assessment", "Independent assessment")):
    if (PAGES / f"{name}.py").exists():
        pages.append(st.Page(f"pages/{name}.py", title=title))
if auth.can("manage_users"):
    pages.append(st.Page("pages/people.py", title="People"))

navigation = st.navigation(pages)
auth.sidebar()  # who is signed in, on every page
run_page(navigation)
