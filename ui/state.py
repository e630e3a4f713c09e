"""Session state: every key the pages share, its default, and the URL.

Keys (read them from ``st.session_state``; set them only through this module):

========================  ==================================================================
``as_of``                 :class:`datetime.date` shown on the map (a claim date)
``visible_layers``        ``frozenset`` of layer keys switched on: ``ru``, ``ua``, ``other``,
                          ``contested``, ``agreed`` and ``assessment``
``map_center``            ``(lat, lon)`` of the map's current view, as the map reports it
                          (``None`` until it does)
``map_zoom``              the map's current zoom level (``None`` until reported)
``map_focus``             ``(lat, lon, zoom)`` the map should move to once (set by the
                          claims page), else ``None``
``ledger_revision``       the ledger revision the map last showed (ui/follow.py reruns the
                          page when the ledger moves on)
``claims_notice``         the message of the Claims page's last write, shown once
                          (ui/claims_view.py)
========================  ==================================================================

The date and the layers live in the URL too (``?date=2025-12-01&layers=ru,ua,contested``)
so a copied URL reopens the same view. The sidebar widgets keep their own keys
(``w_*``) and copy into these in their callbacks, so the values survive page changes.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from conflictmap.ledger import LAYERS, ClaimError, parse_date
from conflictmap.render import ASSESSMENT

AS_OF = "as_of"
VISIBLE = "visible_layers"
MAP_CENTER = "map_center"
MAP_ZOOM = "map_zoom"
FOCUS = "map_focus"
NOTICES = "state_notices"

ALL_LAYERS = (*LAYERS, ASSESSMENT)
DEFAULT_VISIBLE = frozenset(LAYERS)
W_DATE = "w_as_of"
W_LAYER = "w_layer_"  # + layer key
URL_DATE, URL_LAYERS = "date", "layers"


def snap(day: date, dates: list[date]) -> date:
    """The latest claim date on or before ``day`` (the first one if ``day`` is earlier).

    >>> snap(date(2025, 8, 1), [date(2025, 7, 31), date(2025, 12, 1)])
    datetime.date(2025, 7, 31)
    """
    earlier = [d for d in dates if d <= day]
    return earlier[-1] if earlier else dates[0]


def parse_layers(text: str) -> tuple[frozenset, list[str]]:
    """Layer keys from 'ru,ua,contested' and the unknown names.

    >>> sorted(parse_layers("ru, contested,bogus")[0]), parse_layers("ru,bogus")[1]
    (['contested', 'ru'], ['bogus'])
    """
    names = [x.strip() for x in text.split(",") if x.strip()]
    return frozenset(x for x in names if x in ALL_LAYERS), [x for x in names if x not in ALL_LAYERS]


def init(dates: list[date]) -> None:
    """Set every key to its default once per session, reading the URL first."""
    from ui.data import use_app_navigation

    use_app_navigation()
    ss = st.session_state
    ss.setdefault(NOTICES, [])
    if AS_OF not in ss:
        ss[AS_OF] = dates[-1] if dates else None
        text = st.query_params.get(URL_DATE)
        if text and dates:
            try:
                wanted = parse_date(text, "date")
                ss[AS_OF] = snap(wanted, dates)
                if ss[AS_OF] != wanted:
                    ss[NOTICES].append(
                        f"No claim was made on {wanted}: showing the claims as "
                        f"of {ss[AS_OF]}, the claim date before it."
                    )
            except ClaimError as exc:
                ss[NOTICES].append(f"The URL's {exc}; showing the latest claim date.")
    if VISIBLE not in ss:
        ss[VISIBLE] = DEFAULT_VISIBLE
        text = st.query_params.get(URL_LAYERS)
        if text is not None:
            layers, unknown = parse_layers(text)
            ss[VISIBLE] = layers
            if unknown:
                ss[NOTICES].append(
                    f"Unknown layer(s) in the URL: {', '.join(unknown)}; "
                    f"known: {', '.join(ALL_LAYERS)}."
                )
    ss.setdefault(MAP_CENTER, None)
    ss.setdefault(MAP_ZOOM, None)
    ss.setdefault(FOCUS, None)
    if dates and ss[AS_OF] not in dates:  # new claims changed the dates
        ss[AS_OF] = snap(ss[AS_OF], dates) if ss[AS_OF] else dates[-1]


def as_of() -> date | None:
    """The map date."""
    return st.session_state.get(AS_OF)


def visible() -> frozenset:
    """The layers switched on."""
    return st.session_state.get(VISIBLE, DEFAULT_VISIBLE)


def set_as_of(day: date) -> None:
    """Change the map date (and the slider showing it)."""
    st.session_state[AS_OF] = day
    st.session_state[W_DATE] = day


def set_visible(layers) -> None:
    """Change the layers switched on (and the sidebar checkboxes showing them)."""
    layers = frozenset(x for x in layers if x in ALL_LAYERS)
    st.session_state[VISIBLE] = layers
    for key in ALL_LAYERS:
        st.session_state[W_LAYER + key] = key in layers


def focus(lat: float, lon: float, zoom: int = 12) -> None:
    """Ask the map to move to a point the next time it is drawn."""
    st.session_state[FOCUS] = (float(lat), float(lon), int(zoom))


def take_focus() -> tuple | None:
    """The pending focus request, cleared."""
    value = st.session_state.get(FOCUS)
    st.session_state[FOCUS] = None
    return value


def write_url() -> None:
    """Put the date and the visible layers in the URL (only when they changed)."""
    day, layers = as_of(), visible()
    wanted = {
        URL_DATE: day.isoformat() if day else "",
        URL_LAYERS: ",".join(x for x in ALL_LAYERS if x in layers),
    }
    if {k: st.query_params.get(k) for k in wanted} != wanted:
        st.query_params.update(wanted)


def show_notices() -> None:
    """Show (once) what was wrong with the URL."""
    for text in st.session_state.get(NOTICES, []):
        st.warning(text)
    st.session_state[NOTICES] = []
