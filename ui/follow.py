"""Follow writes made elsewhere (another app server, the command line) without a click.

The page notes the ledger's revision (a number that grows with every batch) when it
runs; a fragment checks it every few seconds, a cheap query, and reruns the whole page
when it moved, so an open map shows a claim added elsewhere within seconds.
Session key: ``ledger_revision`` (the revision the page last showed).
"""

from __future__ import annotations

import streamlit as st

from . import data

REVISION = "ledger_revision"
EVERY_S = 2


@st.fragment(run_every=EVERY_S)
def _watch() -> None:
    if data.revision() != st.session_state.get(REVISION):
        st.rerun(scope="app")


def follow_ledger() -> None:
    """Rerun this page whenever the ledger changes (checked every ``EVERY_S`` seconds)."""
    st.session_state[REVISION] = data.revision()
    _watch()
