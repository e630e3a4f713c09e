"""Streamlit helpers shared by the pages: session state and URL (``state``), cached data
(``data``), the sidebar (``sidebar``), the live map (``live_map``) and locally served
map assets (``assets``). Domain logic stays in :mod:`conflictmap`."""
