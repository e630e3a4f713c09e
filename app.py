"""The conflict-claims map: ``streamlit run app.py``.

Navigation over the pages in pages/ (the map first); the ingest and assessment pages
are included when their files exist. Pages stay thin: they call ui/ and conflictmap/.
"""

from pathlib import Path

import streamlit as st

PAGES = Path(__file__).resolve().parent / "pages"

st.set_page_config(page_title="Conflict-claims map", page_icon=":material/map:", layout="wide")

pages = [
    st.Page("pages/map.py", title="Map", icon=":material/map:", default=True),
    st.Page("pages/claims.py", title="Claims", icon=":material/table_rows:"),
    st.Page("pages/timeline.py", title="Timeline", icon=":material/timeline:"),
]
for name, title, icon in (("ingest", "Read reports", ":material/article:"),
                          ("assessment", "Independent assessment", ":material/satellite_alt:")):
    if (PAGES / f"{name}.py").exists():
        pages.append(st.Page(f"pages/{name}.py", title=title, icon=icon))

st.navigation(pages).run()
