"""The map's controls: the date (a bar above the map with a date picker and steps from
claim to claim; a slider over every day in the sidebar) and the layers (sidebar)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import geopandas as gpd
import streamlit as st

from conflictmap.ledger import LAYER_TITLES, LAYERS
from conflictmap.render import ASSESSMENT, ASSESSMENT_TITLE

from . import data, state
from .markdown import plain

W_PICK = "w_date_pick"
CLAIM_MARK = " ●"  # after a claim date on the slider


@dataclass
class MapView:
    """What the controls chose: the date, the layers on, and those layers' data.

    ``since`` is the latest claim date on or before ``as_of`` (None before the first
    claim): the claims drawn are those in force since then."""

    as_of: date | None
    visible: frozenset
    dates: list[date]
    layers: dict[str, gpd.GeoDataFrame]
    since: date | None = None


def today() -> date:
    """The last day the date controls offer (the server's today)."""
    return date.today()


def day_range(dates: list[date], day: date | None) -> tuple[date, date]:
    """First and last day the date controls offer: the first claim to today, widened to
    include ``day`` (a URL may ask for any day)."""
    first, last = dates[0], max(dates[-1], today())
    if day is not None:
        first, last = min(first, day), max(last, day)
    return first, last


def every_day(dates: list[date], day: date | None) -> list[date]:
    """Every day the slider offers, oldest first."""
    first, last = day_range(dates, day)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def neighbours(dates: list[date], day: date) -> tuple[date | None, date | None]:
    """The claim dates just before and just after ``day`` (None at either end).

    >>> neighbours([date(2025, 7, 31), date(2025, 12, 1)], date(2025, 11, 25))
    (datetime.date(2025, 7, 31), datetime.date(2025, 12, 1))
    """
    before = [d for d in dates if d < day]
    after = [d for d in dates if d > day]
    return (before[-1] if before else None), (after[0] if after else None)


def _on_slider() -> None:
    state.set_as_of(st.session_state[state.W_DATE])


def _on_pick() -> None:
    picked = st.session_state.get(W_PICK)
    if isinstance(picked, date):
        state.set_as_of(picked)


def _step(offset: int) -> None:
    before, after = neighbours(data.claim_dates(), state.as_of())
    target = before if offset < 0 else after
    if target is not None:
        state.set_as_of(target)


def _on_layer(key: str) -> None:
    on = st.session_state[state.W_LAYER + key]
    state.set_visible(state.visible() | {key} if on else state.visible() - {key})


def _mark(claim_days: set[date]):
    return lambda d: d.isoformat() + (CLAIM_MARK if d in claim_days else "")


def date_bar(dates: list[date], search=None) -> None:
    """Above the map, on every screen: a date picker (any day), steps from claim date to
    claim date, and ``search(container)`` (the place search) when given."""
    if not dates:
        if search:
            search(st.container(horizontal=True, key="date_bar"))
        return
    day = state.as_of()
    first, last = day_range(dates, day)
    before, after = neighbours(dates, day)
    state.show_in_widget(W_PICK, day)
    bar = st.container(horizontal=True, vertical_alignment="bottom", key="date_bar")
    bar.date_input(
        "Map date",
        key=W_PICK,
        min_value=first,
        max_value=last,
        format="YYYY-MM-DD",
        on_change=_on_pick,
        help="Any day: the map shows the claims in force on it.",
        width=140,
    )
    bar.button(
        "◀ Previous",
        key="w_prev_claim",
        on_click=_step,
        args=(-1,),
        disabled=before is None,
        help=f"The claim date before this day: {before}" if before else "No earlier claim",
    )
    bar.button(
        "Next ▶",
        key="w_next_claim",
        on_click=_step,
        args=(1,),
        disabled=after is None,
        help=f"The claim date after this day: {after}" if after else "No later claim",
    )
    if search:
        search(bar)


def date_controls(dates: list[date], since: date | None) -> None:
    """The sidebar's slider over every day from the first claim to today (claim dates
    marked ●), and what the map shows (``since``: the claim date whose claims are in
    force on the chosen day, see :class:`MapView`)."""
    if not dates:
        st.sidebar.info(
            "No claims yet: import some on the ingest page or with "
            "`python -m conflictmap claims import FILE`."
        )
        return
    day = state.as_of()
    state.show_in_widget(state.W_DATE, day)
    st.sidebar.select_slider(
        "Map date (● a claim date)",
        options=every_day(dates, day),
        key=state.W_DATE,
        format_func=_mark(set(dates)),
        on_change=_on_slider,
        help="Any day from the first claim to today: the claims in force on it.",
    )
    if since is None:
        stand = f"no claim stored before {dates[0]}"
    elif since == day:
        stand = "a claim date"
    else:
        stand = f"claims in force since {since}"
    st.sidebar.caption(
        f"Showing **{day.isoformat()}** ({stand}; {len(dates)} claim dates, "
        f"{dates[0]} to {dates[-1]})"
    )


def layer_controls(with_assessment: bool, notes: dict[str, str] | None = None) -> None:
    """One checkbox per layer, in step with the map's own layer control; ``notes`` says
    under a layer what it shows (the assessment's source and date, or that none is
    stored before the map date)."""
    st.sidebar.markdown("**Layers**")
    keys = list(LAYERS) + ([ASSESSMENT] if with_assessment else [])
    titles = {**LAYER_TITLES, ASSESSMENT: ASSESSMENT_TITLE}
    for key in keys:
        state.show_in_widget(state.W_LAYER + key, key in state.visible())
        st.sidebar.checkbox(titles[key], key=state.W_LAYER + key, on_change=_on_layer, args=(key,))
        if notes and notes.get(key):
            st.sidebar.caption(plain(notes[key]))  # the source comes from the imported file


def map_view() -> MapView:
    """The date and the layers chosen (URL, session state), with the date's layers."""
    dates = data.claim_dates()
    state.init(dates)
    day = state.as_of()
    layers = data.layers_as_of(day) if day else {}
    since = data.in_force_since(day) if day else None
    return MapView(day, state.visible(), dates, layers, since)


def map_sidebar(view: MapView | None = None, notes: dict[str, str] | None = None) -> MapView:
    """Render the map page's sidebar (date slider, layers) and put the view in the URL.
    It may come after the map: the widgets' callbacks have already updated the session
    state that :func:`map_view` read."""
    view = view or map_view()
    date_controls(view.dates, view.since)
    layer_controls(data.has_assessments(), notes)
    state.write_url()
    return view
