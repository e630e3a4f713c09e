"""Find a place: a search box over the map that takes any spelling the gazetteer knows
(Krasnoarmeysk, Покровськ, Pokrovsk) and flies the map to it with its popup open.

A name that fits one place well is that place; a name several places fit about as
well lists them, each with its oblast, for the reader to choose: never a guess.
"""

from __future__ import annotations

import streamlit as st

from . import data, state
from .markdown import plain

W_SEARCH = "w_place_search"
RESULT = "place_search_result"  # (query, [Candidate...]) of an ambiguous or unknown name
FOCUS_ZOOM = 11


def _go(place) -> None:
    state.focus(place.lat, place.lon, FOCUS_ZOOM, place.geonames_id)


def _on_search() -> None:
    query = (st.session_state.get(W_SEARCH) or "").strip()
    st.session_state[RESULT] = None
    if not query:
        return
    res = data.workspace_gazetteer().resolve(query)
    if res.place is not None:
        _go(res.place)
    else:
        st.session_state[RESULT] = (query, list(res.candidates))


def _on_pick(place_id: int) -> None:
    _go(data.workspace_gazetteer().get(place_id))
    st.session_state[RESULT] = None


def place_label(place) -> str:
    """'Andriivka (Kharkiv oblast, UA)': a candidate as the reader chooses it."""
    region = f"{place.oblast} oblast" if place.country == "UA" else place.oblast
    return f"{place.name} ({', '.join(x for x in (region, place.country) if x)})"


def place_search(where=None) -> None:
    """The search box (in ``where``, a container; default the page) and, for a name
    that is ambiguous or unknown, its candidates or a message (under ``where``)."""
    where = where or st
    where.text_input(
        "Find a place",
        key=W_SEARCH,
        placeholder="Pokrovsk, Krasnoarmeysk, Покровськ…",
        on_change=_on_search,
        help="Any spelling the gazetteer knows; Enter flies the map there.",
        width=260,
    )
    result = st.session_state.get(RESULT)
    if not result:
        return
    query, candidates = result
    if not candidates:
        st.info(f"No place called “{plain(query)}” in the gazetteer.")
        return
    st.markdown(f"“{plain(query)}” may be any of these places. Which one?")
    row = st.container(horizontal=True, key="search_candidates")
    for i, cand in enumerate(candidates):
        row.button(
            place_label(cand.place),
            key=f"w_search_pick_{i}",
            on_click=_on_pick,
            args=(cand.place.geonames_id,),
        )
