"""The shared sidebar: the map date (slider + previous/next claim date) and the layers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import streamlit as st

from conflictmap.ledger import LAYER_TITLES, LAYERS
from conflictmap.render import ASSESSMENT, ASSESSMENT_TITLE

from . import data, state


@dataclass
class MapView:
    """What the sidebar chose: the date, the layers on, and those layers' data."""

    as_of: date | None
    visible: frozenset
    dates: list[date]
    layers: dict[str, gpd.GeoDataFrame]


def _on_date() -> None:
    state.set_as_of(st.session_state[state.W_DATE])


def _step(offset: int) -> None:
    dates = data.claim_dates()
    i = dates.index(state.as_of()) + offset
    state.set_as_of(dates[max(0, min(len(dates) - 1, i))])


def _on_layer(key: str) -> None:
    on = st.session_state[state.W_LAYER + key]
    state.set_visible(state.visible() | {key} if on else state.visible() - {key})


def date_controls(dates: list[date]) -> None:
    """The date slider over the claim dates, and buttons to step between them."""
    if not dates:
        st.sidebar.info(
            "No claims yet: import some on the ingest page or with "
            "`python -m conflictmap claims import FILE`."
        )
        return
    st.session_state[state.W_DATE] = state.as_of()
    if len(dates) > 1:
        st.sidebar.select_slider(
            "Map date (claim dates)",
            options=dates,
            key=state.W_DATE,
            format_func=date.isoformat,
            on_change=_on_date,
            help="Control as each side claimed it on this date.",
        )
    i = dates.index(state.as_of())
    prev, nxt = st.sidebar.columns(2)
    prev.button(
        "◀ Previous",
        on_click=_step,
        args=(-1,),
        disabled=i == 0,
        width="stretch",
        help="The claim date before this one",
    )
    nxt.button(
        "Next ▶",
        on_click=_step,
        args=(1,),
        disabled=i == len(dates) - 1,
        width="stretch",
        help="The claim date after this one",
    )
    st.sidebar.caption(
        f"Showing claims as of **{state.as_of().isoformat()}** "
        f"({i + 1} of {len(dates)} claim dates, {dates[0]} to {dates[-1]})"
    )


def layer_controls(with_assessment: bool) -> None:
    """One checkbox per layer, in step with the map's own layer control."""
    st.sidebar.markdown("**Layers**")
    keys = list(LAYERS) + ([ASSESSMENT] if with_assessment else [])
    titles = {**LAYER_TITLES, ASSESSMENT: ASSESSMENT_TITLE}
    for key in keys:
        st.session_state[state.W_LAYER + key] = key in state.visible()
        st.sidebar.checkbox(titles[key], key=state.W_LAYER + key, on_change=_on_layer, args=(key,))


def map_view() -> MapView:
    """The date and the layers chosen (URL, session state), with the date's layers."""
    dates = data.claim_dates()
    state.init(dates)
    day = state.as_of()
    layers = data.layers_as_of(day) if day else {}
    return MapView(day, state.visible(), dates, layers)


def map_sidebar(view: MapView | None = None) -> MapView:
    """Render the map page's sidebar (date slider, steps, layers) and put the view in
    the URL. It may come after the map: the widgets' callbacks have already updated the
    session state that :func:`map_view` read."""
    view = view or map_view()
    date_controls(view.dates)
    layer_controls(data.has_assessments())
    state.write_url()
    return view
