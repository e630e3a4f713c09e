"""Session state: every key the pages share, its default, and the URL.

Keys (read them from ``st.session_state``; set them only through this module):

========================  ==================================================================
``as_of``                 :class:`datetime.date` shown on the map (any day; the claims in
                          force on it are drawn)
``visible_layers``        ``frozenset`` of layer keys switched on: ``ru``, ``ua``, ``other``,
                          ``contested``, ``agreed`` and ``assessment``
``map_center``            ``(lat, lon)`` of the map's current view, as the map reports it
                          (``None`` until it does)
``map_zoom``              the map's current zoom level (``None`` until reported)
``map_focus``             ``(lat, lon, zoom)`` or ``(lat, lon, zoom, place id)`` the map
                          should move to once (set by the claims page and the place
                          search; with a place id its popup opens), else ``None``
``map_home``              ``(lat, lon, zoom)`` the map opens at: from the URL, else the
                          view of every claimed place; fixed for the session, so the
                          map is never rebuilt
``state_notices``         messages about the URL, shown until dismissed
``ledger_revision``       the ledger revision the map last showed (ui/follow.py reruns the
                          page when the ledger moves on)
``claims_notice``         the message of the Claims page's last write, shown once
                          (ui/claims_view.py)
========================  ==================================================================

The date, the layers and the view live in the URL too
(``?date=2025-12-01&layers=ru,ua,contested&lat=48.3&lon=37.2&z=10``) so a copied URL
reopens the same view. A URL's date is kept as given, whether or not a claim was made
on it. The sidebar widgets keep their own keys
(``w_*``) and copy into these in their callbacks, so the values survive page changes.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from conflictmap.ledger import LAYERS, ClaimError, parse_claim_date
from conflictmap.render import ASSESSMENT

AS_OF = "as_of"
VISIBLE = "visible_layers"
MAP_CENTER = "map_center"
MAP_ZOOM = "map_zoom"
FOCUS = "map_focus"
HOME = "map_home"
NOTICES = "state_notices"

ALL_LAYERS = (*LAYERS, ASSESSMENT)
DEFAULT_VISIBLE = frozenset(LAYERS)
W_DATE = "w_as_of"
W_LAYER = "w_layer_"  # + layer key
URL_DATE, URL_LAYERS = "date", "layers"
URL_LAT, URL_LON, URL_ZOOM = "lat", "lon", "z"
ZOOM_RANGE = (3.0, 18.0)


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


def parse_view(lat: str | None, lon: str | None, zoom: str | None) -> tuple | None:
    """``(lat, lon, zoom)`` from the URL's ``lat``, ``lon`` and ``z``, or None when any is
    missing or out of range.

    >>> parse_view("48.3", "37.2", "10"), parse_view("91", "37.2", "10"), parse_view("x", "1", "8")
    ((48.3, 37.2, 10.0), None, None)
    """
    try:
        la, lo, z = float(lat), float(lon), float(zoom)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not (-85 <= la <= 85 and -180 <= lo <= 180 and ZOOM_RANGE[0] <= z <= ZOOM_RANGE[1]):
        return None
    return la, lo, z


def _notice(text: str) -> None:
    notices = st.session_state.setdefault(NOTICES, [])
    if text not in notices:
        notices.append(text)


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
                # Any day a claim may carry (2014 to tomorrow): a day outside that
                # would make the slider offer every day up to it.
                ss[AS_OF] = parse_claim_date(text, "date")
            except ClaimError as exc:
                _notice(f"The URL's {exc}: showing the latest claim date, {dates[-1]}.")
    if VISIBLE not in ss:
        ss[VISIBLE] = DEFAULT_VISIBLE
        text = st.query_params.get(URL_LAYERS)
        if text is not None:
            layers, unknown = parse_layers(text)
            ss[VISIBLE] = layers
            if unknown:
                _notice(
                    f"Unknown layer(s) in the URL: {', '.join(unknown)}; "
                    f"known: {', '.join(ALL_LAYERS)}."
                )
    if HOME not in ss:
        q = st.query_params
        given = [q.get(k) for k in (URL_LAT, URL_LON, URL_ZOOM)]
        ss[HOME] = parse_view(*given)
        if ss[HOME] is None and any(given):
            _notice(
                "The URL's view (lat, lon, z) is not a place on the map: "
                "showing every claimed place."
            )
        elif ss[HOME] is not None:
            ss.setdefault(MAP_CENTER, ss[HOME][:2])
            ss.setdefault(MAP_ZOOM, ss[HOME][2])
    ss.setdefault(MAP_CENTER, None)
    ss.setdefault(MAP_ZOOM, None)
    ss.setdefault(FOCUS, None)
    if ss[AS_OF] is None and dates:  # the first claims arrived
        ss[AS_OF] = dates[-1]


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


def show_in_widget(key: str, value) -> None:
    """Make the widget ``key`` show ``value`` on this run, writing it only when it shows
    something else: a write sends the value to the browser, where it would undo a change
    the user made while an earlier rerun (say, one the map's panning started) was under
    way, and the next rerun would then carry the old value back."""
    if st.session_state.get(key) != value:
        st.session_state[key] = value


def set_visible(layers) -> None:
    """Change the layers switched on (and the sidebar checkboxes showing them)."""
    layers = frozenset(x for x in layers if x in ALL_LAYERS)
    st.session_state[VISIBLE] = layers
    for key in ALL_LAYERS:
        st.session_state[W_LAYER + key] = key in layers


def focus(lat: float, lon: float, zoom: int = 12, place_id: int | None = None) -> None:
    """Ask the map to move to a point the next time it is drawn (and to open the popup
    of ``place_id`` there, when given)."""
    value = (float(lat), float(lon), int(zoom))
    st.session_state[FOCUS] = value if place_id is None else (*value, int(place_id))


def take_focus() -> tuple | None:
    """The pending focus request, cleared."""
    value = st.session_state.get(FOCUS)
    st.session_state[FOCUS] = None
    return value


def home() -> tuple | None:
    """``(lat, lon, zoom)`` the map opens at when the URL gave one, else None."""
    return st.session_state.get(HOME)


def write_url() -> None:
    """Put the date, the visible layers and the view in the URL (only when they changed)."""
    day, layers = as_of(), visible()
    wanted = {
        URL_DATE: day.isoformat() if day else "",
        URL_LAYERS: ",".join(x for x in ALL_LAYERS if x in layers),
    }
    center, zoom = st.session_state.get(MAP_CENTER), st.session_state.get(MAP_ZOOM)
    if center and zoom:
        wanted[URL_LAT] = f"{center[0]:.4f}"
        wanted[URL_LON] = f"{center[1]:.4f}"
        wanted[URL_ZOOM] = f"{float(zoom):g}"
    if {k: st.query_params.get(k) for k in wanted} != wanted:
        st.query_params.update(wanted)


def _dismiss() -> None:
    st.session_state[NOTICES] = []


def show_notices() -> None:
    """Show what was wrong with the URL, until the reader dismisses it."""
    notices = st.session_state.get(NOTICES, [])
    for text in notices:
        st.warning(text)
    if notices:
        st.button("Dismiss", key="dismiss_notices", on_click=_dismiss)
